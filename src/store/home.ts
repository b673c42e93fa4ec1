import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PatmatchError } from '../domain/errors.js';

/**
 * Where everything lives inside a patmatch home folder. One place, so the CLI, the server and
 * the tests agree.
 *
 * @example
 * homeLayout('.patmatch').store // '.patmatch/patmatch.db'
 */
export function homeLayout(home: string) {
  return {
    home,
    /** Patents, evaluations, accounts, demands (SQLite). */
    store: join(home, 'patmatch.db'),
    /** BM25 index over morpheme-tokenised titles and abstracts (SQLite FTS5). */
    lexical: join(home, 'lexical.db'),
    /** Vector indexes of the current model: manifest, ANN over abstracts, title and abstract tables. */
    vectors: join(home, 'vectors'),
    /** The model `patmatch train` writes and `index`/`search` use by default. */
    defaultModel: join(home, 'models', 'default'),
    /** HMAC secret for signed links, created on first use. */
    secret: join(home, 'secret'),
  } as const;
}

/** A path this process cannot write, and the errno that says why. */
export interface WriteDenied {
  path: string;
  code: 'EACCES' | 'EPERM' | 'EROFS';
}

const DENIED_CODES: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Whether this process may write `path`, or, when it does not exist yet, the nearest folder above it
 * that does (where it would be created): null when it may. EPERM is an immutable file (`chattr +i`),
 * EROFS a read-only mount; root passes permission bits, and may indeed write. When access(2) says
 * no, a real write is tried before believing it (a file opened for writing, a probe file created in
 * a folder): access() checks a user other than root without its capabilities (CAP_DAC_OVERRIDE),
 * and some network file systems answer it from permission bits the server does not apply.
 *
 * @example
 * writeDenied('/srv/patmatch') // { path: '/srv/patmatch', code: 'EACCES' } for a folder of another user
 */
export function writeDenied(path: string): WriteDenied | null {
  let existing = resolve(path);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    accessSync(existing, constants.W_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!DENIED_CODES.has(code)) return null;
    const denied = tryWrite(existing);
    return denied === null ? null : { path: existing, code: denied };
  }
}

/** The errno of a real write to `path` that was refused, or null when it went through. Changes nothing but a folder's time. */
function tryWrite(path: string): WriteDenied['code'] | null {
  try {
    if (statSync(path).isDirectory()) {
      const probe = join(path, `.patmatch-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
      closeSync(openSync(probe, 'wx'));
      rmSync(probe, { force: true });
    } else {
      closeSync(openSync(path, 'r+'));
    }
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return DENIED_CODES.has(code) ? (code as WriteDenied['code']) : null;
  }
}

/**
 * The path and code of a write that `error` (from the file system or from SQLite) says was refused,
 * or null when it says something else; `fallback` is the path when the error names none.
 *
 * @example
 * deniedBy(sqliteError, layout.store) // { path: '.patmatch/patmatch.db', code: 'SQLITE_READONLY' }
 */
export function deniedBy(error: unknown, fallback: string): { path: string; code: string } | null {
  const { code, path } = error as { code?: unknown; path?: unknown };
  if (typeof code !== 'string') return null;
  if (DENIED_CODES.has(code)) return { path: typeof path === 'string' ? path : fallback, code };
  if (code.startsWith('SQLITE_READONLY')) return { path: fallback, code: 'SQLITE_READONLY' };
  return null;
}

/**
 * The error for a path patmatch must write but cannot, naming it, the reason and the way out.
 *
 * @example
 * throw notWritableError({ path: '/srv/patmatch', code: 'EROFS' });
 * // /srv/patmatch is not writable (EROFS: read-only file system); … or use another home with --home <dir> (env PATMATCH_HOME)
 */
export function notWritableError(denied: { path: string; code: string }, way = 'use another home with --home <dir> (env PATMATCH_HOME)'): PatmatchError {
  const why = WHY[denied.code] ?? denied.code;
  return new PatmatchError('not_ready', `${denied.path} is not writable (${why}); make it writable, or ${way}`, { ...denied });
}

const WHY: Record<string, string> = {
  EACCES: 'EACCES: permission denied',
  EPERM: 'EPERM: the file is immutable',
  EROFS: 'EROFS: read-only file system',
  SQLITE_READONLY: 'SQLITE_READONLY: SQLite opened it read-only',
};

/**
 * Throws `notWritableError` for the first of `paths` this process cannot write (see `writeDenied`).
 * Commands that write call it before their work, so a read-only home fails at once and plainly.
 *
 * @example
 * assertWritable(home, homeLayout(home).store);
 */
export function assertWritable(...paths: string[]): void {
  for (const path of paths) {
    const denied = writeDenied(path);
    if (denied) throw notWritableError(denied);
  }
}
