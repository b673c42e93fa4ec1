import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { buildBenchSource } from '../test-support.js';
import { runSearchBench } from './index.js';

let dir: string;
let source: string;
let embedder: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patmatch-bench-search-'));
  ({ source, embedder } = await buildBenchSource(dir));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('bench search builds a recombined corpus and measures latency and stage-1 recall against a full-precision truth', async () => {
  const common = { docs: 3000, queries: 12, recallQueries: 4, embedder, lexical: false, workDir: join(dir, 'corpus') };
  const exact = await runSearchBench(source, common);
  assert.equal(exact.docs, 3000);
  assert.ok(exact.ingestDocsPerSecond! > 0);
  assert.equal(exact.model?.startsWith('static:'), true);
  assert.ok(exact.search.seed && exact.search.seed.p50Ms > 0 && exact.search.seed.p50Ms <= exact.search.seed.p99Ms);
  assert.equal(exact.search.lexical, undefined);
  assert.ok(exact.explainP50Ms! > 0 && exact.explainP50Ms! <= exact.explainP99Ms!, `explanation p50 ${exact.explainP50Ms} ms`);
  // Up to 100,000 patents stage 1 is an exact scan: it finds the whole truth, save i8 rounding at the cut.
  assert.ok(exact.stage1RecallAt1000! >= 0.99, `exact scan recall ${exact.stage1RecallAt1000}`);
  const graph = await runSearchBench(source, { ...common, exactScanLimit: 0 });
  assert.equal(graph.ingestDocsPerSecond, null, 'the kept work dir already holds the corpus');
  assert.ok(graph.stage1RecallAt1000! > 0.5 && graph.stage1RecallAt1000! <= 1, `graph recall ${graph.stage1RecallAt1000}`);
  assert.ok(graph.indexMemoryBytes! > exact.indexMemoryBytes! / 2);
});

test('bench search refuses a --work-dir that holds a real store, which it would fill with synthetic patents', async () => {
  await assert.rejects(
    runSearchBench(source, { docs: 300, queries: 2, recallQueries: 2, embedder, lexical: false, workDir: source }),
    /--work-dir .*: holds patents of its own \(from csv:\/.*\/inu-patents\.csv\), not a benchmark corpus/,
  );
  const store = openStore(source);
  assert.equal(store.count(), 979);
  store.close();
});
