import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../store/index.js';
import { buildTestHome, type TestHome } from '../../api/test-support/home.js';
import { benchQueries, runApiBench } from './index.js';

let testHome: TestHome;

before(async () => {
  testHome = await buildTestHome();
});

after(async () => {
  await testHome.cleanup();
});

test('benchQueries cuts distinct real titles into short queries', () => {
  const store = openStore(testHome.home);
  try {
    const queries = benchQueries(store, 20);
    assert.equal(queries.length, 20);
    const titles = [...store.iterate()].flat().map((patent) => patent.title);
    for (const query of queries) {
      assert.ok(titles.some((title) => title.startsWith(query)), query);
      assert.ok(query.split(' ').length <= 4);
    }
  } finally {
    store.close();
  }
});

test('runApiBench loads the search API of `serve --workers 2` after a warm-up and reports what it saw', async () => {
  const report = await runApiBench({ home: testHome.home, connections: 4, durationSeconds: 1, warmupSeconds: 1, queryCount: 10, workers: 2 });
  assert.equal(report.workers, 2);
  assert.equal(report.warmupSeconds, 1);
  assert.equal(report.endpoint, 'GET /api/search');
  assert.equal(report.connections, 4);
  assert.equal(report.queries, 10);
  assert.ok(report.requests > 0, 'requests were answered');
  assert.equal(report.errors, 0);
  assert.equal(report.non2xx, 0);
  assert.ok(report.latencyMs.p50 <= report.latencyMs.p95 && report.latencyMs.p95 <= report.latencyMs.p99);
  assert.ok(report.latencyMs.p99 <= report.latencyMs.max);
});
