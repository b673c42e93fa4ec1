import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../../cli/context.js';
import { writeCharModel } from '../../embed/test-support/index.js';
import { buildIndexes } from '../../index/build/index.js';
import { ingest } from '../../ingest/index.js';
import { openSearchEngine, type SearchEngine } from '../../search/index.js';
import { openStore, type PatentStore } from '../../store/index.js';
import { openMatch, type OpenedMatch, type OpenMatchOptions } from '../index.js';
import { sampleManagers } from './fixture.js';

/** A real home for the market tests: the INU patents, a small model, the real engine, the match workflow and the sample directory. */
export interface MarketHome {
  home: string;
  store: PatentStore;
  engine: SearchEngine;
  match: OpenedMatch;
  close(): Promise<void>;
}

/**
 * Ingests `kipris/inu-patents.csv` (979 patents, almost all of 인천대학교 산학협력단), trains the
 * test character model on them and indexes, so every search mode runs as in production.
 *
 * @example
 * const market = await marketHome({ smtp: smtp.url });
 */
export async function marketHome(options: Partial<Pick<OpenMatchOptions, 'smtp'>> = {}): Promise<MarketHome> {
  const dir = await mkdtemp(join(tmpdir(), 'patmatch-market-'));
  const home = join(dir, 'home');
  const setup = openStore(home);
  await ingest(setup, [join(sharedDataDir(), 'kipris', 'inu-patents.csv')]);
  const texts = [...setup.iterate()].flat().flatMap((patent) => [patent.title, patent.abstract]);
  setup.close();
  await writeCharModel(join(dir, 'model'), texts);
  await buildIndexes(home, { embedder: `static:${join(dir, 'model')}` });
  const engine = await openSearchEngine(home);
  const store = openStore(home);
  const match = await openMatch({
    home,
    db: store.db,
    search: engine,
    publicUrl: 'http://patmatch.test',
    mailFrom: 'patmatch <no-reply@patmatch.test>',
    log: () => {},
    worker: { backoffMs: 50, maxBackoffMs: 200, pollMs: 100, leaseMs: 10_000 },
    ...options,
  });
  match.service.managers.upsert(await sampleManagers());
  return {
    home,
    store,
    engine,
    match,
    async close() {
      await match.close();
      await engine.close();
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
