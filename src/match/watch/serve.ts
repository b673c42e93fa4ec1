import type { LogLevel } from '../../util/log.js';
import type { OpenedMatch } from '../index.js';
import { watchHome } from './index.js';
import type { WatchReport } from './run.js';

/**
 * The server's watch: a function to call when the served engine switched to a new index build. In
 * the process that sends mail it runs the watch (one run at a time; a build noticed during a run
 * starts another after it), wakes the mail worker and logs `demand watch` with the counts.
 *
 * @example
 * const onNewBuild = serverWatch(home, match, logLine, (report) => metrics.observeWatch(report));
 */
export function serverWatch(
  home: string,
  match: OpenedMatch,
  log: (message: string, fields: Record<string, unknown>, level?: LogLevel) => void,
  onReport: (report: WatchReport) => void = () => {},
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const runOnce = async (): Promise<void> => {
    try {
      const { options } = match.service;
      const report = await watchHome(home, { publicUrl: options.publicUrl, messageIdDomain: options.messageIdDomain });
      match.worker.wake();
      onReport(report);
      log('demand watch', { pid: process.pid, ...report });
    } catch (error) {
      log('demand watch failed; the next index build tries again', { pid: process.pid, error: String(error) }, 'warn');
    }
  };
  const trigger = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };
  return trigger;
}
