/** The manifest of a backup (`patmatch-backup.json`): what it holds, and how to check each file. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PatmatchError } from '../domain/errors.js';
import { parseInput } from '../util/validate.js';

/** File name of the manifest inside a backup folder. */
export const BACKUP_MANIFEST = 'patmatch-backup.json';

// Paths inside a backup: relative, `/`-separated, no `..`, `.` or empty segment, so a hostile
// manifest cannot make restore write outside the new home.
const relativePath = z
  .string()
  .min(1)
  .max(1000)
  .refine((path) => !path.startsWith('/') && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\\')), {
    message: 'must be a relative path inside the backup',
  });

const backupManifestSchema = z.object({
  format: z.literal('patmatch-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  patmatchVersion: z.string(),
  /** The home the backup was taken from (for people; restore writes wherever --home says). */
  home: z.string(),
  store: z.object({ file: relativePath, id: z.string().nullable(), revision: z.number().int().nonnegative(), patents: z.number().int().nonnegative() }),
  /** The lexical index generation in use, with its build id (null for an index from before build ids). */
  lexical: z.object({ file: relativePath, buildId: z.string().nullable(), revision: z.number().int().nonnegative() }).nullable(),
  vectors: z
    .object({
      model: z.string(),
      revision: z.number().int().nonnegative(),
      count: z.number().int().nonnegative(),
      builtAt: z.string(),
      /** The embedder spec the manifest recorded, e.g. `static:/srv/patmatch/models/default`. */
      embedder: z.string(),
      /** Where the backup holds that model (`models/default`), or null for a hub id it does not hold. */
      modelFolder: relativePath.nullable(),
    })
    .nullable(),
  files: z.array(z.object({ path: relativePath, bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
});

/** A parsed backup manifest. */
export type BackupManifest = z.infer<typeof backupManifestSchema>;

/**
 * Reads and checks the manifest of the backup at `dir`; throws `invalid_input` naming the field
 * when it is missing, unreadable or malformed (a backup copied only in part has none).
 *
 * @example
 * const manifest = await readBackupManifest('/backups/patmatch-2026-12-07');
 */
export async function readBackupManifest(dir: string): Promise<BackupManifest> {
  const path = join(dir, BACKUP_MANIFEST);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'ENOENT' ? 'it does not exist (not a patmatch backup, or one copied only in part)' : error.message;
    throw new PatmatchError('invalid_input', `backup ${dir} is incomplete: ${BACKUP_MANIFEST} cannot be read: ${why}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PatmatchError('invalid_input', `backup ${dir} is damaged: ${BACKUP_MANIFEST} is not JSON (${(error as Error).message})`);
  }
  return parseInput(backupManifestSchema, json, `backup ${dir} is damaged: ${BACKUP_MANIFEST}`);
}

/**
 * The error for a backup file that is missing or differs from the manifest: names the backup, the
 * file and how.
 *
 * @example
 * throw damagedBackup('/backups/b1', 'patmatch.db', 'is 4096 bytes, the manifest says 8192');
 */
export function damagedBackup(dir: string, path: string, why: string): PatmatchError {
  return new PatmatchError('invalid_input', `backup ${dir} is damaged: ${path} ${why}; restore from another backup`);
}

/**
 * Checks that every file the manifest lists is in the backup with its size, so a truncated or
 * missing file is refused before anything is copied (restore compares each SHA-256 as it copies).
 * Throws {@link damagedBackup} for the first file that is missing or of another size.
 *
 * @example
 * await checkBackupSizes('/backups/patmatch-2026-12-07', manifest);
 */
export async function checkBackupSizes(dir: string, manifest: BackupManifest): Promise<void> {
  for (const file of manifest.files) {
    const info = await stat(join(dir, file.path)).catch(() => null);
    if (!info?.isFile()) throw damagedBackup(dir, file.path, 'is missing');
    if (info.size !== file.bytes) throw damagedBackup(dir, file.path, `is ${info.size} bytes, the manifest says ${file.bytes}`);
  }
}

/**
 * Checks a manifest before it is written (the same schema restore reads it with).
 *
 * @example
 * const text = serializeBackupManifest(manifest);
 */
export function serializeBackupManifest(manifest: BackupManifest): string {
  return `${JSON.stringify(parseInput(backupManifestSchema, manifest, 'backup manifest'), null, 2)}\n`;
}
