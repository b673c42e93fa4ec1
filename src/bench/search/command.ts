import type { Command } from 'commander';
import { resolveHome } from '../../cli/context.js';
import { efSearchOption, parseInteger, withEfSearch } from '../../cli/options.js';
import { startStagedProgress } from '../../cli/progress.js';
import { runSearchBench } from './index.js';

interface SearchBenchFlags {
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
 * `patmatch bench search --docs N`: the whole pipeline at N patents recombined from the ingested ones.
 *
 * @example
 * registerSearchBench(program.command('bench')); // patmatch bench search --docs 100000 --json
 */
export function registerSearchBench(bench: Command): void {
  withEfSearch(bench.command('search'))
    .description('ingest, embed, index and search a corpus of N patents recombined from the ingested ones')
    .option('--docs <n>', 'corpus size', '100000')
    .option('--queries <n>', 'queries timed per mode', '200')
    .option('--recall-queries <n>', 'queries whose stage-1 recall@1000 is checked against exact search', '50')
    .option('--embedder <spec>', 'static:<dir> or onnx:<dir> (default: the trained model of --home)')
    .option('--work-dir <dir>', 'keep the corpus and its indexes here instead of a temporary folder')
    .option('--no-lexical', 'skip the BM25 index (dense modes only)')
    .option('--exact-scan-limit <n>', 'exact stage 1 up to this many patents (default 100000, as serve; 0 = always the HNSW graph)')
    .action(async (flags: SearchBenchFlags, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const progress = startStagedProgress();
      const report = await runSearchBench(resolveHome(globals.home), {
        docs: parseInteger('--docs', flags.docs),
        queries: parseInteger('--queries', flags.queries),
        recallQueries: parseInteger('--recall-queries', flags.recallQueries),
        embedder: flags.embedder,
        workDir: flags.workDir,
        lexical: flags.lexical,
        exactScanLimit: parseInteger('--exact-scan-limit', flags.exactScanLimit, 0),
        ...efSearchOption(flags.efSearch),
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      process.stdout.write(`${JSON.stringify(report, null, globals.json ? 0 : 2)}\n`);
    });
}
