import cluster from 'node:cluster';
import { buildServer, defaultServerOptions, startServer } from '../../api/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { createServerMetrics, listenMetrics, measuredEngine, metricsRoute, processMetrics, readyRoutes, workerMetrics, type MetricsListener } from '../../health/index.js';
import { Outbox } from '../../match/index.js';
import { openMatchForServe, warnWithoutSmtp } from '../../match/serve.js';
import { serverWatch } from '../../match/watch/serve.js';
import { openReloadingEngine, openSearchEngine } from '../../search/index.js';
import { openStore } from '../../store/index.js';
import { errorText, logLine } from '../../util/log.js';
import { listenError } from './listen.js';

export { checkCanListen, holdPort, listenError, type HeldPort } from './listen.js';
export { superviseServers } from './workers.js';

/** Everything `patmatch serve` needs, parsed from its flags (plain data: it is sent to worker processes). */
export interface ServeSettings {
  home: string;
  port: number;
  host: string;
  kiprisUrlTemplate: string;
  /** Requests per minute per client and process; 0 = unlimited. */
  rateLimitPerMinute: number;
  /** Reverse proxies whose forwarded headers are believed (see `ServerOptions.trustProxy`). */
  trustProxy: string[];
  /** Folder of the built dashboard; null = API only. */
  webRoot: string | null;
  efSearch?: number;
  smtp?: string;
  publicUrl?: string;
  mailFrom: string;
  /** Server processes sharing the port (1 = this process serves). */
  workers: number;
  /** Keep recent result pages in memory (on by default; off for benchmarks of real searches). */
  searchCache: boolean;
  /** One JSON log line per request (on by default). */
  requestLog: boolean;
  /** How often to look for indexes written by `patmatch index` and switch to them; 0 = never. */
  reloadIntervalMs: number;
  /** `GET /metrics` on the serving port (`--metrics`), to loopback clients unless `metricsPublic`. */
  metrics: boolean;
  /** `--metrics-public`: `GET /metrics` on the serving port answers any client. */
  metricsPublic: boolean;
  /** `--metrics-port`: `/metrics` alone on 127.0.0.1 at this port (the supervisor's with workers); null = none. */
  metricsPort: number | null;
}

/** What this process does among several: only one sends the queued emails and prints the address (and the warning when there is no `--smtp`). */
export interface ServeRole {
  sendsMail: boolean;
  announces: boolean;
  /** Awaited just before listening: a worker waits for its supervisor to let go of the port it holds (see `claimPort`). */
  beforeListen?: () => Promise<void>;
}

/**
 * Serves one home until SIGINT/SIGTERM:
 * search engine, store, match routes and the dashboard on one port.
 *
 * @example
 * await serveHome({ ...settings, workers: 1 }, { sendsMail: true, announces: true });
 */
export async function serveHome(settings: ServeSettings, role: ServeRole): Promise<void> {
  const { home } = settings;
  // Set once the match workflow is open: the process that sends mail runs the demand watch on each new build.
  let onNewBuild: () => void = () => {};
  const engine = await openReloadingEngine(
    home,
    () => openSearchEngine(home, settings.efSearch === undefined ? {} : { efSearch: settings.efSearch }),
    {
      intervalMs: settings.reloadIntervalMs,
      onReload: (versions) => {
        logLine('search index reloaded', { pid: process.pid, ...versions });
        onNewBuild();
      },
      onError: (error) =>
        logLine(
          error instanceof PatmatchError && error.details?.['reason'] === 'vectors_gone'
            ? 'search vectors gone; still serving the ones opened before'
            : 'search index reload failed; still serving the previous one',
          { pid: process.pid, error: String(error) },
          'warn',
        ),
    },
  );
  const store = openStore(home, { writes: true });
  const metrics = metricsEnabled(settings) ? createServerMetrics({ home, store, engine, outbox: new Outbox(store.db) }) : undefined;
  const searched = metrics ? measuredEngine(engine, metrics) : engine;
  const match = await openMatchForServe(
    { smtp: settings.smtp, publicUrl: settings.publicUrl, mailFrom: settings.mailFrom },
    { home, db: store.db, search: searched, sendsMail: role.sendsMail, ...(metrics && { onMailAttempt: metrics.observeMail }) },
  );
  if (role.sendsMail) {
    const watch = serverWatch(home, match, logLine, metrics?.observeWatch);
    onNewBuild = () => void watch();
  }
  const metricsText = metrics && (cluster.isWorker ? workerMetrics(metrics.registry) : processMetrics(metrics.registry));
  let metricsListener: MetricsListener | undefined;
  const closeAll = async () => {
    await metricsListener?.close();
    await match.close();
    await engine.close();
    store.close();
  };
  // A metrics port of several workers is the supervisor's (see superviseServers).
  if (metricsText && settings.metricsPort !== null && !cluster.isWorker) {
    metricsListener = await listenMetrics(settings.metricsPort, metricsText).catch(async (error: unknown) => {
      await closeAll();
      throw error;
    });
  }
  const ready = readyRoutes({ home, store, engine, smtpOutbox: settings.smtp ? match.service.outbox : null });
  const app = await buildServer({
    plugins: [match.plugin, ready, ...(metricsText && settings.metrics ? [metricsRoute(metricsText, settings.metricsPublic)] : [])],
    ...(metrics && { onResponse: metrics.observeRequest }),
    engine: searched,
    store,
    kiprisUrlTemplate: settings.kiprisUrlTemplate,
    rateLimit: settings.rateLimitPerMinute === 0 ? false : { max: settings.rateLimitPerMinute, timeWindowMs: 60_000 },
    trustProxy: settings.trustProxy,
    webRoot: settings.webRoot,
    searchCache: settings.searchCache ? defaultServerOptions.searchCache : false,
    logger: settings.requestLog,
  }).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  let listened = false;
  app.addHook('onClose', async () => {
    await closeAll();
    // A cluster worker stays alive while its channel to the supervisor is open. One that could not
    // listen keeps it: on a disconnect the cluster module exits at once with code 0, before the
    // worker has logged why it failed and exited with 1.
    if (cluster.isWorker && listened) process.disconnect();
  });
  const listen = async () => {
    await role.beforeListen?.();
    return startServer(app, { port: settings.port, host: settings.host });
  };
  const running = await listen().catch(async (error: unknown) => {
    // Closing the app closes the engine, the store and the mail sender, whose timers kept the process alive.
    await app.close();
    throw listenError(error, settings);
  });
  listened = true;
  match.listening(running.url);
  if (role.announces) {
    warnWithoutSmtp(settings);
    const { port } = new URL(running.url);
    const metricsUrl = metricsListener ? { metricsUrl: `http://127.0.0.1:${metricsListener.port}/metrics` } : {};
    logLine(`serving ${home} at ${running.url}/ (Ctrl-C to stop)`, { url: running.url, port: Number(port), home, workers: settings.workers, pid: process.pid, ...metricsUrl });
  }
}

/**
 * Whether `serve` keeps metrics: `--metrics` or `--metrics-port`.
 *
 * @example
 * metricsEnabled({ metrics: false, metricsPort: 9464 }) // true
 */
export function metricsEnabled(settings: Pick<ServeSettings, 'metrics' | 'metricsPort'>): boolean {
  return settings.metrics || settings.metricsPort !== null;
}

/**
 * Logs why serving failed as one error line: the message, with the error code of an expected
 * failure or the stack of an unexpected one.
 *
 * @example
 * logServeError('worker 1 cannot serve: ', error, { slot: 1 });
 */
export function logServeError(what: string, error: unknown, fields: Record<string, unknown> = {}): void {
  const detail = error instanceof PatmatchError ? { code: error.code } : { error: errorText(error) };
  const reason = error instanceof Error ? error.message : String(error);
  logLine(`${what}${reason}`, { pid: process.pid, ...fields, ...detail }, 'error');
}
