#!/usr/bin/env node
// What the metrics of `serve --metrics` cost, apart from the load on the machine: the time to record
// one request and one search (what every request adds), the time of one scrape of a home (the
// gauges read the store, the lexical index and the vectors manifest), and the CPU time per search
// request of the API (Fastify inject, the home's real engine, result cache off) without and with
// metrics, in alternating rounds, with the built code (dist/, so run `npm run build` first). Prints
// JSON; CPU time of the measuring process, so other processes on the machine count for little.
//   node scripts/metrics-cost.mjs --home /tmp/demo-copy [--records 200000] [--scrapes 50] [--searches 200] [--rounds 3]
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    records: { type: 'string', default: '200000' },
    scrapes: { type: 'string', default: '50' },
    searches: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!values.home) throw new Error('--home <dir> is required');
const { createServerMetrics } = await import(join(root, 'dist/health/index.js'));
const { openStore } = await import(join(root, 'dist/store/index.js'));
const { Outbox, migrateMatch } = await import(join(root, 'dist/match/index.js'));

const store = openStore(values.home, { writes: true });
migrateMatch(store.db);
const metrics = createServerMetrics({ home: values.home, store, engine: { model: 'static:default' }, outbox: new Outbox(store.db) });
const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const routes = ['/api/search', '/api/patents/:applicationNumber', '/api/health'];
const records = Number(values.records);
let started = cpuMicros();
for (let i = 0; i < records; i++) {
  metrics.observeRequest(routes[i % 3], 'GET', 200, 0.004 + (i % 50) / 1000);
  metrics.observeSearch('seed', 0.003 + (i % 40) / 1000);
}
const recordMicros = (cpuMicros() - started) / records;
const scrapes = Number(values.scrapes);
await metrics.registry.metrics();
started = cpuMicros();
let bytes = 0;
for (let i = 0; i < scrapes; i++) bytes = (await metrics.registry.metrics()).length;
const scrapeMs = (cpuMicros() - started) / scrapes / 1000;

// The API without and with metrics, over one engine: CPU milliseconds per search request.
const { buildServer } = await import(join(root, 'dist/api/index.js'));
const { openSearchEngine } = await import(join(root, 'dist/search/index.js'));
const { measuredEngine } = await import(join(root, 'dist/health/index.js'));
const engine = await openSearchEngine(values.home);
const plain = await buildServer({ engine, store, logger: false, rateLimit: false, searchCache: false, webRoot: null });
const measured = await buildServer({ engine: measuredEngine(engine, metrics), store, logger: false, rateLimit: false, searchCache: false, webRoot: null, onResponse: metrics.observeRequest });
const titles = store.db.prepare('SELECT title FROM patents ORDER BY id LIMIT ?').pluck().all(Number(values.searches));
const perRequest = async (app) => {
  const from = cpuMicros();
  for (const title of titles) {
    const response = await app.inject(`/api/search?q=${encodeURIComponent(title.split(' ').slice(0, 3).join(' '))}`);
    if (response.statusCode !== 200) throw new Error(`search answered ${response.statusCode}: ${response.body}`);
  }
  return (cpuMicros() - from) / titles.length / 1000;
};
await perRequest(plain);
await perRequest(measured);
const without = [];
const withMetrics = [];
for (let round = 0; round < Number(values.rounds); round++) {
  without.push(await perRequest(plain));
  withMetrics.push(await perRequest(measured));
}
const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
const round2 = (value) => Math.round(value * 1000) / 1000;
await plain.close();
await measured.close();
await engine.close();
store.close();
process.stdout.write(
  `${JSON.stringify({
    records,
    recordRequestAndSearchMicros: Math.round(recordMicros * 100) / 100,
    scrapes,
    scrapeCpuMs: Math.round(scrapeMs * 100) / 100,
    scrapeBytes: bytes,
    searches: titles.length,
    rounds: Number(values.rounds),
    searchRequestCpuMs: { without: round2(median(without)), with: round2(median(withMetrics)), allWithout: without.map(round2), allWith: withMetrics.map(round2) },
  })}\n`,
);
process.exit(0);
