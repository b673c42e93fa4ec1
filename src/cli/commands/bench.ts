import type { Command } from 'commander';
import { PatmatchError } from '../../domain/errors.js';
import {
  defaultIndexBenchOptions,
  generateBenchFiles,
  runIndexBench,
  type IndexBenchReport,
} from '../../bench/index/index.js';
import { defaultHnswOptions, type HnswQuantization } from '../../index/hnsw/index.js';
import { startProgress, type Progress } from '../progress.js';
import { registerSearchBench } from '../../bench/search/command.js';
import { registerApiBench } from '../../bench/api/index.js';
import { registerEmbedBench } from '../../bench/embed/index.js';

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

interface IndexBenchFlags {
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

/**
 * `bench index`: the vector index alone on `.fvecs` files — build time, search p50/p99, memory and
 * recall@k — with the result ids written for comparison with Faiss (`scripts/faiss-bench.py`).
 *
 * @example
 * registerIndexBench(program.command('bench'));
 */
export function registerIndexBench(bench: Command): void {
  bench
    .command('index')
    .description('benchmark the HNSW vector index on TEXMEX .fvecs files (ids = row numbers)')
    .requiredOption('--base <file>', 'base vectors (.fvecs); written first with --generate')
    .requiredOption('--queries <file>', 'query vectors (.fvecs); written first with --generate')
    .option('--k <n>', 'neighbours per query', String(defaultIndexBenchOptions.k))
    .option('--gt <file>', 'ground-truth ids (.ivecs); default: exact search for --recall-queries queries')
    .option('--out <file>', 'write the result ids (.ivecs)')
    .option('--index <file>', 'reuse this index file if it exists, else build and keep it there')
    .option('--recall-queries <n>', 'queries searched exactly for recall', String(defaultIndexBenchOptions.recallQueries))
    .option('--generate <n>', 'first write n seeded clustered base vectors and the queries')
    .option('--query-count <n>', 'queries written by --generate', '200')
    .option('--dim <n>', 'dimension written by --generate', '256')
    .option('--seed <n>', 'seed of --generate', '1')
    .option('--connectivity <n>', 'HNSW M', String(defaultHnswOptions.connectivity))
    .option(
      '--ef-search <n,…>',
      'HNSW efSearch (at least k is used); a comma list measures each on the same build',
      String(defaultHnswOptions.expansionSearch),
    )
    .option('--ef-construction <n>', 'HNSW efConstruction', String(defaultHnswOptions.expansionAdd))
    .option('--quantization <kind>', 'f32, f16 or i8', defaultHnswOptions.quantization)
    .option('--threads <n>', 'build threads (0 = all cores)', String(defaultHnswOptions.threads))
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<IndexBenchFlags>();
      if (flags.generate !== undefined) {
        await generateBenchFiles({
          base: flags.base,
          queries: flags.queries,
          count: integer(flags.generate, '--generate'),
          queryCount: integer(flags.queryCount, '--query-count'),
          dimension: integer(flags.dim, '--dim'),
          seed: integer(flags.seed, '--seed'),
        });
      }
      if (!['f32', 'f16', 'i8'].includes(flags.quantization)) {
        throw new PatmatchError('invalid_input', `--quantization ${flags.quantization}: must be f32, f16 or i8`);
      }
      const bars = new Map<string, Progress>();
      const sweep = flags.efSearch.split(',').map((value) => integer(value, '--ef-search'));
      const reports = await runIndexBench({
        base: flags.base,
        queries: flags.queries,
        k: integer(flags.k, '--k'),
        groundTruth: flags.gt,
        out: flags.out,
        indexPath: flags.index,
        recallQueries: integer(flags.recallQueries, '--recall-queries'),
        index: {
          connectivity: integer(flags.connectivity, '--connectivity'),
          expansionSearch: sweep[0]!,
          expansionAdd: integer(flags.efConstruction, '--ef-construction'),
          quantization: flags.quantization as HnswQuantization,
          threads: integer(flags.threads, '--threads', 0),
        },
        sweep,
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

function integer(value: string, flag: string, min = 1): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new PatmatchError('invalid_input', `${flag} ${value}: must be an integer ≥ ${min}`);
  }
  return parsed;
}
