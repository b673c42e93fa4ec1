import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';
import { PatmatchError } from '../domain/errors.js';
import { embedderFolder, loadEmbedder } from '../embed/index.js';
import { lexicalMetaOf, openLexicalReader } from '../index/lexical/index.js';
import { vectorFiles, type VectorsManifest } from '../index/vectors/index.js';
import { homeLayout } from '../store/home.js';
import { replaceDirAtomic, writeFileAtomic } from '../util/atomic.js';
import { copyHashed, hashStream, openFolderSnapshot, snapshotDatabase, type BackupFile } from './copy.js';
import { BACKUP_MANIFEST, serializeBackupManifest, type BackupManifest } from './manifest.js';
import { packageVersion } from '../cli/context.js';

/** What `backupHome` wrote. */
export interface BackupReport {
  dir: string;
  seconds: number;
  /** Bytes of every file in the backup, the manifest left out. */
  bytes: number;
  files: number;
  store: BackupManifest['store'];
  lexical: BackupManifest['lexical'];
  vectors: BackupManifest['vectors'];
}

/**
 * Backs up a home while `serve`, `ingest` or `index` may run, into `dir` (new or empty): the store
 * and the lexical index generation in use through SQLite's online backup API, the vectors folder and
 * the home's models (and the model the vectors were made with, when it lives elsewhere) as one build
 * each, the link secret, and `patmatch-backup.json` with the size and SHA-256 of every file. The
 * indexes are copied before the store, so the store is never older than what they index. The backup
 * is written beside `dir` and renamed into place once complete, so `dir` holds a whole backup or
 * none.
 *
 * @example
 * const report = await backupHome('.patmatch', '/backups/patmatch-2026-12-07');
 * report.store.revision // 2308
 */
export async function backupHome(home: string, dir: string): Promise<BackupReport> {
  const started = performance.now();
  const layout = homeLayout(home);
  if (!existsSync(layout.store)) throw new PatmatchError('not_found', `${home} has no store (${layout.store}); nothing to back up`);
  await assertEmptyOrNew(dir, 'the backup folder');
  let manifest: BackupManifest | undefined;
  await replaceDirAtomic(dir, async (tmp) => {
    const files: BackupFile[] = [];
    const lexical = await backupLexical(layout.lexical, tmp, files);
    const vectorsManifest = await backupFolder(layout.vectors, tmp, 'vectors', files);
    const vectors = await backupModels(home, vectorsManifest, tmp, files);
    const store = await snapshotDatabase(
      () => new Database(layout.store, { readonly: true, fileMustExist: true }),
      join(tmp, 'patmatch.db'),
      (copy) => ({
        id: (copy.prepare(`SELECT value FROM store_meta WHERE name = 'store_id'`).pluck().get() as string | undefined) ?? null,
        revision: Number(copy.prepare('SELECT coalesce(max(revision), 0) FROM patents').pluck().get()),
        patents: Number(copy.prepare('SELECT count(*) FROM patents').pluck().get()),
      }),
    );
    files.push({ path: 'patmatch.db', bytes: store.bytes, sha256: store.sha256 });
    checkSameStore(home, store.id, lexical?.store ?? null, vectorsManifest?.store ?? null);
    if (existsSync(layout.secret)) await copyInto(layout.secret, tmp, 'secret', files);
    manifest = {
      format: 'patmatch-backup',
      version: 1,
      createdAt: new Date().toISOString(),
      patmatchVersion: packageVersion,
      home: resolve(home),
      store: { file: 'patmatch.db', id: store.id, revision: store.revision, patents: store.patents },
      lexical: lexical && { file: lexical.file, buildId: lexical.buildId, revision: lexical.revision },
      vectors,
      files: files.sort((a, b) => a.path.localeCompare(b.path)),
    };
    await writeFileAtomic(join(tmp, BACKUP_MANIFEST), serializeBackupManifest(manifest));
  });
  const written = manifest!;
  return {
    dir: resolve(dir),
    seconds: (performance.now() - started) / 1000,
    bytes: written.files.reduce((sum, file) => sum + file.bytes, 0),
    files: written.files.length,
    store: written.store,
    lexical: written.lexical,
    vectors: written.vectors,
  };
}

/**
 * The lexical index generation `lexical.db` names, copied under its own name (`lexical.<build id>.db`,
 * or `lexical.db` for an index from before generation files); null when the home has no index.
 */
async function backupLexical(path: string, tmp: string, files: BackupFile[]) {
  if (!existsSync(path)) return null;
  const copyPath = join(tmp, 'lexical.copy.db');
  const copied = await snapshotDatabase(() => openLexicalReader(path), copyPath, lexicalMetaOf);
  const file = copied.buildId ? `lexical.${copied.buildId}.db` : 'lexical.db';
  await rename(copyPath, join(tmp, file));
  files.push({ path: file, bytes: copied.bytes, sha256: copied.sha256 });
  return { file, buildId: copied.buildId, revision: copied.indexedRevision, store: copied.indexedStore };
}

/**
 * Copies the files of `dir` as one build (see `openFolderSnapshot`) under `into` in the backup, and
 * returns the vectors manifest among them (parsed from the copy), or null when `dir` does not exist.
 */
async function backupFolder(dir: string, tmp: string, into: string, files: BackupFile[]): Promise<VectorsManifest | null> {
  const snapshot = await openFolderSnapshot(dir);
  if (!snapshot) return null;
  let manifest: VectorsManifest | null = null;
  try {
    for (const { path, handle } of snapshot.files) {
      const target = `${into}/${path}`;
      const copied = await copyHashed(handle.createReadStream({ start: 0, autoClose: false }), join(tmp, ...target.split('/')));
      files.push({ path: target, ...copied });
      if (into === 'vectors' && path === vectorFiles.manifest) {
        manifest = JSON.parse(await readFile(join(tmp, ...target.split('/')), 'utf8')) as VectorsManifest;
      }
    }
  } finally {
    await snapshot.close();
  }
  return manifest;
}

/**
 * Copies every model of `<home>/models`, and the model the vectors were made with when it lives
 * outside the home (as `models/<its folder name>`, the name its id is made of). Returns what the
 * backup manifest says about the vectors.
 */
async function backupModels(home: string, vectors: VectorsManifest | null, tmp: string, files: BackupFile[]): Promise<BackupManifest['vectors']> {
  const modelsDir = join(home, 'models');
  const names = existsSync(modelsDir) ? (await readdir(modelsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')) : [];
  for (const { name } of names) await backupFolder(join(modelsDir, name), tmp, `models/${name}`, files);
  if (!vectors) return null;
  const folder = embedderFolder(vectors.embedder);
  let modelFolder: string | null = null;
  if (folder) {
    const inside = relative(resolve(home), resolve(folder));
    if (!inside.startsWith('..') && !isAbsolute(inside)) modelFolder = inside.split(sep).join('/');
    else {
      modelFolder = `models/${basename(resolve(folder))}`;
      if (!names.some(({ name }) => `models/${name}` === modelFolder)) await backupFolder(folder, tmp, modelFolder, files);
      else if (!(await sameFiles(folder, modelFolder, files))) {
        // A copied home (`cp -a`) still names the original's model, which is the copy's own when the files are the same.
        throw new PatmatchError('conflict', `The vectors were made with ${folder}, which differs from ${join(modelsDir, basename(folder))} of the same name; run \`patmatch index\` (or move one of them), then back up`);
      }
    }
  }
  if (modelFolder) await checkModelOfVectors(vectors, join(tmp, ...modelFolder.split('/')));
  return { model: vectors.model, revision: vectors.revision, count: vectors.count, builtAt: vectors.builtAt, embedder: vectors.embedder, modelFolder };
}

/**
 * The model copied must be the one the vectors were made with (its id is its folder name and file
 * contents): `train` replacing it after `index` would leave a backup that no `serve` opens.
 */
async function checkModelOfVectors(vectors: VectorsManifest, copied: string): Promise<void> {
  const kind = vectors.embedder.slice(0, vectors.embedder.indexOf(':'));
  const embedder = await loadEmbedder(`${kind}:${copied}`, { threads: 1 });
  const { id } = embedder;
  await embedder.close();
  if (id !== vectors.model) {
    throw new PatmatchError('conflict', `The vectors were made by ${vectors.model}, but ${vectors.embedder} is now ${id} (retrained since \`patmatch index\`); run \`patmatch index\`, then back up`);
  }
}

/** Whether the files of `folder` are those the backup already holds under `copied` (names, sizes and SHA-256). */
async function sameFiles(folder: string, copied: string, files: readonly BackupFile[]): Promise<boolean> {
  const held = files.filter((file) => file.path.startsWith(`${copied}/`));
  const snapshot = await openFolderSnapshot(folder);
  if (!snapshot) return false;
  try {
    if (snapshot.files.length !== held.length) return false;
    for (const { path, handle } of snapshot.files) {
      const expected = held.find((file) => file.path === `${copied}/${path}`);
      const { sha256 } = await hashStream(handle.createReadStream({ start: 0, autoClose: false }));
      if (!expected || expected.sha256 !== sha256) return false;
    }
    return true;
  } finally {
    await snapshot.close();
  }
}

/** Indexes built from another store than the one copied: the store was replaced while the backup ran. */
function checkSameStore(home: string, store: string | null, ...indexed: (string | null)[]): void {
  if (indexed.some((id) => id !== null && store !== null && id !== store)) {
    throw new PatmatchError('conflict', `The store of ${home} was replaced while it was backed up (its indexes name another store); run \`patmatch index\`, then back up again`);
  }
}

async function copyInto(path: string, tmp: string, name: string, files: BackupFile[]): Promise<void> {
  files.push({ path: name, ...(await copyHashed(createReadStream(path), join(tmp, name))) });
}

/**
 * Throws unless `dir` does not exist or is an empty folder (a backup or a restore never mixes into
 * existing files); its parent folder is created.
 *
 * @example
 * await assertEmptyOrNew('/backups/b1', 'the backup folder');
 */
export async function assertEmptyOrNew(dir: string, what: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    if (error.code === 'ENOTDIR') throw new PatmatchError('invalid_input', `${dir}: ${what} is a file; give a new or empty folder`);
    throw error;
  });
  if (entries.length > 0) throw new PatmatchError('invalid_input', `${dir}: ${what} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); give a new or empty folder`);
  await mkdir(dirname(resolve(dir)), { recursive: true });
}
