import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import { openLexicalIndex } from '../../index/lexical/index.js';
import { createAnalyzer } from '../../text/index.js';
import { buildBenchSource } from '../test-support.js';
import { readSamplePatents } from '../../text/test-support/sample-patents.js';
import { runWatchBench } from './index.js';
import { inMemoryLexical } from './lexical.js';

let dir: string;
let source: string;
let embedder: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patmatch-bench-watch-'));
  ({ source, embedder } = await buildBenchSource(dir));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('inMemoryLexical searches and scores as the index does: same keys in the same order, BM25 equal to 1e-9', async () => {
  const patents = (await readSamplePatents()).slice(0, 300);
  const index = await openLexicalIndex(join(dir, 'lexical.db'), { analyzer: await createAnalyzer() });
  try {
    await index.upsert(patents.map((patent, key) => ({ key, ...patent })));
    const memory = await inMemoryLexical(index, [...patents.keys()]);
    for (const query of [patents[3]!.title, patents[40]!.abstract, `${patents[7]!.title} ${patents[99]!.title}`, 'zzxqvk']) {
      const [actual, expected] = [await memory.search(query, 'abstract', 50), await index.search(query, 'abstract', 50)];
      assert.deepEqual(actual.map((n) => n.key), expected.map((n) => n.key), query.slice(0, 30));
      actual.forEach((n, i) => assert.ok(Math.abs(n.score - expected[i]!.score) <= 1e-9 * expected[i]!.score, `${n.key}: ${n.score} ≠ ${expected[i]!.score}`));
      const keys = [5, 17, 250, 10_000];
      const [titles, reference] = [await memory.scoreKeys(query, 'title', keys), await index.scoreKeys(query, 'title', keys)];
      assert.deepEqual([...titles.keys()], keys);
      for (const key of keys) assert.ok(Math.abs(titles.get(key)! - reference.get(key)!) <= 1e-9 * reference.get(key)!, `title ${key}`);
    }
    assert.equal(memory.count(), index.count(), 'other calls go to the index');
  } finally {
    index.close();
  }
});

test('bench watch prepares a kept --work-dir once, then times the same watch again from the registered demands', async () => {
  const workDir = join(dir, 'watch');
  const sizes = { docs: 400, demands: 24, added: 120 };
  const first = await runWatchBench(source, { ...sizes, embedder, workDir });
  assert.deepEqual([first.docs, first.demands, first.added], [400, 24, 120]);
  assert.equal(first.watch.demands, 24);
  assert.ok(first.watch.newRecommendations > 0, 'some added patents enter');
  assert.ok(first.peakRssBytes > 0 && first.watchProcessSeconds >= first.watch.seconds);
  const again = await runWatchBench(source, { ...sizes, embedder, workDir });
  assert.deepEqual(
    [again.watch.newRecommendations, again.watch.emailsQueued, again.modes],
    [first.watch.newRecommendations, first.watch.emailsQueued, first.modes],
    'the rerun starts from the registered demands, not from the first run',
  );
  await assert.rejects(
    runWatchBench(source, { ...sizes, demands: 25, embedder, workDir }),
    (error) => error instanceof PatmatchError && /prepared with --demands 24/.test(error.message),
  );
});
