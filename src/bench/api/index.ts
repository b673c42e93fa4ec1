/**
 * `patmatch bench api`: load-tests the search API on loopback with autocannon — 20
 * concurrent clients, a fixed duration, real queries cut from stored patent titles — and reports
 * latency percentiles, throughput and errors as JSON.
 */
import autocannon from 'autocannon';
import type { Command } from 'commander';
import { resolveHome } from '../../cli/context.js';
import { parseInRange, rangeHelp, SEARCH_RANGES, WORKERS_RANGE, type IntegerRange } from '../../cli/options.js';
import { PatmatchError } from '../../domain/errors.js';
import { spawnServingCli, type ServingCli } from '../../cli/spawn.js';
import { readManifest } from '../../index/vectors/index.js';
import { homeLayout } from '../../store/home.js';
import type { SearchMode } from '../../domain/index.js';
import { openStore, type PatentStore } from '../../store/index.js';

/** Options of `runApiBench`; everything but `home` has a default. */
export interface ApiBenchOptions {
  home: string;
  connections: number;
  durationSeconds: number;
  /** Distinct queries, cycled through by every connection. */
  queryCount: number;
  top: number;
  /** Ranking method; default: the engine's default. */
  mode?: SearchMode;
  /**
   * Keep the server's result cache on. Off by default, so every request runs a real search; on,
   * the run shows the throughput of repeated queries instead.
   */
  cache: boolean;
  /** Server processes (`serve --workers`). */
  workers: number;
  /** Load sent, and not measured, before the measured run. */
  warmupSeconds: number;
  /** Serve with `--metrics` (every request and search counted), to measure what metrics cost. */
  metrics: boolean;
}

/** Defaults: the targets of issue 4 (20 concurrent clients) over 10 seconds. */
export const defaultApiBenchOptions: Omit<ApiBenchOptions, 'home'> = {
  connections: 20,
  durationSeconds: 10,
  queryCount: 200,
  top: 10,
  cache: false,
  workers: 1,
  warmupSeconds: 3,
  metrics: false,
};

/** What one run measured; latencies in milliseconds over every response. */
export interface ApiBenchReport {
  endpoint: string;
  model: string | null;
  workers: number;
  cache: boolean;
  metrics: boolean;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  queries: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}

/**
 * Queries made of real patent titles: the first two to four words of evenly spaced stored patents,
 * so the benchmark exercises varied, realistic vocabulary.
 *
 * @example
 * benchQueries(store, 3) // ['슈퍼커패시터용 3차원 그래핀', '리튬 이차전지용 음극', …]
 */
export function benchQueries(store: PatentStore, count: number): string[] {
  const total = store.count();
  if (total === 0) throw new PatmatchError('not_ready', 'The store has no patents to make benchmark queries from');
  const stride = Math.max(1, Math.floor(total / count));
  const queries: string[] = [];
  let index = 0;
  for (const batch of store.iterate()) {
    for (const patent of batch) {
      if (index++ % stride !== 0 || queries.length >= count) continue;
      const words = patent.title.split(/\s+/).filter(Boolean);
      const query = words.slice(0, 2 + (queries.length % 3)).join(' ');
      if (query) queries.push(query);
    }
  }
  return queries;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Starts `patmatch serve` on a free port with rate limiting and request logging off (they would be measured instead of search). */
function startServer(settings: ApiBenchOptions): Promise<ServingCli> {
  const args = ['--home', settings.home, 'serve', '--port', '0', '--workers', String(settings.workers), '--rate-limit', '0', '--no-request-log'];
  if (!settings.cache) args.push('--no-search-cache');
  if (settings.metrics) args.push('--metrics');
  return spawnServingCli(args);
}

/**
 * Runs the benchmark against `patmatch serve` in a child process (rate limiting and request
 * logging off, so the figures measure search, not the limiter) and stops it afterwards.
 *
 * @example
 * const report = await runApiBench({ home: '.patmatch' });
 * report.latencyMs.p95 // 12.3
 */
export async function runApiBench(options: Partial<ApiBenchOptions> & Pick<ApiBenchOptions, 'home'>): Promise<ApiBenchReport> {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const settings: ApiBenchOptions = { ...defaultApiBenchOptions, ...given, home: options.home };
  const store = openStore(settings.home);
  let queries: string[];
  try {
    queries = benchQueries(store, settings.queryCount);
  } finally {
    store.close();
  }
  const paths = queries.map((q) => {
    const params = new URLSearchParams({ q, top: String(settings.top) });
    if (settings.mode) params.set('mode', settings.mode);
    return `/api/search?${params}`;
  });
  const model = (await readManifest(homeLayout(settings.home).vectors))?.model ?? null;
  const server = await startServer(settings);
  try {
    let next = 0;
    const load = (durationSeconds: number, latencies: number[]) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          {
            url: server.url,
            connections: settings.connections,
            duration: durationSeconds,
            requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
          },
          (error, finished) => (error ? reject(error) : resolve(finished)),
        );
        instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
      });
    // Unmeasured first: the servers' JIT compilers and caches warm up as in a running service.
    if (settings.warmupSeconds > 0) await load(settings.warmupSeconds, []);
    const latencies: number[] = [];
    const result = await load(settings.durationSeconds, latencies);
    latencies.sort((a, b) => a - b);
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      endpoint: 'GET /api/search',
      model,
      workers: settings.workers,
      cache: settings.cache,
      metrics: settings.metrics,
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
      queries: queries.length,
      requests: result.requests.total,
      requestsPerSecond: round(result.requests.average),
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p95: round(percentile(latencies, 95)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? 0),
      },
      errors: result.errors,
      non2xx: result.non2xx,
      timeouts: result.timeouts,
    };
  } finally {
    await server.stop();
  }
}

interface ApiBenchFlags {
  connections: string;
  duration: string;
  queries: string;
  top: string;
  mode?: string;
  cache?: boolean;
  workers: string;
  warmup: string;
  metrics?: boolean;
}

/** Limits of the numeric flags of `bench api`. */
export const API_BENCH_LIMITS = {
  connections: { min: 1, max: 1000 },
  durationSeconds: { min: 1, max: 3600 },
  queryCount: { min: 1, max: 100_000 },
  top: SEARCH_RANGES.top,
  workers: WORKERS_RANGE,
  warmupSeconds: { min: 0, max: 3600 },
} as const satisfies Record<string, IntegerRange>;

/**
 * Adds `patmatch bench api` to the `bench` command; it prints the report as JSON.
 *
 * @example
 * registerApiBench(program.command('bench'));
 * // patmatch bench api --connections 20 --duration 10
 */
export function registerApiBench(bench: Command): void {
  const limits = API_BENCH_LIMITS;
  const defaults = defaultApiBenchOptions;
  bench
    .command('api')
    .description('Load-test GET /api/search on loopback (autocannon) and print p50/p95/p99, rps and errors as JSON')
    .option('--connections <n>', rangeHelp('concurrent clients', limits.connections), String(defaults.connections))
    .option('--duration <seconds>', rangeHelp('how long to run', limits.durationSeconds), String(defaults.durationSeconds))
    .option('--queries <n>', rangeHelp('distinct queries made from stored titles', limits.queryCount), String(defaults.queryCount))
    .option('--top <n>', rangeHelp('hits per request', limits.top), String(defaults.top))
    .option('--mode <mode>', 'seed | dense | hybrid | lexical (default: the engine default)')
    .option('--cache', 'keep the result cache on (measures repeated queries, not search)')
    .option('--workers <n>', rangeHelp('server processes (serve --workers)', limits.workers), String(defaults.workers))
    .option('--warmup <seconds>', rangeHelp('unmeasured load before the measured run', limits.warmupSeconds), String(defaults.warmupSeconds))
    .option('--metrics', 'serve with --metrics (measures what counting requests and searches costs)')
    .action(async (flags: ApiBenchFlags, command: Command) => {
      const report = await runApiBench({
        home: resolveHome(command.optsWithGlobals<{ home?: string }>().home),
        connections: parseInRange('--connections', flags.connections, limits.connections),
        durationSeconds: parseInRange('--duration', flags.duration, limits.durationSeconds),
        queryCount: parseInRange('--queries', flags.queries, limits.queryCount),
        top: parseInRange('--top', flags.top, limits.top),
        mode: flags.mode as SearchMode | undefined,
        cache: flags.cache ?? false,
        workers: parseInRange('--workers', flags.workers, limits.workers),
        warmupSeconds: parseInRange('--warmup', flags.warmup, limits.warmupSeconds),
        metrics: flags.metrics ?? false,
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}
