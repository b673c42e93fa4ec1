import type { FastifyPluginAsync } from 'fastify';
import { problem, problemResponses, sendProblem } from '../api/index.js';
import type { Outbox } from '../match/index.js';
import type { ReloadingEngine } from '../search/index.js';
import { homeLayout, writeDenied } from '../store/home.js';
import type { PatentStore } from '../store/index.js';
import { readIndexState, type IndexState } from './state.js';

/** What readiness looks at. */
export interface ReadinessContext {
  home: string;
  store: PatentStore;
  engine: Pick<ReloadingEngine, 'staleness'>;
  /** The outbox, when emails go to an SMTP server (`--smtp`): its last attempt must not have failed. */
  smtpOutbox: Outbox | null;
}

/**
 * Why the server is not ready, one line each starting with a code (empty when it is ready):
 * `store_not_writable`, `index_missing`, `index_unreadable`, `index_behind` (an index reflects an
 * older store revision, or another store), `index_not_loaded` (a newer build on disk is not searched),
 * `smtp_failing` (with `--smtp`, the last attempt to send an email failed). A home without vectors
 * is ready on its lexical index alone.
 *
 * @example
 * await readinessReasons({ home, store, engine, smtpOutbox: null }) // ['index_behind: the lexical index reflects revision 2300 …']
 */
export async function readinessReasons(context: ReadinessContext): Promise<string[]> {
  const { home, store } = context;
  const layout = homeLayout(home);
  const reasons: string[] = [];
  for (const path of [home, layout.store]) {
    const denied = writeDenied(path);
    if (denied) reasons.push(`store_not_writable: ${denied.path} is not writable (${denied.code})`);
  }
  reasons.push(...indexReasons(await readIndexState(home, store)));
  const stale = await context.engine.staleness();
  if (stale) reasons.push(`index_not_loaded: ${stale}`);
  const failure = context.smtpOutbox?.lastAttemptFailure();
  if (failure) reasons.push(`smtp_failing: the last email attempt (${new Date(failure.at).toISOString()}) failed: ${failure.error}`);
  return reasons;
}

function indexReasons({ store, lexical, vectors }: IndexState): string[] {
  if (!lexical) return ['index_missing: there is no lexical index; run `patmatch index`'];
  const indexes = [['lexical index', lexical] as const, ...(vectors ? [['vector index', vectors] as const] : [])];
  return indexes.flatMap(([name, state]) => {
    if ('error' in state) return [`index_unreadable: the ${name} cannot be read (${state.error})`];
    const [revision, storeId] = 'indexedRevision' in state ? [state.indexedRevision, state.indexedStore] : [state.revision, state.store ?? null];
    if (storeId !== null && storeId !== store.id) return [`index_behind: the ${name} was built from another store; run \`patmatch index\``];
    if (revision !== store.revision) return [`index_behind: the ${name} reflects store revision ${revision}, the store is at ${store.revision}; run \`patmatch index\``];
    return [];
  });
}

/**
 * `GET /api/ready`: 200 `{ ready: true }`, or a 503 `not_ready` problem whose `reasons` list what is
 * wrong (see {@link readinessReasons}). `GET /api/health` stays the liveness check.
 *
 * @example
 * await buildServer({ engine, store, plugins: [readyRoutes({ home, store, engine, smtpOutbox: null })] });
 */
export function readyRoutes(context: ReadinessContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/api/ready',
      {
        schema: {
          summary: 'Readiness: store writable, indexes loaded and current, last SMTP attempt succeeded',
          tags: ['health'],
          response: { 200: { type: 'object', properties: { ready: { type: 'boolean' } } }, ...problemResponses },
        },
      },
      async (request, reply) => {
        const reasons = await readinessReasons(context);
        if (reasons.length === 0) return { ready: true };
        return sendProblem(reply, { ...problem(503, 'not_ready', `Not ready: ${reasons.join('; ')}`, request.url), reasons });
      },
    );
  };
}
