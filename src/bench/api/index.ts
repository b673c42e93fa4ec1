/**
 * `patmatch bench api`: load-tests the search API on loopback with autocannon — 20
 * concurrent clients, a fixed duration, real queries cut from stored patent titles — and reports
 * latency percentiles, throughput and errors as JSON.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Command } from 'commander';
import { resolveHome } from '../../cli/context.js';
import { parseInteger } from '../../cli/options.js';
import { PatmatchError } from '../../domain/errors.js';
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
}

/** Defaults: the targets of issue 4 (20 concurrent clients) over 10 seconds. */
export const defaultApiBenchOptions: Omit<ApiBenchOptions, 'home'> = {
  connections: 20,
  durationSeconds: 10,
  queryCount: 200,
  top: 10,
  cache: false,
};

/** What one run measured; latencies in milliseconds over every response. */
export interface ApiBenchReport {
  endpoint: string;
  model: string | null;
  cache: boolean;
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

/** The module-loader flags of this process (e.g. tsx's `--import`), which the child needs to load the same code. */
function loaderFlags(argv: readonly string[]): string[] {
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (['--import', '--require', '-r', '--loader', '--experimental-loader'].includes(arg)) flags.push(arg, argv[++i]!);
    else if (/^--(import|require|loader|experimental-loader)=/.test(arg)) flags.push(arg);
  }
  return flags;
}

/** Starts `server-process` (the .ts source under tsx, the .js build otherwise) and waits for its URL. */
async function startServerProcess(home: string, cache: boolean): Promise<{ url: string; model: string | null; stop(): Promise<void> }> {
  const self = fileURLToPath(import.meta.url);
  const child = fork(join(dirname(self), `server-process${extname(self)}`), [home, cache ? 'on' : 'off'], {
    execArgv: loaderFlags(process.execArgv),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new PatmatchError('not_ready', `The benchmark server for ${home} exited with code ${code} before listening`);
    }),
  ])) as [{ url: string; model: string | null }];
  return {
    ...ready,
    async stop() {
      const exited = once(child, 'exit');
      child.send('stop');
      await exited;
    },
  };
}

/**
 * Runs the benchmark against a server in a child process (rate limiting and request logging off,
 * so the figures measure search, not the limiter) and stops it afterwards.
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
  const server = await startServerProcess(settings.home, settings.cache);
  try {
    let next = 0;
    const latencies: number[] = [];
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: server.url,
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
      model: server.model,
      cache: settings.cache,
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
}

/**
 * Adds `patmatch bench api` to the `bench` command; it prints the report as JSON.
 *
 * @example
 * registerApiBench(program.command('bench'));
 * // patmatch bench api --connections 20 --duration 10
 */
export function registerApiBench(bench: Command): void {
  bench
    .command('api')
    .description('Load-test GET /api/search on loopback (autocannon) and print p50/p95/p99, rps and errors as JSON')
    .option('--connections <n>', 'concurrent clients', String(defaultApiBenchOptions.connections))
    .option('--duration <seconds>', 'how long to run', String(defaultApiBenchOptions.durationSeconds))
    .option('--queries <n>', 'distinct queries made from stored titles', String(defaultApiBenchOptions.queryCount))
    .option('--top <n>', 'hits per request', String(defaultApiBenchOptions.top))
    .option('--mode <mode>', 'seed | dense | hybrid | lexical (default: the engine default)')
    .option('--cache', 'keep the result cache on (measures repeated queries, not search)')
    .action(async (flags: ApiBenchFlags, command: Command) => {
      const report = await runApiBench({
        home: resolveHome(command.optsWithGlobals<{ home?: string }>().home),
        connections: parseInteger('--connections', flags.connections),
        durationSeconds: parseInteger('--duration', flags.duration),
        queryCount: parseInteger('--queries', flags.queries),
        top: parseInteger('--top', flags.top),
        mode: flags.mode as SearchMode | undefined,
        cache: flags.cache ?? false,
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });
}
