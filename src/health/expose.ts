/** Serving the metrics: `GET /metrics` on the API port, a loopback-only metrics port, and cluster aggregation. */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { problem, sendProblem } from '../api/index.js';
import { PatmatchError } from '../domain/errors.js';

/** The exposition of a scrape: the text and its content type. */
export type MetricsText = () => Promise<{ contentType: string; text: string }>;

const messages = { request: 'patmatch:metrics-request', reply: 'patmatch:metrics-reply' } as const;

/**
 * The metrics of this one process.
 *
 * @example
 * const text = processMetrics(metrics.registry);
 */
export function processMetrics(registry: Registry): MetricsText {
  return async () => ({ contentType: registry.contentType, text: await registry.metrics() });
}

/**
 * In a cluster worker: hands `registry` to prom-client's cluster aggregation and returns the text of
 * the whole server, asked of the supervisor (see {@link answerWorkerScrapes}), which collects every
 * worker's metrics and adds them up.
 *
 * @example
 * const text = workerMetrics(metrics.registry); // in serve/worker
 */
export function workerMetrics(registry: Registry): MetricsText {
  AggregatorRegistry.setRegistries([registry]);
  // A worker answers the supervisor's requests once an AggregatorRegistry was made in it (prom-client adds its listener then).
  new AggregatorRegistry();
  return () =>
    new Promise((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new PatmatchError('not_ready', 'the supervisor did not answer the metrics request within 10 s'));
      }, 10_000);
      const onMessage = (message: unknown) => {
        const reply = message as { type?: string; id?: string; contentType: string; text?: string; error?: string };
        if (reply?.type !== messages.reply || reply.id !== id) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        if (reply.text === undefined) reject(new PatmatchError('not_ready', `metrics could not be collected: ${reply.error}`));
        else resolve({ contentType: reply.contentType, text: reply.text });
      };
      process.on('message', onMessage);
      process.send!({ type: messages.request, id });
    });
}

/**
 * In the supervisor of `serve --workers`: answers the workers' metrics requests with the metrics of
 * every worker added up (prom-client's `AggregatorRegistry`), and returns the same for a metrics
 * port it serves itself.
 *
 * @example
 * const text = answerWorkerScrapes(); // before forking the workers
 */
export function answerWorkerScrapes(): MetricsText {
  const aggregator = new AggregatorRegistry();
  const text: MetricsText = async () => ({ contentType: aggregator.contentType, text: await aggregator.clusterMetrics() });
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== messages.request) return;
    const answer = (reply: object) => worker.send({ type: messages.reply, id: message.id, ...reply }, () => {});
    text().then(answer, (error: unknown) => answer({ contentType: '', error: String(error) }));
  });
  return text;
}

/**
 * Whether a request to `GET /metrics` on the API port may be answered: with `--metrics-public`
 * always; otherwise only from this machine, by a client that connected over loopback and not
 * through a proxy (a reverse proxy on the same machine connects over loopback, but says so with
 * `X-Forwarded-For` or `Forwarded`).
 */
function mayScrape(request: FastifyRequest, isPublic: boolean): boolean {
  if (isPublic) return true;
  const forwarded = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
  return !forwarded && isLoopback(request.socket.remoteAddress);
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

/**
 * `GET /metrics` on the API port (`serve --metrics`): the Prometheus text format, to loopback clients
 * only unless `isPublic` (`--metrics-public`); others get a 403 problem.
 *
 * @example
 * await buildServer({ engine, store, plugins: [metricsRoute(processMetrics(metrics.registry), false)] });
 */
export function metricsRoute(text: MetricsText, isPublic: boolean): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!mayScrape(request, isPublic)) {
        const detail = 'Metrics are served to clients on this machine only; start serve with --metrics-public to serve them to any client, or scrape --metrics-port';
        return sendProblem(reply, problem(403, 'forbidden', detail, '/metrics'));
      }
      const { contentType, text: body } = await text();
      return reply.type(contentType).send(body);
    });
  };
}

/** A metrics port that is listening, and how to close it. */
export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` alone on `127.0.0.1:<port>` (`serve --metrics-port`; 0 = any free port),
 * apart from the API, so a public API port never exposes it.
 *
 * @example
 * const listener = await listenMetrics(9464, processMetrics(registry)); // curl 127.0.0.1:9464/metrics
 */
export async function listenMetrics(port: number, text: MetricsText): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    text().then(
      ({ contentType, text: body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics could not be collected: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PatmatchError('invalid_input', `--metrics-port ${port}: 127.0.0.1:${port} is already in use`) : error),
    );
    server.listen({ port, host: '127.0.0.1' }, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
