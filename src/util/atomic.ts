import { existsSync, renameSync } from 'node:fs';
import { link, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so that readers see either the old or the new content, never a half-written one:
 * temporary file in the same folder, fsync, rename over the target, fsync the folder.
 *
 * @example
 * await writeFileAtomic('.patmatch/index/manifest.json', JSON.stringify(manifest));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return saveAtomically(path, (tmp) => writeFile(tmp, data));
}

/**
 * Saves a file atomically when the content is produced by a writer that needs a path (a native
 * library's `save`, a chunked stream): `write(tmpPath)` fills a temporary file in the same folder,
 * which is then fsynced and renamed over `path`, and the folder is fsynced. If `write` throws, the
 * temporary file is removed and `path` keeps its old content.
 *
 * @example
 * await saveAtomically('.patmatch/vectors/abstracts.usearch', (tmp) => native.save(tmp));
 */
export async function saveAtomically(path: string, write: (tmpPath: string) => void | Promise<void>): Promise<void> {
  const { dir, tmp } = await temporarySibling(path);
  try {
    await write(tmp);
    await fsync(tmp);
    await rename(tmp, path);
    await fsync(dir);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Creates `path` with `data` only if it does not exist yet, so that concurrent creators agree on
 * one content and no reader ever sees the file empty or half-written: the data goes to a temporary
 * file that is fsynced and then hard-linked to `path` (the link fails if another creator won).
 * Resolves `true` when this call created the file.
 *
 * @example
 * await writeFileExclusive('.patmatch/secret', randomBytes(32).toString('hex'), 0o600);
 */
export async function writeFileExclusive(path: string, data: string | Uint8Array, mode = 0o644): Promise<boolean> {
  const { dir, tmp } = await temporarySibling(path);
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await fsync(tmp);
    try {
      await link(tmp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    await fsync(dir);
    return true;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Replaces a whole folder: `build(tmpDir)` fills a fresh sibling folder; the old folder is renamed
 * aside, the new one renamed in, and the old one removed. A crash between the two renames leaves
 * only the `.old` sibling, which `recoverReplacedDir` (run here and when a home is opened) puts back,
 * so readers always find a complete folder.
 *
 * @example
 * await replaceDirAtomic('.patmatch/vectors', async (tmp) => { await graph.save(join(tmp, 'abstracts.usearch')); });
 */
export async function replaceDirAtomic(path: string, build: (tmpDir: string) => Promise<void>): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  recoverReplacedDir(path);
  const { tmp, old } = siblingsOf(path);
  await rm(tmp, { recursive: true, force: true });
  await rm(old, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await build(tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  await rename(path, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(tmp, path);
  await fsync(parent);
  await rm(old, { recursive: true, force: true });
}

/**
 * Puts back a folder that `replaceDirAtomic` had renamed aside when it was interrupted before the
 * new one was renamed in. Synchronous, so stores can call it while opening.
 *
 * @example
 * recoverReplacedDir('.patmatch/vectors');
 */
export function recoverReplacedDir(path: string): void {
  const { old } = siblingsOf(path);
  if (existsSync(path) || !existsSync(old)) return;
  try {
    renameSync(old, path);
  } catch (error) {
    // Another process opening the same home (`serve --workers`) put it back first.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(path)) throw error;
  }
}

/**
 * Whether `replaceDirAtomic` is between its two renames for `path` (or was cut short there, to be put
 * back by `recoverReplacedDir`): the old folder renamed aside and the new one not yet in place.
 *
 * @example
 * if (isDirBeingReplaced('.patmatch/vectors')) return; // the new folder is there in a moment
 */
export function isDirBeingReplaced(path: string): boolean {
  return !existsSync(path) && existsSync(siblingsOf(path).old);
}

/** A fresh temporary file name beside `path` (its folder created), for writes that end in a rename or link. */
async function temporarySibling(path: string): Promise<{ dir: string; tmp: string }> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  return { dir, tmp: join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`) };
}

function siblingsOf(path: string): { tmp: string; old: string } {
  const parent = dirname(path);
  return { tmp: join(parent, `.${basename(path)}.building`), old: join(parent, `.${basename(path)}.old`) };
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
