import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../../cli/context.js';
import { writeCharModel } from '../../embed/test-support/index.js';
import { buildIndexes } from '../../index/build/index.js';
import { ingest } from '../../ingest/index.js';
import { openSearchEngine } from '../../search/index.js';
import { openStore } from '../../store/index.js';
import type { OpenMatchOptions } from '../index.js';
import { openTestMatch, type MatchFixture } from './fixture.js';

/**
 * A real home for the market tests: `kipris/inu-patents.csv` ingested (979 patents, almost all of
 * 인천대학교 산학협력단), the test character model trained on them and indexed, so every search mode
 * runs as in production, with the match workflow and the sample directory on it.
 *
 * @example
 * const market = await marketHome({ smtp: smtp.url });
 */
export async function marketHome(options: Partial<Pick<OpenMatchOptions, 'smtp'>> = {}): Promise<MatchFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'patmatch-market-'));
  const home = join(dir, 'home');
  const setup = openStore(home);
  await ingest(setup, [join(sharedDataDir(), 'kipris', 'inu-patents.csv')]);
  const texts = [...setup.iterate()].flat().flatMap((patent) => [patent.title, patent.abstract]);
  setup.close();
  await writeCharModel(join(dir, 'model'), texts);
  await buildIndexes(home, { embedder: `static:${join(dir, 'model')}` });
  return openTestMatch(home, openStore(home), await openSearchEngine(home), options, () => rm(dir, { recursive: true, force: true }));
}
