import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Saves a file atomically when the content is produced by a writer that needs a path (a native
 * library's `save`, a chunked stream): `write(tmpPath)` fills a temporary file in the same folder,
 * which is then fsynced and renamed over `path`, and the folder is fsynced. If `write` throws, the
 * temporary file is removed and `path` keeps its old content.
 *
 * @example
 * await saveAtomically('.patmatch/index/abstracts.usearch', (tmp) => native.save(tmp));
 */
export async function saveAtomically(path: string, write: (tmpPath: string) => void | Promise<void>): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
