/**
 * `patmatch bench api`: load-tests the search API in-process on loopback with autocannon — 20
 * concurrent clients, a fixed duration, real queries cut from stored patent titles — and reports
 * latency percentiles, throughput and errors as JSON.
 */
import autocannon from 'autocannon';
import { Command } from 'commander';
import { buildServer } from '../../api/index.js';
import { resolveHome } from '../../cli/context.js';
import { parseInteger } from '../../cli/options.js';
import { PatmatchError } from '../../domain/errors.js';
import { openSearchEngine } from '../../search/index.js';
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
}

/** Defaults: the targets of issue 4 (20 concurrent clients) over 10 seconds. */
export const defaultApiBenchOptions: Omit<ApiBenchOptions, 'home'> = {
  connections: 20,
  durationSeconds: 10,
  queryCount: 200,
  top: 10,
};

/** What one run measured; latencies in milliseconds over every response. */
export interface ApiBenchReport {
  endpoint: string;
  model: string | null;
  connections: number;
  durationSeconds: number;
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

/**
 * Runs the benchmark against an in-process server (rate limiting and request logging off, so the
 * figures measure search, not the limiter) and closes everything afterwards.
 *
 * @example
 * const report = await runApiBench({ home: '.patmatch' });
 * report.latencyMs.p95 // 12.3
 */
export async function runApiBench(options: Partial<ApiBenchOptions> & Pick<ApiBenchOptions, 'home'>): Promise<ApiBenchReport> {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const settings: ApiBenchOptions = { ...defaultApiBenchOptions, ...given, home: options.home };
  const engine = await openSearchEngine(settings.home);
  const store = openStore(settings.home);
  const app = await buildServer({ engine, store, logger: false, rateLimit: false, webRoot: null });
  try {
    const queries = benchQueries(store, settings.queryCount);
    const paths = queries.map((q) => {
      const params = new URLSearchParams({ q, top: String(settings.top) });
      if (settings.mode) params.set('mode', settings.mode);
      return `/api/search?${params}`;
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    let next = 0;
    const latencies: number[] = [];
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url,
          connections: settings.connections,
          duration: settings.durationSeconds,
          requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
        },
        (error, finished) => (error ? reject(error) : resolve(finished)),
      );
      instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
    });
    latencies.sort((a, b) => a - b);
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      endpoint: 'GET /api/search',
      model: engine.model,
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
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
    await app.close();
    await engine.close();
    store.close();
  }
}

/**
 * The `api` subcommand of `patmatch bench`; prints the report as JSON.
 *
 * @example
 * program.command('bench').addCommand(apiBenchCommand());
 * // patmatch bench api --connections 20 --duration 10
 */
export function apiBenchCommand(): Command {
  return new Command('api')
    .description('Load-test GET /api/search on loopback (autocannon) and print p50/p95/p99, rps and errors as JSON')
    .option('--connections <n>', 'concurrent clients', String(defaultApiBenchOptions.connections))
    .option('--duration <seconds>', 'how long to run', String(defaultApiBenchOptions.durationSeconds))
    .option('--queries <n>', 'distinct queries made from stored titles', String(defaultApiBenchOptions.queryCount))
    .option('--top <n>', 'hits per request', String(defaultApiBenchOptions.top))
    .option('--mode <mode>', 'seed | dense | hybrid | lexical (default: the engine default)')
    .action(async (flags: Record<string, string | undefined>, command: Command) => {
      const report = await runApiBench({
        home: resolveHome(command.optsWithGlobals<{ home?: string }>().home),
        connections: parseInteger('--connections', flags.connections),
        durationSeconds: parseInteger('--duration', flags.duration),
        queryCount: parseInteger('--queries', flags.queries),
        top: parseInteger('--top', flags.top),
        mode: flags.mode as SearchMode | undefined,
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}
