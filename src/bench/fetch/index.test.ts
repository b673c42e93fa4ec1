import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distinctNumbers, recordedPages, recordedQueries } from '../../fetch/kipris/test-support.js';
import { runFetchBench } from './index.js';

test('bench fetch fetches every recorded query each round: the first inserts the distinct patents, the second finds every item unchanged', async () => {
  const { rounds } = await runFetchBench({ dir: recordedPages, rounds: 2 });
  const files = [...recordedQueries().values()].flat();
  assert.equal(rounds.length, 2);
  assert.equal(rounds[0]!.queries, recordedQueries().size);
  assert.equal(rounds[0]!.inserted, distinctNumbers(files).size);
  // Every recorded page, and the empty page 3 of the query whose two recorded pages claim 11,304 patents.
  assert.deepEqual([rounds[1]!.pages, rounds[1]!.inserted, rounds[1]!.unchanged, rounds[1]!.patents], [files.length + 1, 0, rounds[1]!.patents, 3325]);
  assert.ok(rounds.every((round) => round.pagesPerSecond > 0 && round.patentsPerSecond === round.patents / round.seconds));
});
