import cluster, { type Worker } from 'node:cluster';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loaderFlags } from '../../util/loader-flags.js';
import { logLine as log } from '../../util/log.js';
import type { ServeSettings } from './index.js';

/** Environment variables that hand a worker its settings and slot. */
export const workerEnv = { settings: 'PATMATCH_SERVE_SETTINGS', slot: 'PATMATCH_SERVE_SLOT', restart: 'PATMATCH_SERVE_RESTART' } as const;

/** How long workers get to finish in-flight requests after a stop before they are killed. */
const stopTimeoutMs = 15_000;

/**
 * Runs `settings.workers` server processes on one port (node:cluster hands connections out in
 * turn), so searches use every core. Slot 0 sends the queued emails and prints the address. A
 * worker that dies after it started listening is replaced; one that dies before (bad index, port
 * in use) stops them all with exit code 1. SIGINT/SIGTERM stop every worker gracefully (killed
 * after 15 s). Resolves when all have exited.
 *
 * @example
 * await superviseServers({ ...settings, workers: 2 });
 */
export function superviseServers(settings: ServeSettings): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  cluster.setupPrimary({
    exec: join(dirname(self), `worker${extname(self)}`),
    args: [],
    execArgv: loaderFlags(process.execArgv),
  });
  const slots = new Map<Worker, { slot: number; listening: boolean }>();
  let stopping = false;
  const start = (slot: number, restart: boolean) => {
    const worker = cluster.fork({
      [workerEnv.settings]: JSON.stringify(settings),
      [workerEnv.slot]: String(slot),
      [workerEnv.restart]: restart ? '1' : '0',
    });
    slots.set(worker, { slot, listening: false });
    worker.once('listening', () => {
      slots.get(worker)!.listening = true;
      log('worker listening', { slot, pid: worker.process.pid, restart });
    });
  };
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    // SIGTERM: graceful once a worker listens (see startServer), immediate while it is still loading.
    for (const worker of slots.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of slots.keys()) {
        log('worker did not stop in time; killing it', { pid: worker.process.pid, stopTimeoutMs });
        worker.process.kill('SIGKILL');
      }
    }, stopTimeoutMs).unref();
  };

  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log('shutting down workers', { signal, workers: slots.size });
      stopAll();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    cluster.on('exit', (worker, code, signal) => {
      const { slot, listening } = slots.get(worker)!;
      slots.delete(worker);
      if (!stopping) {
        log('worker exited', { slot, pid: worker.process.pid, code, signal, replaced: listening });
        if (listening) start(slot, true);
        else {
          process.exitCode = 1;
          stopAll();
        }
      }
      if (slots.size === 0) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      }
    });
    for (let slot = 0; slot < settings.workers; slot++) start(slot, false);
  });
}
