/**
 * Helpers for tests that need a real store: a fresh one in a temporary folder, and patents to put in it.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patent } from '../domain/index.js';
import { openStore, type PatentStore } from './index.js';

const run = promisify(execFile);

/** A store in a fresh temporary folder; `dir` is free for fixtures, `cleanup` closes and removes all. */
export interface TempStore {
  dir: string;
  home: string;
  store: PatentStore;
  cleanup(): Promise<void>;
}

/**
 * Opens a store in a new temporary folder.
 *
 * @example
 * const temp = await tempStore(); … await temp.cleanup();
 */
export async function tempStore(): Promise<TempStore> {
  const dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
  const home = join(dir, 'home');
  const temp: TempStore = {
    dir,
    home,
    store: openStore(home),
    async cleanup() {
      temp.store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return temp;
}

/**
 * A valid normalised patent with the given application number, for tests.
 *
 * @example
 * store.upsertPatents([samplePatent('1020160138184', { registrationStatus: '등록' })], 'test');
 */
export function samplePatent(applicationNumber: string, overrides: Partial<Patent> = {}): Patent {
  return {
    applicationNumber,
    kind: applicationNumber.startsWith('20') ? 'utility-model' : 'patent',
    title: `발명 ${applicationNumber}`,
    titleEn: null,
    abstract: `요약 ${applicationNumber}`,
    ipc: ['H01G 11/86'],
    applicants: ['인천대학교 산학협력단'],
    applicationDate: '2016-10-24',
    openingNumber: null,
    openingDate: null,
    publicationNumber: null,
    publicationDate: null,
    registrationNumber: null,
    registrationDate: null,
    registrationStatus: '공개',
    inventors: [],
    agent: null,
    ...overrides,
  };
}

/** A path made read-only for this process (`undo` gives it back), or why that is not possible here. */
export type ReadOnly = { undo(): Promise<void> } | { skip: string };

/**
 * Makes `path` (a folder or a file) read-only for this process. A normal user gets chmod. Root
 * writes through permission bits, so it gets the immutable attribute instead (`chattr +i`, which
 * needs CAP_LINUX_IMMUTABLE and a file system that keeps it). A real write is then tried; when it
 * still succeeds, or chattr is not available, the change is undone and the reason returned.
 *
 * @example
 * const readOnly = await makeReadOnly(home);
 * if ('skip' in readOnly) return t.skip(readOnly.skip);
 * try { … } finally { await readOnly.undo(); }
 */
export async function makeReadOnly(path: string): Promise<ReadOnly> {
  const folder = (await stat(path)).isDirectory();
  let undo: () => Promise<void>;
  if (process.getuid?.() !== 0) {
    const mode = (await stat(path)).mode & 0o7777;
    await chmod(path, folder ? 0o555 : 0o444);
    undo = () => chmod(path, mode);
  } else {
    try {
      await run('chattr', ['+i', path]);
    } catch (error) {
      return { skip: `running as root, where chmod does not stop writes, and chattr +i ${path} failed: ${String(error).split('\n')[0]}` };
    }
    undo = async () => void (await run('chattr', ['-i', path]));
  }
  try {
    if (folder) await writeFile(join(path, '.write-probe'), 'x');
    else await (await open(path, 'r+')).close();
  } catch {
    return { undo };
  }
  await undo();
  await rm(join(path, '.write-probe'), { force: true });
  return { skip: `${path} stays writable for this process (uid ${process.getuid?.()}) after chmod/chattr` };
}

/**
 * The stored patents without ids, revisions and sources, in application-number order: equal for two
 * stores holding the same patents however they got there.
 *
 * @example
 * assert.equal(contentDigest(killedAndResumed), contentDigest(clean));
 */
export function contentDigest(store: PatentStore): string {
  return JSON.stringify(
    [...store.iterate()]
      .flat()
      .map(({ id: _id, revision: _revision, source: _source, ...patent }) => patent)
      .sort((a, b) => a.applicationNumber.localeCompare(b.applicationNumber)),
  );
}
