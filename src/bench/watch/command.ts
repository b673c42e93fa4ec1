import type { Command } from 'commander';
import { resolveHome } from '../../cli/context.js';
import { parseInRange, rangeHelp, type IntegerRange } from '../../cli/options.js';
import { startStagedProgress } from '../../cli/progress.js';
import { runWatchBench } from './index.js';

/** Limits of the numeric flags of `bench watch`. */
export const WATCH_BENCH_LIMITS = {
  docs: { min: 1, max: 10_000_000 },
  demands: { min: 1, max: 1_000_000 },
  added: { min: 1, max: 1_000_000 },
} as const satisfies Record<string, IntegerRange>;

/**
 * `patmatch bench watch`: the demand watch over a recombined corpus.
 *
 * @example
 * registerWatchBench(program.command('bench')); // patmatch bench watch --docs 100000 --demands 10000 --added 10000 --json
 */
export function registerWatchBench(bench: Command): void {
  const limits = WATCH_BENCH_LIMITS;
  bench
    .command('watch')
    .description('time the demand watch: N patents, M watched demands, then K patents added and indexed')
    .option('--docs <n>', rangeHelp('patents before the additions', limits.docs), '100000')
    .option('--demands <n>', rangeHelp('watched demands', limits.demands), '10000')
    .option('--added <n>', rangeHelp('patents added before the watch run', limits.added), '10000')
    .option('--embedder <spec>', 'static:<dir> or onnx:<dir> (default: the trained model of --home)')
    .option('--work-dir <dir>', 'build the home here (a new folder) and keep it')
    .action(async (flags: { docs: string; demands: string; added: string; embedder?: string; workDir?: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const progress = startStagedProgress();
      const report = await runWatchBench(resolveHome(globals.home), {
        docs: parseInRange('--docs', flags.docs, limits.docs),
        demands: parseInRange('--demands', flags.demands, limits.demands),
        added: parseInRange('--added', flags.added, limits.added),
        embedder: flags.embedder,
        workDir: flags.workDir,
        onProgress: progress.onProgress,
      }).finally(progress.stop);
      process.stdout.write(`${JSON.stringify(report, null, globals.json ? 0 : 2)}\n`);
    });
}
