import cluster from 'node:cluster';
import { buildServer, defaultServerOptions, startServer } from '../../api/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { openMatchForServe } from '../../match/serve.js';
import { openReloadingEngine, openSearchEngine } from '../../search/index.js';
import { openStore } from '../../store/index.js';
import { logLine } from '../../util/log.js';

export { superviseServers } from './workers.js';

/** Everything `patmatch serve` needs, parsed from its flags (plain data: it is sent to worker processes). */
export interface ServeSettings {
  home: string;
  port: number;
  host: string;
  kiprisUrlTemplate: string;
  /** Requests per minute per client and process; 0 = unlimited. */
  rateLimitPerMinute: number;
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
}

/** What this process does among several: only one sends the queued emails and prints the address. */
export interface ServeRole {
  sendsMail: boolean;
  announces: boolean;
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
  const engine = await openReloadingEngine(
    home,
    () => openSearchEngine(home, settings.efSearch === undefined ? {} : { efSearch: settings.efSearch }),
    {
      intervalMs: settings.reloadIntervalMs,
      onReload: (versions) => logLine('search index reloaded', { pid: process.pid, ...versions }),
      onError: (error) =>
        logLine(
          error instanceof PatmatchError && error.details?.['reason'] === 'vectors_gone'
            ? 'search vectors gone; still serving the ones opened before'
            : 'search index reload failed; still serving the previous one',
          { pid: process.pid, error: String(error) },
        ),
    },
  );
  const store = openStore(home);
  const match = await openMatchForServe(
    { smtp: settings.smtp, publicUrl: settings.publicUrl, mailFrom: settings.mailFrom },
    { home, db: store.db, search: engine, sendsMail: role.sendsMail },
  );
  const closeAll = async () => {
    await match.close();
    await engine.close();
    store.close();
  };
  const app = await buildServer({
    plugins: [match.plugin],
    engine,
    store,
    kiprisUrlTemplate: settings.kiprisUrlTemplate,
    rateLimit: settings.rateLimitPerMinute === 0 ? false : { max: settings.rateLimitPerMinute, timeWindowMs: 60_000 },
    webRoot: settings.webRoot,
    searchCache: settings.searchCache ? defaultServerOptions.searchCache : false,
    logger: settings.requestLog,
  }).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  app.addHook('onClose', async () => {
    await closeAll();
    // A cluster worker stays alive while its channel to the supervisor is open.
    if (cluster.isWorker) process.disconnect();
  });
  const running = await startServer(app, { port: settings.port, host: settings.host }).catch(async (error: NodeJS.ErrnoException) => {
    // Closing the app closes the engine, the store and the mail sender, whose timers kept the process alive.
    await app.close();
    const where = `${settings.host}:${settings.port}`;
    if (error.code === 'EADDRINUSE') throw new PatmatchError('invalid_input', `--port ${settings.port}: ${where} is already in use; stop the other server or choose another port`);
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EACCES') {
      throw new PatmatchError('invalid_input', `cannot listen on ${where} (${error.code}); check --host and --port`);
    }
    throw error;
  });
  match.listening(running.url);
  if (role.announces) process.stderr.write(`patmatch: serving ${home} at ${running.url}/ (Ctrl-C to stop)\n`);
}
