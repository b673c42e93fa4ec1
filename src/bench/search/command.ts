import type { Command } from 'commander';
import { resolveHome } from '../../cli/context.js';
import { efSearchOption, parseInRange, rangeHelp, withEfSearch, type IntegerRange } from '../../cli/options.js';
import { startStagedProgress } from '../../cli/progress.js';
import { runSearchBench, type SearchBenchOptions } from './index.js';

/** The raw flags of `bench search`. */
export interface SearchBenchFlags {
  docs: string;
  queries: string;
  recallQueries: string;
  embedder?: string;
  workDir?: string;
  lexical: boolean;
  exactScanLimit?: string;
  efSearch?: string;
}

/**
 * Limits of the numeric flags: far above the 1.6M patents the product targets, far below what
 * would run for days or out of memory (the corpus is built in SQLite and embedded whole).
 */
export const SEARCH_BENCH_LIMITS = {
  docs: { min: 1, max: 10_000_000 },
  queries: { min: 1, max: 10_000 },
  // Each one is an exact scan of the whole corpus plus re-embedding 1,500 abstracts.
  recallQueries: { min: 0, max: 10_000 },
  exactScanLimit: { min: 0, max: 10_000_000 },
} as const satisfies Record<string, IntegerRange>;

/**
 * `patmatch bench search --docs N`: the whole pipeline at N patents recombined from the ingested ones.
 *
 * @example
 * registerSearchBench(program.command('bench')); // patmatch bench search --docs 100000 --json
 */
export function registerSearchBench(bench: Command): void {
  const limits = SEARCH_BENCH_LIMITS;
  withEfSearch(bench.command('search'))
    .description('ingest, embed, index and search a corpus of N patents recombined from the ingested ones')
    .option('--docs <n>', rangeHelp('corpus size', limits.docs), '100000')
    .option('--queries <n>', rangeHelp('queries timed per mode', limits.queries), '200')
    .option('--recall-queries <n>', rangeHelp('queries whose stage-1 recall@1000 is checked against exact search', limits.recallQueries), '50')
    .option('--embedder <spec>', 'static:<dir> or onnx:<dir> (default: the trained model of --home)')
    .option('--work-dir <dir>', 'keep the corpus and its indexes here instead of a temporary folder')
    .option('--no-lexical', 'skip the BM25 index (dense modes only)')
    .option(
      '--exact-scan-limit <n>',
      rangeHelp('exact stage 1 up to this many patents (default 100000, as serve; 0 = always the HNSW graph)', limits.exactScanLimit),
    )
    .action(async (flags: SearchBenchFlags, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const options = searchBenchOptions(flags);
      const progress = startStagedProgress();
      const report = await runSearchBench(resolveHome(globals.home), { ...options, onProgress: progress.onProgress }).finally(progress.stop);
      process.stdout.write(`${JSON.stringify(report, null, globals.json ? 0 : 2)}\n`);
    });
}

/**
 * The options of `bench search` from its flags, each checked against {@link SEARCH_BENCH_LIMITS}.
 *
 * @example
 * searchBenchOptions({ docs: '1000', queries: '20', recallQueries: '5', lexical: true }).docs // 1000
 */
export function searchBenchOptions(flags: SearchBenchFlags): Partial<SearchBenchOptions> {
  const limits = SEARCH_BENCH_LIMITS;
  return {
    docs: parseInRange('--docs', flags.docs, limits.docs),
    queries: parseInRange('--queries', flags.queries, limits.queries),
    recallQueries: parseInRange('--recall-queries', flags.recallQueries, limits.recallQueries),
    embedder: flags.embedder,
    workDir: flags.workDir,
    lexical: flags.lexical,
    exactScanLimit: parseInRange('--exact-scan-limit', flags.exactScanLimit, limits.exactScanLimit),
    ...efSearchOption(flags.efSearch),
  };
}
