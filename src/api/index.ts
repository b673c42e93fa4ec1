/**
 * The patmatch HTTP API (Fastify): search, patents, class distributions, CSV export, an OpenAPI
 * document, and the built dashboard as static files. Errors are RFC 9457 problem documents.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { packageVersion, projectRoot } from '../cli/context.js';
import { PatmatchError } from '../domain/errors.js';
import type { SearchHit } from '../domain/index.js';
import { cachedEngine } from './cache.js';
import { classRoutes } from './classes.js';
import { withHitDetails, type ApiContext } from './hits.js';
import { patentRoutes } from './patents.js';
import { problem, problemClientErrorHandler, problemErrorHandler, problemSchema, sendProblem } from './problem.js';
import { problemResponses, sharedSchemas } from './schemas.js';
import { searchRoutes } from './search.js';
import type { ServerOptions } from './types.js';
import { structuredLoggerOptions } from '../util/log.js';

export type { ServerOptions, PatentReader, RateLimitOptions } from './types.js';
export type { SearchCacheOptions } from './cache.js';
export type { ApiHit, ApiSearchResult, ApiEvaluation } from './hits.js';
export { problem, sendProblem, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';
export { problemResponses } from './schemas.js';

/** Defaults for everything but the engine and the store. */
export const defaultServerOptions: Omit<ServerOptions, 'engine' | 'store'> = {
  plugins: [],
  kiprisUrlTemplate: process.env.PATMATCH_KIPRIS_URL ?? 'https://doi.org/10.8080/{applicationNumber}',
  rateLimit: { max: 300, timeWindowMs: 60_000 },
  searchCache: { max: 1000, ttlMs: 60_000 },
  logger: true,
  webRoot: join(projectRoot, 'dist', 'web'),
  trustProxy: [],
};

// The dashboard needs inline styles (Svelte transitions, Plotly) but never inline scripts: patent
// texts are rendered as text, and this policy keeps an injected <script> inert even if one slipped through.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Builds the Fastify app (not listening). The caller owns `engine` and `store` and closes them.
 *
 * @example
 * const app = await buildServer({ engine, store, logger: false, rateLimit: false });
 * const response = await app.inject('/api/search?q=그래핀 전극');
 */
export async function buildServer(options: Partial<ServerOptions> & Pick<ServerOptions, 'engine' | 'store'>): Promise<FastifyInstance> {
  const settings: ServerOptions = { ...defaultServerOptions, ...options };
  if (!settings.kiprisUrlTemplate.includes('{applicationNumber}')) {
    throw new PatmatchError(
      'invalid_input',
      `KIPRIS URL template "${settings.kiprisUrlTemplate}" has no {applicationNumber} placeholder`,
    );
  }
  const app = Fastify({
    logger: settings.logger === false ? false : { ...structuredLoggerOptions, ...(settings.logger === true ? {} : settings.logger) },
    routerOptions: { ignoreTrailingSlash: true },
    ...(settings.trustProxy.length > 0 && { trustProxy: [...settings.trustProxy] }),
    clientErrorHandler: problemClientErrorHandler,
    // Unknown query parameters are refused, not dropped: `status=등록` misspelt must not return unfiltered results.
    ajv: { customOptions: { removeAdditional: false } },
    // Paths the router cannot take (bad percent-encoding, a segment over 100 characters) never reach
    // the hooks, so the security headers are set here.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-content-type-options', 'nosniff').header('content-security-policy', CONTENT_SECURITY_POLICY);
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const detail = tooLong
        ? 'A path segment is longer than 100 characters'
        : 'The path is not valid percent-encoded UTF-8: each % must start a UTF-8 byte sequence such as %EA%B0%80';
      return sendProblem(reply, problem(tooLong ? 414 : 400, 'invalid_input', detail, request.url.split('?')[0]));
    },
  });
  closeIdleConnectionsOnClose(app);
  const { onResponse } = settings;
  if (onResponse) {
    app.addHook('onResponse', async (request, reply) => {
      onResponse(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
    });
  }
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return sendProblem(reply, problem(404, 'not_found', `No route for ${request.method} ${path}`, path));
  });
  // Fastify hands a query string it cannot decode to the routes as raw text (`q=%ED%95` arrives as
  // "%ED%95"), so it is refused here, before any route sees it.
  app.addHook('onRequest', async (request, reply) => {
    const query = request.raw.url?.split('?').slice(1).join('?');
    if (query && !isPercentDecodable(query)) {
      const detail = 'The query string is not valid percent-encoded UTF-8: each % must start a UTF-8 byte sequence such as %EA%B0%80';
      return sendProblem(reply, problem(400, 'invalid_input', detail, request.url.split('?')[0]));
    }
    // The schema's number coercion would read top=0x10 as 16 and page=1e1 as 10.
    const { top, page } = (request.query ?? {}) as Record<string, unknown>;
    const notDigits = Object.entries({ top, page }).find(([, value]) => typeof value === 'string' && !/^\d+$/.test(value));
    if (notDigits && request.url.startsWith('/api/')) {
      const detail = `querystring.${notDigits[0]}: "${String(notDigits[1]).slice(0, 20)}" is not a whole number written in digits`;
      return sendProblem(reply, problem(400, 'invalid_input', detail, request.url.split('?')[0]));
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  });

  app.addSchema(problemSchema);
  for (const schema of sharedSchemas) app.addSchema(schema);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'patmatch API',
        version: packageVersion,
        description: 'Korean patent recommendations for technology demands. Errors are application/problem+json.',
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  if (settings.rateLimit) {
    await app.register(fastifyRateLimit, {
      max: settings.rateLimit.max,
      timeWindow: settings.rateLimit.timeWindowMs,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        message: `Too many requests: at most ${context.max} per ${context.after}; retry after ${context.after}`,
      }),
    });
  }

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/api/health',
    {
      schema: {
        summary: 'Liveness and which model answers',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, version: { type: 'string' }, model: { type: ['string', 'null'] } },
          },
          ...problemResponses,
        },
      },
    },
    async () => ({ status: 'ok', version: packageVersion, model: settings.engine.model }),
  );
  const context: ApiContext = { ...settings, engine: cachedEngine(settings.engine, settings.searchCache) };
  app.decorate('hitDetails', <Hit extends Pick<SearchHit, 'applicationNumber'>>(hits: readonly Hit[]) => withHitDetails(hits, context));
  await app.register(searchRoutes, context);
  await app.register(patentRoutes, context);
  await app.register(classRoutes, context);
  for (const plugin of settings.plugins) await app.register(plugin);
  await registerDashboard(app, settings.webRoot);
  return app;
}

/**
 * Closes connections without a request in progress as soon as the app starts closing, and the
 * others once their last response is sent; in-flight requests finish. Node's server.close() (what
 * Fastify's `forceCloseConnections: 'idle'` relies on) ends kept-alive connections between
 * requests, but not one that has not sent its first request yet (browsers open such spare
 * connections), which held shutdown until its timeout.
 */
function closeIdleConnectionsOnClose(app: FastifyInstance): void {
  const inFlight = new Map<Socket, number>();
  let closing = false;
  const closeIfIdle = (socket: Socket): void => {
    if (closing && inFlight.get(socket) === 0) socket.destroySoon();
  };
  app.server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
    closeIfIdle(socket);
  });
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    if (!inFlight.has(socket)) return;
    inFlight.set(socket, inFlight.get(socket)! + 1);
    response.once('close', () => {
      if (!inFlight.has(socket)) return;
      inFlight.set(socket, inFlight.get(socket)! - 1);
      closeIfIdle(socket);
    });
  });
  app.addHook('preClose', async () => {
    closing = true;
    for (const socket of inFlight.keys()) closeIfIdle(socket);
  });
}

/** Serves the built dashboard, or explains at `/` how to build it. */
async function registerDashboard(app: FastifyInstance, webRoot: string | null): Promise<void> {
  if (webRoot === null) return;
  if (!existsSync(join(webRoot, 'index.html'))) {
    app.log.warn({ webRoot }, 'dashboard not built; run `npm run build`');
    app.get('/', { schema: { hide: true } }, async () => {
      throw new PatmatchError('not_ready', `The dashboard is not built (no ${webRoot}/index.html); run \`npm run build\``);
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: webRoot,
    wildcard: false,
    // The build writes .br and .gz beside each asset; the one the browser accepts is sent.
    preCompressed: true,
    setHeaders: (reply, path) => {
      // Vite puts content hashes in asset names, so they never change; index.html must be revalidated.
      const immutable = path.includes(`${join(webRoot, 'assets')}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

/** Where a started server listens. */
export interface ListenOptions {
  port: number;
  host: string;
  /** Longest wait for in-flight requests on shutdown before the process exits anyway. */
  shutdownTimeoutMs: number;
}

/** A listening server and the way to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Stops accepting connections, waits for in-flight requests, runs onClose hooks. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Listens and stops gracefully on SIGINT/SIGTERM: no new connections, in-flight requests finish,
 * onClose hooks (closing the store and engine) run, then the process exits by itself.
 *
 * @example
 * const app = await buildServer({ engine, store });
 * app.addHook('onClose', async () => { await engine.close(); store.close(); });
 * const { url } = await startServer(app, { port: 8080 });
 */
export async function startServer(app: FastifyInstance, listen: Partial<ListenOptions> = {}): Promise<RunningServer> {
  const { port, host, shutdownTimeoutMs } = { port: 8080, host: '127.0.0.1', shutdownTimeoutMs: 10_000, ...listen };
  const url = await app.listen({ port, host });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    // The signal handlers stay until the server is closed: a second signal (Ctrl-C reaches a
    // cluster worker and its supervisor, which passes on SIGTERM) must not kill it mid-shutdown.
    stopping ??= app.close().finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.error({ shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, shutdownTimeoutMs);
    force.unref();
    stop().then(
      () => clearTimeout(force),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { app, url, stop };
}

function isPercentDecodable(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
