#!/usr/bin/env node
// Ingest throughput without process start-up: ingests the given files and folders into a fresh
// temporary store `--rounds` times with the built ingest (dist/, so run `npm run build` first), then
// once more into the last store (every record unchanged), and prints JSON: records read, wall seconds,
// records per second and per CPU-second (user + system, which other load on the machine hardly
// changes) of each round, their medians, and the re-ingest.
//   nice node scripts/ingest-throughput.mjs [--rounds 5] ../shared/data/kipris/plus-xml ../shared/data/kipris/inu-patents.csv
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { ingest } = await import(join(root, 'dist/ingest/index.js'));
const { openStore } = await import(join(root, 'dist/store/index.js'));

const { values, positionals } = parseArgs({ options: { rounds: { type: 'string', default: '5' } }, allowPositionals: true });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new Error('--rounds: expected an integer from 1 to 100');
if (positionals.length === 0) throw new Error('name the files or folders to ingest');

/** Seconds, CPU-seconds and records of one ingest into `store`. */
async function timed(store) {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const summary = await ingest(store, positionals);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    records: summary.read,
    seconds: Number(seconds.toFixed(3)),
    recordsPerSecond: Math.round(summary.read / seconds),
    recordsPerCpuSecond: Math.round(summary.read / cpuSeconds),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const home = await mkdtemp(join(tmpdir(), 'patmatch-ingest-throughput-'));
try {
  const results = [];
  let rerun;
  for (let round = 1; round <= rounds; round++) {
    const store = openStore(join(home, String(round)), { writes: true });
    try {
      results.push(await timed(store));
      if (round === rounds) rerun = await timed(store);
    } finally {
      store.close();
    }
  }
  process.stdout.write(
    `${JSON.stringify({
      rounds: results,
      medianRecordsPerSecond: median(results.map((r) => r.recordsPerSecond)),
      medianRecordsPerCpuSecond: median(results.map((r) => r.recordsPerCpuSecond)),
      rerun,
    })}\n`,
  );
} finally {
  await rm(home, { recursive: true, force: true });
}
