import type { Command } from 'commander';
import { isIP } from 'node:net';
import { defaultServerOptions } from '../../api/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { checkSmtpUrl } from '../../match/mailer.js';
import { addMatchServeOptions, type MatchServeFlags } from '../../match/serve.js';
import { logLine, logUncaughtErrors } from '../../util/log.js';
import { resolveHome } from '../context.js';
import { efSearchOption, parseInRange, parseInteger, rangeHelp, WORKERS_RANGE, withEfSearch, type IntegerRange } from '../options.js';
import { exitCodeOf } from '../main.js';
import { logServeError, serveHome, superviseServers, type ServeSettings } from '../serve/index.js';

interface ServeFlags extends MatchServeFlags {
  port?: string;
  host: string;
  kiprisUrl?: string;
  rateLimit: string;
  trustProxy?: string;
  webRoot?: string;
  efSearch?: string;
  workers: string;
  searchCache: boolean;
  requestLog: boolean;
  reloadInterval: string;
  metrics?: boolean;
  metricsPublic?: boolean;
  metricsPort?: string;
}

/** Limits of the numeric flags of `serve`; `--port` (of `demo` too) is checked by {@link checkServeFlags}. */
export const SERVE_LIMITS = {
  port: { min: 0, max: 65_535 },
  // 1,000,000 a minute per client is already more than one server answers.
  rateLimit: { min: 0, max: 1_000_000 },
  workers: WORKERS_RANGE,
  // A day: timers cannot wait longer than about 24.8 days, and Node runs a longer one after 1 ms.
  reloadIntervalSeconds: { min: 0, max: 86_400 },
  metricsPort: { min: 0, max: 65_535 },
} as const satisfies Record<string, IntegerRange>;

/**
 * `patmatch serve`: the JSON API and the dashboard on one port until SIGINT/SIGTERM.
 *
 * @example
 * patmatch serve --port 8080            # http://127.0.0.1:8080/
 * PORT=3000 patmatch serve --host 0.0.0.0 --workers 2
 */
export function register(program: Command): void {
  withEfSearch(addMatchServeOptions(program.command('serve')))
    .description('Serve the HTTP API and the dashboard (stops gracefully on Ctrl-C / SIGTERM)')
    // Everything serve writes is a JSON log line, commander's own complaints included.
    .configureOutput({ outputError: (text) => logLine(text.trim().replace(/^error: /, ''), { pid: process.pid, code: 'invalid_input' }, 'error') })
    .option('--port <n>', rangeHelp('port to listen on (env PORT, default 8080; 0 = any free port)', SERVE_LIMITS.port))
    .option('--host <address>', 'address to bind (env HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--kipris-url <template>', 'KIPRIS detail page URL with {applicationNumber} (env PATMATCH_KIPRIS_URL)')
    .option('--rate-limit <n>', rangeHelp('requests per minute per client (and per worker), 0 = unlimited', SERVE_LIMITS.rateLimit), '300')
    .option(
      '--trust-proxy <addresses>',
      'comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed, or loopback, linklocal, uniquelocal (env PATMATCH_TRUST_PROXY)',
    )
    .option('--web-root <dir>', 'folder of the built dashboard (default dist/web)')
    .option(
      '--workers <n>',
      rangeHelp('server processes sharing the port, each with its own copy of the indexes (env PATMATCH_WORKERS)', SERVE_LIMITS.workers),
      process.env.PATMATCH_WORKERS ?? '1',
    )
    .option('--no-search-cache', 'run every search, even a repeated one (benchmarks)')
    .option('--no-request-log', 'no log line per request (benchmarks)')
    .option(
      '--reload-interval <seconds>',
      rangeHelp('look this often for indexes rebuilt by `patmatch index` and switch to them (0 = never)', SERVE_LIMITS.reloadIntervalSeconds),
      '5',
    )
    .option('--metrics', 'serve Prometheus metrics at GET /metrics on this port, to clients on this machine (loopback) only')
    .option('--metrics-public', 'with --metrics: serve GET /metrics to any client (put it behind your own access control)')
    .option('--metrics-port <n>', rangeHelp('serve GET /metrics alone on 127.0.0.1 at this port (0 = any free port)', SERVE_LIMITS.metricsPort))
    .action(async (flags: ServeFlags, command: Command) => {
      logUncaughtErrors();
      try {
        const { port, host, trustProxy } = checkServeFlags(flags);
        const settings: ServeSettings = {
          home: resolveHome(command.optsWithGlobals<{ home?: string }>().home),
          port,
          host,
          kiprisUrlTemplate: flags.kiprisUrl ?? defaultServerOptions.kiprisUrlTemplate,
          rateLimitPerMinute: parseInRange('--rate-limit', flags.rateLimit, SERVE_LIMITS.rateLimit) ?? 0,
          trustProxy,
          webRoot: flags.webRoot ?? defaultServerOptions.webRoot,
          ...efSearchOption(flags.efSearch),
          smtp: flags.smtp,
          publicUrl: flags.publicUrl,
          mailFrom: flags.mailFrom,
          workers: parseInRange('--workers', flags.workers, SERVE_LIMITS.workers) ?? 1,
          searchCache: flags.searchCache,
          requestLog: flags.requestLog,
          reloadIntervalMs: parseReloadInterval(flags.reloadInterval),
          metrics: Boolean(flags.metrics || flags.metricsPublic),
          metricsPublic: Boolean(flags.metricsPublic),
          metricsPort: parseInRange('--metrics-port', flags.metricsPort, SERVE_LIMITS.metricsPort) ?? null,
        };
        if (settings.workers > 1) await superviseServers(settings);
        else await serveHome(settings, { sendsMail: true, announces: true });
      } catch (error) {
        // serve's stderr is a log stream, so its failures are JSON lines too, with main's exit codes.
        logServeError('cannot serve: ', error);
        process.exitCode = exitCodeOf(error);
      }
    });
}

/** The flags that say where and how `serve` is reached, as given (`PORT`, `HOST` and `PATMATCH_SMTP` fill in the missing ones). */
export interface ServeAddressFlags {
  port?: string;
  host?: string;
  publicUrl?: string;
  smtp?: string;
  trustProxy?: string;
}

/**
 * Checks what `serve` checks before it opens anything, and returns where it will listen: a port
 * 0–65535 (`--port`, else `PORT`, else 8080), a non-empty host (`--host`, else `HOST`, else
 * 127.0.0.1), an http(s) `--public-url`, an smtp(s) `--smtp`, and the proxies to trust (`--trust-proxy`,
 * else `PATMATCH_TRUST_PROXY`; see `parseTrustProxy`). `demo` calls it before its first
 * step, so a wrong flag fails at once rather than after minutes of ingest and training.
 *
 * @example
 * checkServeFlags({ port: '3000' }); // { port: 3000, host: '127.0.0.1', trustProxy: [] }
 * checkServeFlags({ port: '70000' }); // throws '--port: 70000 is not a port number (0–65535)'
 */
export function checkServeFlags(flags: ServeAddressFlags, env: NodeJS.ProcessEnv = process.env): { port: number; host: string; trustProxy: string[] } {
  const port = parseInteger('--port', flags.port ?? env.PORT) ?? 8080;
  const { min, max } = SERVE_LIMITS.port;
  if (port < min || port > max) throw new PatmatchError('invalid_input', `--port: ${port} is not a port number (${min}–${max})`);
  const host = flags.host ?? env.HOST ?? '127.0.0.1';
  if (!host.trim()) throw new PatmatchError('invalid_input', '--host: is empty (is HOST set to an empty value?); give an address such as 127.0.0.1');
  if (flags.publicUrl !== undefined) checkPublicUrl(flags.publicUrl);
  const smtp = flags.smtp ?? env.PATMATCH_SMTP;
  if (smtp !== undefined) checkSmtpUrl(smtp);
  return { port, host, trustProxy: parseTrustProxy(flags.trustProxy ?? env.PATMATCH_TRUST_PROXY) };
}

/**
 * `--public-url` is where emailed links point and which form posts' Origin must match: an http(s)
 * URL, checked at start rather than failing on every login.
 *
 * @example
 * checkPublicUrl('https://patmatch.example.org'); // ok
 */
export function checkPublicUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new PatmatchError('invalid_input', `--public-url: "${value}" is not an http(s) URL such as https://patmatch.example.org`);
  }
}

/**
 * `--reload-interval <seconds>` in milliseconds: 0 (never) up to a day.
 *
 * @example
 * parseReloadInterval('5') // 5000
 */
export function parseReloadInterval(value: string): number {
  return parseInRange('--reload-interval', value, SERVE_LIMITS.reloadIntervalSeconds)! * 1000;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `--trust-proxy`: a comma-separated list of IP addresses, CIDR ranges and the names `loopback`,
 * `linklocal`, `uniquelocal`. Trusting any sender (`true`) is not offered: anyone could then pick
 * the address rate limits count.
 *
 * @example
 * parseTrustProxy('127.0.0.1, 10.0.0.0/8') // ['127.0.0.1', '10.0.0.0/8']
 * parseTrustProxy(undefined)               // []
 */
export function parseTrustProxy(value: string | undefined): string[] {
  if (value === undefined) return [];
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!isProxyEntry(entry)) {
      throw new PatmatchError(
        'invalid_input',
        `--trust-proxy: "${entry}" is not an IP address, a CIDR range such as 10.0.0.0/8, or one of loopback, linklocal, uniquelocal`,
      );
    }
  }
  return entries;
}

function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
