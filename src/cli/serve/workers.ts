import cluster, { type Address, type Worker } from 'node:cluster';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loaderFlags } from '../../util/loader-flags.js';
import { logLine as log } from '../../util/log.js';
import { answerWorkerScrapes, listenMetrics } from '../../health/index.js';
import { metricsEnabled, type ServeSettings } from './index.js';
import { holdPort } from './listen.js';

/** Environment variables that hand a worker its settings and slot. */
export const workerEnv = { settings: 'PATMATCH_SERVE_SETTINGS', slot: 'PATMATCH_SERVE_SLOT', restart: 'PATMATCH_SERVE_RESTART' } as const;

/** A worker about to listen sends `listen` to its supervisor, and listens once it answers `mayListen`. */
const workerMessages = { listen: 'patmatch:listen', mayListen: 'patmatch:may-listen' } as const;

/** How long workers get to finish in-flight requests after a stop before they are killed. */
const stopTimeoutMs = 15_000;

/**
 * Runs `settings.workers` server processes on one port (node:cluster hands connections out in
 * turn), so searches use every core. With port 0 it picks a free port first, and every worker and
 * every replacement listens on that one. Slot 0 sends the queued emails and prints the address. A
 * worker that dies after it started listening is replaced, and a replacement that fails to start is
 * retried with a backoff while the others keep serving. A first start that fails (bad index, port
 * in use) stops them all with exit code 1. SIGINT/SIGTERM stop every worker gracefully (killed
 * after 15 s). Resolves when all have exited.
 *
 * @example
 * await superviseServers({ ...settings, workers: 2 });
 */
export async function superviseServers(settings: ServeSettings): Promise<void> {
  // Left to node:cluster, port 0 would be picked when the first worker listens, and picked anew
  // whenever no worker is left listening (the first died before the others listened, or all died),
  // so the address slot 0 announced would go stale. This process holds the port until a worker is
  // about to listen; it cannot keep holding it, as node:cluster binds the shared port in this process.
  const held = settings.port === 0 ? await holdPort(settings) : undefined;
  // Workers ask this process for the metrics of them all; a metrics port is served here.
  const metricsText = metricsEnabled(settings) ? answerWorkerScrapes() : undefined;
  const metricsListener = metricsText && settings.metricsPort !== null ? await listenMetrics(settings.metricsPort, metricsText) : undefined;
  if (metricsListener) log('metrics listening', { metricsUrl: `http://127.0.0.1:${metricsListener.port}/metrics`, pid: process.pid });
  const workerSettings = held ? { ...settings, port: held.port } : settings;
  const self = fileURLToPath(import.meta.url);
  cluster.setupPrimary({
    exec: join(dirname(self), `worker${extname(self)}`),
    args: [],
    execArgv: loaderFlags(process.execArgv),
  });
  const slots = new Map<Worker, { slot: number; listening: boolean; restart: boolean }>();
  /** Replacements waiting for their retry, by slot, and each slot's failed starts in a row. */
  const retries = new Map<number, NodeJS.Timeout>();
  const failures = new Map<number, number>();
  let stopping = false;
  const start = (slot: number, restart: boolean) => {
    const worker = cluster.fork({
      [workerEnv.settings]: JSON.stringify(workerSettings),
      [workerEnv.slot]: String(slot),
      [workerEnv.restart]: restart ? '1' : '0',
    });
    slots.set(worker, { slot, listening: false, restart });
    worker.on('message', (message: unknown) => {
      if (message !== workerMessages.listen) return;
      // The callback takes the error of a worker that died meanwhile (else an 'error' event).
      const answer = () => worker.send(workerMessages.mayListen, () => {});
      if (held) void held.release().then(answer);
      else answer();
    });
    worker.once('listening', (address: Address) => {
      slots.get(worker)!.listening = true;
      failures.delete(slot);
      log('worker listening', { slot, pid: worker.process.pid, restart, port: address.port });
    });
  };
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    void held?.release();
    for (const timer of retries.values()) clearTimeout(timer);
    retries.clear();
    // SIGTERM: graceful once a worker listens (see startServer), immediate while it is still loading.
    for (const worker of slots.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of slots.keys()) {
        log('worker did not stop in time; killing it', { pid: worker.process.pid, stopTimeoutMs }, 'error');
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
    const finishIfDone = () => {
      if (slots.size > 0 || retries.size > 0) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void (metricsListener?.close() ?? Promise.resolve()).then(() => resolve());
    };
    cluster.on('exit', (worker, code, signal) => {
      const { slot, listening, restart } = slots.get(worker)!;
      slots.delete(worker);
      if (!stopping) {
        log('worker exited', { slot, pid: worker.process.pid, code, signal, replaced: listening || restart }, 'warn');
        if (listening) start(slot, true);
        else if (restart) {
          // A replacement that cannot start (index being rebuilt, model moved) must not take the
          // healthy workers down with it: it is tried again, 1 s doubling to a minute.
          const failed = (failures.get(slot) ?? 0) + 1;
          failures.set(slot, failed);
          const delayMs = Math.min(60_000, 1000 * 2 ** (failed - 1));
          log('worker replacement failed; retrying', { slot, failures: failed, delayMs }, 'warn');
          retries.set(
            slot,
            setTimeout(() => {
              retries.delete(slot);
              start(slot, true);
            }, delayMs),
          );
        } else {
          process.exitCode = 1;
          stopAll();
        }
      }
      finishIfDone();
    });
    for (let slot = 0; slot < settings.workers; slot++) start(slot, false);
  });
}

/**
 * In a worker, just before it listens: asks the supervisor to let go of the port it may hold (see
 * `superviseServers`) and resolves when it has.
 *
 * @example
 * await serveHome(settings, { sendsMail: true, announces: true, beforeListen: claimPort });
 */
export function claimPort(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (message !== workerMessages.mayListen) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send!(workerMessages.listen);
  });
}
