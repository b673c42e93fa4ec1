import type { Command } from 'commander';
import { watchHome, type WatchReport } from '../../match/watch/index.js';
import { resolveHome } from '../context.js';
import { startProgress } from '../progress.js';
import { checkPublicUrl } from './serve.js';

/** The flags `watch` and `index` share: where the digest's links point. */
export interface WatchFlags {
  publicUrl?: string;
}

/**
 * Adds `--public-url` (where the digest emails' links point) to a command that runs the watch.
 *
 * @example
 * addWatchOptions(program.command('watch'))
 */
export function addWatchOptions(command: Command): Command {
  return command.option(
    '--public-url <url>',
    'address users reach the server at, for the links in watch digests (env PATMATCH_PUBLIC_URL; default http://127.0.0.1:8080)',
    process.env.PATMATCH_PUBLIC_URL,
  );
}

/**
 * Runs the demand watch over a home with a progress bar on a terminal.
 *
 * @example
 * const report = await watchWithProgress(home, { publicUrl: 'https://patmatch.example.org' });
 */
export async function watchWithProgress(home: string, flags: WatchFlags): Promise<WatchReport> {
  if (flags.publicUrl !== undefined) checkPublicUrl(flags.publicUrl);
  let bar: ReturnType<typeof startProgress> | undefined;
  try {
    return await watchHome(home, {
      publicUrl: flags.publicUrl ?? 'http://127.0.0.1:8080',
      onProgress: (done, total) => (bar ??= startProgress('watch', total)).update(done),
    });
  } finally {
    bar?.stop();
  }
}

/**
 * The watch report as one line of text.
 *
 * @example
 * watchSummary(report) // 'watch: 10000 demands compared with new patents, 312 new recommendations, 208 digest emails queued'
 */
export function watchSummary(report: WatchReport): string {
  const skipped = report.skipped > 0 ? ` (${report.skipped} skipped: their mode needs a model this home has no vectors of)` : '';
  return `watch: ${report.demands} demands compared with new patents, ${report.newRecommendations} new recommendations, ${report.emailsQueued} digest emails queued in ${report.seconds.toFixed(1)} s${skipped}`;
}

/** `patmatch watch`: compares watched demands with the patents indexed since their last run. */
export function register(program: Command): void {
  addWatchOptions(
    program
      .command('watch')
      .description('Compare watched demands with newly indexed patents, add those that enter their top N and queue one digest email per demand'),
  ).action(async (flags: WatchFlags, command: Command) => {
    const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
    const report = await watchWithProgress(resolveHome(globals.home), flags);
    process.stdout.write(globals.json ? `${JSON.stringify(report)}\n` : `${watchSummary(report)}\n`);
  });
}
