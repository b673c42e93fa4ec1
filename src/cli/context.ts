import { PatmatchError } from '../domain/errors.js';
import { resolve, dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json is), found from this file in src/ or dist/. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The version in package.json, as the API reports it and backups record it. */
export const packageVersion = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The home folder holding the store, indexes and models: `--home`, else `PATMATCH_HOME`, else `./.patmatch`.
 *
 * @example
 * resolveHome(undefined) // '/work/main/.patmatch'
 */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.PATMATCH_HOME ?? '.patmatch');
}

/**
 * The shared data folder (`../shared/data` beside the project), or `PATMATCH_SHARED_DATA`.
 * Throws a message that says what is missing and how to point elsewhere.
 */
export function sharedDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolve(env.PATMATCH_SHARED_DATA ?? join(projectRoot, '..', 'shared', 'data'));
  if (!existsSync(dir)) {
    throw new PatmatchError(
      'not_found',
      `Shared data not found at ${dir}. Put the shared folder beside the project or set PATMATCH_SHARED_DATA.`,
    );
  }
  return dir;
}
