import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import { sharedDataDir } from '../../cli/context.js';
import { parseInRange, rangeHelp, type IntegerRange } from '../../cli/options.js';
import { fetchKipris } from '../../fetch/kipris/index.js';
import { startReplayServer } from '../../fetch/kipris/replay.js';
import { openStore } from '../../store/index.js';

/** Options of `runFetchBench`. */
export interface FetchBenchOptions {
  /** Folder of recorded pages, `<applicant code>-<page>.xml`. */
  dir: string;
  /** Rounds over every recorded query: the first fills an empty store, the others find every patent unchanged (a nightly re-run). */
  rounds: number;
}

/** One round over every recorded query: wall time and process CPU time (server and client share the process). */
export interface FetchBenchRound {
  queries: number;
  pages: number;
  patents: number;
  inserted: number;
  unchanged: number;
  seconds: number;
  cpuSeconds: number;
  pagesPerSecond: number;
  patentsPerSecond: number;
  /** Patents per second of process CPU time: the figure that holds on a busy machine. */
  patentsPerCpuSecond: number;
}

/** What `patmatch bench fetch --json` prints. */
export interface FetchBenchReport {
  dir: string;
  rounds: FetchBenchRound[];
}

/**
 * Fetch throughput, politeness interval 0: every recorded query of `dir` fetched through
 * `fetchKipris` from a replay server on 127.0.0.1 into a store in a temporary folder (removed after).
 *
 * @example
 * const { rounds } = await runFetchBench({ dir: '../shared/data/kipris/plus-xml', rounds: 2 });
 * rounds[0]!.pagesPerSecond;
 */
export async function runFetchBench(options: FetchBenchOptions): Promise<FetchBenchReport> {
  const codes = [...new Set((await readdir(options.dir)).map((name) => /^(.+)-\d+\.xml$/.exec(name)?.[1]).filter((code): code is string => code !== undefined))];
  if (codes.length === 0) throw new PatmatchError('invalid_input', `--pages ${options.dir}: no <applicant code>-<page>.xml files`);
  const key = randomBytes(16).toString('hex');
  const server = await startReplayServer({ dir: options.dir, key });
  const home = await mkdtemp(join(tmpdir(), 'patmatch-bench-fetch-'));
  const store = openStore(home, { writes: true });
  try {
    const rounds: FetchBenchRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const totals = { pages: 0, patents: 0, inserted: 0, unchanged: 0 };
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      for (const code of codes) {
        const summary = await fetchKipris(store, { applicant: code }, { key, baseUrl: server.baseUrl, minIntervalMs: 0 });
        totals.pages += summary.pages;
        totals.patents += summary.fetched;
        totals.inserted += summary.inserted;
        totals.unchanged += summary.unchanged;
      }
      const cpu = process.cpuUsage(cpuStarted);
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      rounds.push({
        queries: codes.length,
        ...totals,
        seconds,
        cpuSeconds,
        pagesPerSecond: totals.pages / seconds,
        patentsPerSecond: totals.patents / seconds,
        patentsPerCpuSecond: totals.patents / cpuSeconds,
      });
    }
    return { dir: options.dir, rounds };
  } finally {
    store.close();
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** Limits of `--rounds`. */
export const FETCH_BENCH_LIMITS = { rounds: { min: 1, max: 100 } } as const satisfies Record<string, IntegerRange>;

/**
 * Adds `patmatch bench fetch` to the `bench` command.
 *
 * @example
 * registerFetchBench(program.command('bench')); // patmatch bench fetch --rounds 2 --json
 */
export function registerFetchBench(bench: Command): void {
  bench
    .command('fetch')
    .description('fetch kipris throughput against a local server replaying recorded pages (no politeness interval)')
    .option('--pages <dir>', 'recorded KIPRIS Plus pages, <applicant code>-<page>.xml (default: the shared data)')
    .option('--rounds <n>', rangeHelp('rounds over every query (the first inserts, the next find them unchanged)', FETCH_BENCH_LIMITS.rounds), '2')
    .action(async (flags: { pages?: string; rounds: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ json?: boolean }>();
      const report = await runFetchBench({
        dir: resolve(flags.pages ?? join(sharedDataDir(), 'kipris', 'plus-xml')),
        rounds: parseInRange('--rounds', flags.rounds, FETCH_BENCH_LIMITS.rounds)!,
      });
      if (globals.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      const lines = report.rounds.map(
        (r, i) =>
          `round ${i + 1}: ${r.queries} queries, ${r.pages} pages, ${r.patents} patents (inserted ${r.inserted}, unchanged ${r.unchanged}) in ${r.seconds.toFixed(2)} s = ` +
          `${r.pagesPerSecond.toFixed(1)} pages/s, ${Math.round(r.patentsPerSecond)} patents/s (${Math.round(r.patentsPerCpuSecond)} per CPU-second)`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
