#!/usr/bin/env node
// What the metrics of `serve --metrics` cost, apart from the load on the machine: the time to record
// one request and one search (what every request adds), and the time of one scrape of a home (the
// gauges read the store, the lexical index and the vectors manifest), with the built code (dist/, so
// run `npm run build` first). Prints JSON; CPU time of the measuring process, so other processes on
// the machine count for little.
//   node scripts/metrics-cost.mjs --home /tmp/demo-copy [--records 200000] [--scrapes 50]
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { home: { type: 'string' }, records: { type: 'string', default: '200000' }, scrapes: { type: 'string', default: '50' } } });
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
store.close();
process.stdout.write(`${JSON.stringify({ records, recordRequestAndSearchMicros: Math.round(recordMicros * 100) / 100, scrapes, scrapeCpuMs: Math.round(scrapeMs * 100) / 100, scrapeBytes: bytes })}\n`);
process.exit(0);
