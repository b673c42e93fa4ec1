import { createReadStream } from 'node:fs';
import { chmod, readFile, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PatmatchError } from '../domain/errors.js';
import { vectorFiles, type VectorsManifest } from '../index/vectors/index.js';
import { openSearchEngine } from '../search/index.js';
import { homeLayout } from '../store/home.js';
import { replaceDirAtomic, writeFileAtomic } from '../util/atomic.js';
import { assertEmptyOrNew } from './backup.js';
import { copyHashed } from './copy.js';
import { checkBackupSizes, damagedBackup, readBackupManifest, type BackupManifest } from './manifest.js';

/** What `restoreHome` wrote. */
export interface RestoreReport {
  home: string;
  seconds: number;
  bytes: number;
  files: number;
  store: BackupManifest['store'];
  /** The model the restored vectors are searched with, or null for a home without vectors. */
  model: string | null;
}

/**
 * Restores the backup at `dir` into `home`, which must be new or empty. The manifest is checked
 * first, then every file's size (a truncated or missing file is refused before anything is
 * written), and each file's SHA-256 as it is copied; a damaged backup is refused naming the file,
 * and leaves nothing behind. The home is written beside its place and renamed in once complete:
 * `lexical.db` links (relatively) to the restored generation, and the vectors manifest names the
 * restored model. The restored home is then opened as `serve` opens it, so it serves without
 * re-indexing.
 *
 * @example
 * await restoreHome('/backups/patmatch-2026-12-07', '/srv/patmatch-restored');
 */
export async function restoreHome(dir: string, home: string): Promise<RestoreReport> {
  const started = performance.now();
  const manifest = await readBackupManifest(dir);
  await checkBackupSizes(dir, manifest);
  await assertEmptyOrNew(home, 'the home to restore into (--home)');
  const target = resolve(home);
  await replaceDirAtomic(target, async (tmp) => {
    for (const file of manifest.files) {
      const copied = await copyHashed(createReadStream(join(dir, file.path)), join(tmp, ...file.path.split('/')));
      if (copied.sha256 !== file.sha256) throw damagedBackup(dir, file.path, `has SHA-256 ${copied.sha256}, the manifest says ${file.sha256}`);
    }
    const layout = homeLayout(tmp);
    if (manifest.lexical && manifest.lexical.file !== 'lexical.db') await symlink(manifest.lexical.file, layout.lexical);
    if (manifest.vectors?.modelFolder) await pointVectorsAt(layout.vectors, manifest.vectors.embedder, join(target, ...manifest.vectors.modelFolder.split('/')));
    if (manifest.files.some((file) => file.path === 'secret')) await chmod(layout.secret, 0o600);
  });
  let model: string | null = null;
  try {
    if (manifest.lexical) {
      const engine = await openSearchEngine(target);
      model = engine.model;
      await engine.close();
    }
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new PatmatchError('invalid_input', `backup ${dir} restored into a home that cannot be served (${reason}); nothing was kept`);
  }
  return {
    home: target,
    seconds: (performance.now() - started) / 1000,
    bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0),
    files: manifest.files.length,
    store: manifest.store,
    model,
  };
}

/** Rewrites the embedder spec of the restored vectors manifest to the restored model folder (same kind). */
async function pointVectorsAt(vectorsDir: string, recorded: string, modelDir: string): Promise<void> {
  const path = join(vectorsDir, vectorFiles.manifest);
  const vectors = JSON.parse(await readFile(path, 'utf8')) as VectorsManifest;
  const kind = recorded.slice(0, recorded.indexOf(':'));
  await writeFileAtomic(path, `${JSON.stringify({ ...vectors, embedder: `${kind}:${modelDir}` }, null, 2)}\n`);
}
