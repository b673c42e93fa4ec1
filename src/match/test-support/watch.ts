import { buildIndexes } from '../../index/build/index.js';
import { samplePatent } from '../../store/test-support.js';
import { watchHome, type WatchReport } from '../watch/index.js';
import type { MatchFixture } from './fixture.js';

/**
 * What `patmatch ingest` + `patmatch index` do when a patent like `like` arrives: stores a copy of its
 * title and abstract under `applicationNumber`, rebuilds the indexes and runs the demand watch. Needs
 * a fixture opened with `indexed: true`.
 *
 * @example
 * const report = await arriveAndWatch(fixture, demand.recommendations[0]!, '1020990000301');
 * report.newRecommendations // 1
 */
export async function arriveAndWatch(fixture: MatchFixture, like: { title: string; abstract: string }, applicationNumber: string): Promise<WatchReport> {
  fixture.store.upsertPatents([samplePatent(applicationNumber, { title: like.title, abstract: like.abstract })], 'test:new');
  await buildIndexes(fixture.home);
  return watchHome(fixture.home, { publicUrl: 'http://patmatch.test' });
}
