import type { Command } from 'commander';
import { PatmatchError } from '../../domain/errors.js';
import {
  defaultIndexBenchOptions,
  generateBenchFiles,
  runIndexBench,
  type GenerateBenchFilesOptions,
  type IndexBenchOptions,
  type IndexBenchReport,
} from '../../bench/index/index.js';
import { defaultHnswOptions, type HnswQuantization } from '../../index/hnsw/index.js';
import { EF_SEARCH_RANGE, parseInRange, rangeHelp, type IntegerRange } from '../options.js';
import { startProgress, type Progress } from '../progress.js';
import { registerSearchBench } from '../../bench/search/command.js';
import { registerApiBench } from '../../bench/api/index.js';
import { registerEmbedBench } from '../../bench/embed/index.js';
import { registerFetchBench } from '../../bench/fetch/index.js';
import { registerWatchBench } from '../../bench/watch/command.js';

/**
 * The `bench` subcommands; each adds itself to the `bench` command. Add new benchmarks here.
 *
 * @example
 * export const benchSubcommands = [registerIndexBench, registerSearchBench, registerApiBench];
 */
export const benchSubcommands: ReadonlyArray<(bench: Command) => void> = [
  registerIndexBench,
  registerSearchBench,
  registerApiBench,
  registerEmbedBench,
  registerFetchBench,
  registerWatchBench,
];

/**
 * Registers `patmatch bench <subcommand>`: measurements printed as JSON with `--json`.
 *
 * @example
 * register(program); // patmatch bench index --base b.fvecs --queries q.fvecs --json
 */
export function register(program: Command): void {
  const bench = program.command('bench').description('measure speed and quality on this machine');
  for (const add of benchSubcommands) add(bench);
}

/** The raw flags of `bench index`. */
export interface IndexBenchFlags {
  base: string;
  queries: string;
  k: string;
  gt?: string;
  out?: string;
  index?: string;
  recallQueries: string;
  generate?: string;
  queryCount: string;
  dim: string;
  seed: string;
  connectivity: string;
  efSearch: string;
  efConstruction: string;
  quantization: string;
  threads: string;
  json?: boolean;
}

/** Limits of the numeric flags of `bench index`: far above the 1.6M × 256 it is run at, far below days of work or memory. */
export const INDEX_BENCH_LIMITS = {
  k: { min: 1, max: 10_000 },
  recallQueries: { min: 1, max: 10_000 },
  generate: { min: 1, max: 10_000_000 },
  queryCount: { min: 1, max: 100_000 },
  dim: { min: 1, max: 4096 },
  seed: { min: 1, max: 0xffff_ffff },
  connectivity: { min: 1, max: 256 },
  efSearch: EF_SEARCH_RANGE,
  efConstruction: { min: 1, max: 10_000 },
  threads: { min: 0, max: 256 },
} as const satisfies Record<string, IntegerRange>;

/** `--generate` × `--dim`: the base vectors are generated and read whole into memory (4 bytes each, so 2 GB). */
export const MAX_GENERATED_VALUES = 500_000_000;

/**
 * `bench index`: the vector index alone on `.fvecs` files — build time, search p50/p99, memory and
 * recall@k — with the result ids written for comparison with Faiss (`scripts/faiss-bench.py`).
 *
 * @example
 * registerIndexBench(program.command('bench'));
 */
export function registerIndexBench(bench: Command): void {
  const limits = INDEX_BENCH_LIMITS;
  bench
    .command('index')
    .description('benchmark the HNSW vector index on TEXMEX .fvecs files (ids = row numbers)')
    .requiredOption('--base <file>', 'base vectors (.fvecs); written first with --generate')
    .requiredOption('--queries <file>', 'query vectors (.fvecs); written first with --generate')
    .option('--k <n>', rangeHelp('neighbours per query', limits.k), String(defaultIndexBenchOptions.k))
    .option('--gt <file>', 'ground-truth ids (.ivecs); default: exact search for --recall-queries queries')
    .option('--out <file>', 'write the result ids (.ivecs)')
    .option('--index <file>', 'reuse this index file if it exists, else build and keep it there')
    .option('--recall-queries <n>', rangeHelp('queries searched exactly for recall', limits.recallQueries), String(defaultIndexBenchOptions.recallQueries))
    .option(
      '--generate <n>',
      `${rangeHelp('first write n seeded clustered base vectors and the queries', limits.generate)}; n × --dim at most ${MAX_GENERATED_VALUES.toLocaleString('en-US')}`,
    )
    .option('--query-count <n>', rangeHelp('queries written by --generate', limits.queryCount), '200')
    .option('--dim <n>', rangeHelp('dimension written by --generate', limits.dim), '256')
    .option('--seed <n>', rangeHelp('seed of --generate', limits.seed), '1')
    .option('--connectivity <n>', rangeHelp('HNSW M', limits.connectivity), String(defaultHnswOptions.connectivity))
    .option(
      '--ef-search <n,…>',
      rangeHelp('HNSW efSearch (at least k is used); a comma list measures each on the same build', limits.efSearch),
      String(defaultHnswOptions.expansionSearch),
    )
    .option('--ef-construction <n>', rangeHelp('HNSW efConstruction', limits.efConstruction), String(defaultHnswOptions.expansionAdd))
    .option('--quantization <kind>', 'f32, f16 or i8', defaultHnswOptions.quantization)
    .option('--threads <n>', rangeHelp('build threads (0 = all cores)', limits.threads), String(defaultHnswOptions.threads))
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<IndexBenchFlags>();
      const parsed = indexBenchOptions(flags);
      if (parsed.generate) await generateBenchFiles(parsed.generate);
      const bars = new Map<string, Progress>();
      const reports = await runIndexBench({
        ...parsed.bench,
        onProgress(stage, done, total) {
          let bar = bars.get(stage);
          if (!bar) bars.set(stage, (bar = startProgress(stage, total)));
          bar.update(done);
          if (done === total) {
            bar.stop();
            bars.delete(stage);
          }
        },
      });
      for (const report of reports) printIndexReport(report, flags.json === true);
    });
}

/**
 * What `bench index` runs, from its flags, each checked against {@link INDEX_BENCH_LIMITS} before
 * anything is generated or built.
 *
 * @example
 * indexBenchOptions({ ...flags, generate: '200000' }).generate?.count // 200000
 */
export function indexBenchOptions(flags: IndexBenchFlags): {
  generate?: GenerateBenchFilesOptions;
  bench: Partial<IndexBenchOptions> & Pick<IndexBenchOptions, 'base' | 'queries'>;
} {
  const limits = INDEX_BENCH_LIMITS;
  const integer = (flag: string, value: string, range: IntegerRange) => parseInRange(flag, value, range)!;
  let generate: GenerateBenchFilesOptions | undefined;
  if (flags.generate !== undefined) {
    generate = {
      base: flags.base,
      queries: flags.queries,
      count: integer('--generate', flags.generate, limits.generate),
      queryCount: integer('--query-count', flags.queryCount, limits.queryCount),
      dimension: integer('--dim', flags.dim, limits.dim),
      seed: integer('--seed', flags.seed, limits.seed),
    };
    if (generate.count * generate.dimension > MAX_GENERATED_VALUES) {
      throw new PatmatchError(
        'invalid_input',
        `--generate ${generate.count} × --dim ${generate.dimension}: ${(generate.count * generate.dimension).toLocaleString('en-US')} values exceed ${MAX_GENERATED_VALUES.toLocaleString('en-US')} (2 GB in memory)`,
      );
    }
  }
  if (!['f32', 'f16', 'i8'].includes(flags.quantization)) {
    throw new PatmatchError('invalid_input', `--quantization ${flags.quantization}: must be f32, f16 or i8`);
  }
  const sweep = flags.efSearch.split(',').map((value) => integer('--ef-search', value, limits.efSearch));
  return {
    generate,
    bench: {
      base: flags.base,
      queries: flags.queries,
      k: integer('--k', flags.k, limits.k),
      groundTruth: flags.gt,
      out: flags.out,
      indexPath: flags.index,
      recallQueries: integer('--recall-queries', flags.recallQueries, limits.recallQueries),
      index: {
        connectivity: integer('--connectivity', flags.connectivity, limits.connectivity),
        expansionSearch: sweep[0]!,
        expansionAdd: integer('--ef-construction', flags.efConstruction, limits.efConstruction),
        quantization: flags.quantization as HnswQuantization,
        threads: integer('--threads', flags.threads, limits.threads),
      },
      sweep,
    },
  };
}

function printIndexReport(report: IndexBenchReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines = [
    `${report.n} × ${report.dim} vectors, ${report.queries} queries, k = ${report.k}, efSearch ${report.index.expansionSearch}`,
    report.buildSeconds === null
      ? `build   reused the index file, open ${report.loadSeconds} s`
      : `build   ${report.buildSeconds} s (${report.buildVectorsPerSecond} vectors/s), open ${report.loadSeconds} s`,
    `search  p50 ${report.searchP50Ms} ms, p99 ${report.searchP99Ms} ms`,
    `memory  ${(report.memoryBytes / 2 ** 20).toFixed(1)} MiB`,
    `recall@${report.k} ${report.recall} over ${report.recallQueries} queries`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
