/** Copying files into a backup or a restored home: consistent snapshots, with sizes and SHA-256. */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import Database from 'better-sqlite3';
import { PatmatchError } from '../domain/errors.js';

/** One file of a backup: its path inside the backup (`/`-separated), size and SHA-256 (hex). */
export interface BackupFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Copies a readable stream into `to` (its folder created), fsyncs it, and returns its size and
 * SHA-256, computed from the bytes written.
 *
 * @example
 * const { bytes, sha256 } = await copyHashed(createReadStream(from), '/backups/b1/secret');
 */
export async function copyHashed(from: NodeJS.ReadableStream, to: string): Promise<{ bytes: number; sha256: string }> {
  await mkdir(dirname(to), { recursive: true });
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(from, tap, createWriteStream(to, { flags: 'wx' }));
  await syncFile(to);
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Size and SHA-256 of a file.
 *
 * @example
 * await hashFile('/backups/b1/patmatch.db') // { bytes: 4296704, sha256: '9f2c…' }
 */
export function hashFile(path: string): Promise<{ bytes: number; sha256: string }> {
  return hashStream(createReadStream(path));
}

/**
 * Size and SHA-256 of what a stream yields.
 *
 * @example
 * await hashStream(handle.createReadStream({ start: 0, autoClose: false }))
 */
export async function hashStream(stream: AsyncIterable<unknown>): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Copies a live SQLite database into `to` with SQLite's online backup API, all pages in one step,
 * so the copy is the database as one read transaction saw it, whatever other processes commit
 * meanwhile (a step that is interrupted by another writer would start over). `read` runs on the
 * copy before it is closed (its build id, revision …). `open` opens the source: a lexical index
 * goes through `openSettled` so that a swap in progress is not caught half-way.
 *
 * @example
 * const revision = await snapshotDatabase(() => new Database(store, { readonly: true }), '/backups/b1/patmatch.db',
 *   (copy) => copy.prepare('SELECT max(revision) FROM patents').pluck().get());
 */
export async function snapshotDatabase<T>(
  open: () => Database.Database,
  to: string,
  read: (copy: Database.Database) => T,
): Promise<T & BackupFileStats> {
  await mkdir(dirname(to), { recursive: true });
  const source = open();
  try {
    // The first step copies nothing and reports the size; the second copies every page at once.
    await source.backup(to, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const copy = new Database(to, { fileMustExist: true });
  let value: T;
  try {
    // The copy is left in rollback-journal mode: a backup file has no -wal beside it to lose.
    copy.pragma('journal_mode = DELETE');
    value = read(copy);
  } finally {
    copy.close();
  }
  await syncFile(to);
  return Object.assign(value as object, await hashFile(to)) as T & BackupFileStats;
}

/** Size and hash a snapshot adds to what it read. */
export type BackupFileStats = { bytes: number; sha256: string };

/** Open files of one folder as it was at one moment (see {@link openFolderSnapshot}). */
export interface FolderSnapshot {
  /** Paths relative to the folder, `/`-separated, in name order, with their open handles. */
  files: { path: string; handle: FileHandle }[];
  close(): Promise<void>;
}

/**
 * Opens every file below `dir` such that all come from the same folder: patmatch replaces the
 * vectors folder and a trained model whole, by renaming a new folder into place, so when the folder
 * at `dir` is the same one (device and inode) before and after every file was opened, the open files
 * are one build's, and stay readable after the folder is replaced and deleted. Tries again when it
 * changed meanwhile; null when `dir` does not exist.
 *
 * @example
 * const snapshot = await openFolderSnapshot('.patmatch/vectors');
 * for (const { path, handle } of snapshot?.files ?? []) …
 */
export async function openFolderSnapshot(dir: string, tries = 5): Promise<FolderSnapshot | null> {
  for (let attempt = 1; ; attempt++) {
    const before = await folderIdentity(dir);
    if (!before) return null;
    const files: FolderSnapshot['files'] = [];
    const close = async () => {
      await Promise.all(files.map(({ handle }) => handle.close()));
    };
    try {
      for (const path of await listFiles(dir)) files.push({ path, handle: await open(join(dir, ...path.split('/')), 'r') });
      if ((await folderIdentity(dir)) === before) return { files, close };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        await close();
        throw error;
      }
    }
    await close();
    if (attempt >= tries) throw new PatmatchError('not_ready', `${dir} kept being replaced while it was copied (${tries} tries); try again`);
  }
}

/** Every regular file below `dir`, relative and `/`-separated, in name order. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

async function folderIdentity(dir: string): Promise<string | null> {
  const info = await stat(dir, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (info && !info.isDirectory()) throw new PatmatchError('invalid_input', `${dir} is not a folder`);
  return info && `${info.dev}:${info.ino}`;
}

/** fsync of a file or folder. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
