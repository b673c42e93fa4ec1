import type { Command } from 'commander';
import { buildIndexes, DEFAULT_INDEX_BATCH } from '../../index/build/index.js';
import { resolveHome } from '../context.js';
import { parseInRange, rangeHelp, type IntegerRange } from '../options.js';
import { startStagedProgress } from '../progress.js';
import { addWatchOptions, watchSummary, watchWithProgress, type WatchFlags } from './watch.js';

/** `index --batch-size`: patents embedded at once, whose texts and vectors are held together in memory. */
export const INDEX_BATCH_RANGE: IntegerRange = { min: 1, max: 100_000 };

/** `patmatch index`: brings the BM25 index and the vectors up to date with the store. */
export function register(program: Command): void {
  addWatchOptions(program
    .command('index')
    .description('Build or update the lexical index and, with a model, the vector indexes')
    .option('--embedder <spec>', 'static:<dir> or onnx:<dir|hub-id> (default: the trained model in the home, if any)')
    .option('--full', 'rebuild everything, not only what changed')
    .option('--batch-size <n>', rangeHelp('patents per embedding batch', INDEX_BATCH_RANGE), String(DEFAULT_INDEX_BATCH))
    .option('--no-watch', 'do not run the demand watch after indexing'))
    .action(async (flags: WatchFlags & { embedder?: string; full?: boolean; batchSize: string; watch: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const progress = startStagedProgress();
      const home = resolveHome(globals.home);
      const report = await buildIndexes(home, {
        embedder: flags.embedder,
        full: flags.full ?? false,
        batchSize: parseInRange('--batch-size', flags.batchSize, INDEX_BATCH_RANGE),
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      // The watch compares demands with what this run indexed; a run that changed nothing has nothing to show them.
      const changed = report.lexical.indexed > 0 || (report.vectors?.embedded ?? 0) > 0;
      const watch = flags.watch && changed ? await watchWithProgress(home, flags) : null;
      if (globals.json) {
        process.stdout.write(`${JSON.stringify({ ...report, watch })}\n`);
        return;
      }
      const lines = [
        `lexical: ${report.lexical.indexed} patents indexed in ${report.lexical.seconds.toFixed(1)} s (${report.lexical.rebuilt ? 'built anew and swapped in, ' : ''}${report.patents} in store)`,
        ...(report.lexical.rebuiltBecause ? [`  built anew because ${report.lexical.rebuiltBecause}`] : []),
        report.vectors
          ? `vectors: ${report.vectors.embedded} patents embedded with ${report.vectors.model} in ${report.vectors.seconds.toFixed(1)} s (${report.vectors.count} indexed)`
          : 'vectors: none (no model: pass --embedder or run `patmatch train`); search runs on lexical scores',
        watch ? watchSummary(watch) : `watch: not run (${flags.watch ? 'no patent added or changed' : '--no-watch'})`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
