import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestHome } from '../../api/test-support/home.js';
import { sharedDataDir } from '../../cli/context.js';
import { openSearchEngine } from '../../search/index.js';
import { openStore, type PatentStore } from '../../store/index.js';
import type { SearchEngine } from '../../search/types.js';
import { openMatch, readManagersCsv, type Manager, type OpenedMatch, type OpenMatchOptions } from '../index.js';
import { csvSearchEngine } from './search.js';

/** A temporary home with the store, the match workflow on it and the sample manager directory. */
export interface MatchFixture {
  home: string;
  store: PatentStore;
  engine: SearchEngine;
  match: OpenedMatch;
  close(): Promise<void>;
}

/** The sample manager directory (synthetic contacts for the real applicants). */
export const sampleManagers = (): Promise<Manager[]> => readManagersCsv(join(sharedDataDir(), 'kipris', 'sample-managers.csv'));

/**
 * Opens a match workflow in a fresh temporary home. `managers` filters the sample directory
 * (default: all of it). The worker starts unless `sendsMail` is false (then tests `drain()` it); tests pass `smtp`.
 * `indexed` builds a real home (`buildTestHome`: stored patents, lexical index, the real engine), which
 * the demand watch needs; otherwise the home is empty and `csvSearchEngine` answers.
 *
 * @example
 * const fixture = await matchFixture({ smtp: smtp.url });
 * try { … } finally { await fixture.close(); }
 */
export async function matchFixture(
  options: Partial<Pick<OpenMatchOptions, 'smtp' | 'worker' | 'smtpTimeouts' | 'routes' | 'sendsMail'>> & {
    managers?: (manager: Manager) => boolean;
    indexed?: boolean;
  } = {},
): Promise<MatchFixture> {
  const home = options.indexed ? (await buildTestHome()).home : await mkdtemp(join(tmpdir(), 'patmatch-'));
  const engine = options.indexed ? await openSearchEngine(home) : csvSearchEngine();
  return openTestMatch(home, openStore(home), engine, options, () => rm(home, { recursive: true, force: true }));
}

/**
 * The match workflow on a store and engine, with the tests' settings (short timeouts and backoff,
 * links to http://patmatch.test) and the sample directory; `close` closes them all, then `cleanup`.
 *
 * @example
 * const fixture = await openTestMatch(home, openStore(home), await openSearchEngine(home), { smtp: smtp.url }, cleanup);
 */
export async function openTestMatch(
  home: string,
  store: PatentStore,
  engine: SearchEngine,
  options: Partial<Pick<OpenMatchOptions, 'smtp' | 'worker' | 'smtpTimeouts' | 'routes'>> & { managers?: (manager: Manager) => boolean },
  cleanup: () => Promise<void>,
): Promise<MatchFixture> {
  const match = await openMatch({
    home,
    db: store.db,
    search: engine,
    publicUrl: 'http://patmatch.test',
    mailFrom: 'patmatch <no-reply@patmatch.test>',
    log: () => {},
    smtpTimeouts: { connectionTimeout: 2_000, greetingTimeout: 2_000, socketTimeout: 1_000 },
    worker: { backoffMs: 50, maxBackoffMs: 200, pollMs: 100, leaseMs: 10_000 },
    ...options,
  });
  match.service.managers.upsert((await sampleManagers()).filter(options.managers ?? (() => true)));
  return {
    home,
    store,
    engine,
    match,
    async close() {
      await match.close();
      await engine.close();
      store.close();
      await cleanup();
    },
  };
}
