import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MailOutcome } from '../match/mailer.js';
import { OUTBOX_STATES, type Outbox } from '../match/outbox.js';
import type { SearchEngine } from '../search/index.js';
import type { PatentStore } from '../store/index.js';
import { readIndexState } from './state.js';

/** What the scrape-time gauges read: the home and its store, the engine searched, the outbox. */
export interface MetricsSources {
  home: string;
  store: PatentStore;
  engine: Pick<SearchEngine, 'model'>;
  outbox: Outbox;
}

/** The metrics of one server process, in their own registry (cluster workers hand it to the supervisor). */
export interface ServerMetrics {
  registry: Registry;
  /**
   * Counts one HTTP response and its duration under its route template (`unmatched` for a path no
   * route takes, so label values stay few whatever clients send): `buildServer`'s `onResponse`.
   */
  observeRequest(route: string | undefined, method: string, status: number, seconds: number): void;
  /** One search (or `similar`) that ran, by the mode it ran in. */
  observeSearch(mode: string, seconds: number): void;
  /** The outcome of one attempt to send an email. */
  observeMail(outcome: MailOutcome): void;
  /** One demand watch run (the server runs it when it notices a new index build). */
  observeWatch(report: { demands: number; newRecommendations: number; emailsQueued: number; seconds: number }): void;
}

// Searches take about 1–60 ms; requests up to seconds when a worker is overloaded.
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates the metrics of a server process (Prometheus, through prom-client): HTTP requests by route
 * template, method and status (counter and duration histogram), search durations by mode, the
 * patents stored, the index served (`patmatch_index_info{model,revision}`), seconds since each index
 * was built and patents not indexed yet, the outbox by state with sends, logged-only emails and failures, and Node's
 * process metrics (event-loop lag, memory, CPU, GC). Gauges are read when scraped; those that every
 * worker reads from the same home are taken from one worker (`aggregator: 'first'`), counters and
 * histograms are added up.
 *
 * @example
 * const metrics = createServerMetrics({ home, store, engine, outbox: match.service.outbox });
 * const text = await metrics.registry.metrics();
 */
export function createServerMetrics(sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'patmatch_http_requests_total',
    help: 'HTTP responses by route template, method and status',
    labelNames: ['route', 'method', 'status'],
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'patmatch_http_request_duration_seconds',
    help: 'Time from request to response, by route template, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const searchSeconds = new Histogram({
    name: 'patmatch_search_duration_seconds',
    help: 'Time of one search (stage 1, stage 2 and ranking together), by the mode it ran in; result-cache hits are not searches',
    labelNames: ['mode'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const sends = new Counter({ name: 'patmatch_outbox_sends_total', help: 'Emails the mail server accepted', registers });
  const logged = new Counter({
    name: 'patmatch_outbox_logged_total',
    help: 'Emails only written to the log, not sent: serve runs without --smtp, so nobody received them',
    registers,
  });
  const failures = new Counter({
    name: 'patmatch_outbox_send_failures_total',
    help: 'Failed attempts to send an email; final="true" when the email is given up (5xx, bad address, too many attempts)',
    labelNames: ['final'],
    registers,
  });
  const watchCounter = (name: string, help: string) => new Counter({ name: `patmatch_watch_${name}_total`, help, registers });
  const watchRuns = watchCounter('runs', 'Demand watch runs of this server');
  const watchDemands = watchCounter('demands', 'Watched demands compared with new patents');
  const watchAdded = watchCounter('recommendations', 'Recommendations the demand watch added');
  const watchEmails = watchCounter('emails', 'Watch digest emails queued');
  const watchSeconds = watchCounter('seconds', 'Time spent in demand watch runs');
  defineHomeGauges(sources, registers);
  return {
    registry,
    observeRequest(route, method, status, seconds) {
      const labels = { route: route ?? 'unmatched', method, status: String(status) };
      requests.inc(labels);
      requestSeconds.observe(labels, seconds);
    },
    observeSearch: (mode, seconds) => searchSeconds.observe({ mode }, seconds),
    observeMail(outcome) {
      if (outcome === 'sent') sends.inc();
      else if (outcome === 'logged') logged.inc();
      else failures.inc({ final: String(outcome === 'failed') });
    },
    observeWatch(report) {
      watchRuns.inc();
      watchDemands.inc(report.demands);
      watchAdded.inc(report.newRecommendations);
      watchEmails.inc(report.emailsQueued);
      watchSeconds.inc(report.seconds);
    },
  };
}

/** Gauges read from the home when scraped: the same in every worker, so one worker's value is kept. */
function defineHomeGauges({ home, store, engine, outbox }: MetricsSources, registers: Registry[]): void {
  const first = { registers, aggregator: 'first' as const };
  // One read of the home per scrape, shared by the gauges that need it.
  let reading: ReturnType<typeof readIndexState> | undefined;
  const state = () => (reading ??= readIndexState(home, store).finally(() => setImmediate(() => (reading = undefined))));
  new Gauge({
    name: 'patmatch_patents',
    help: 'Patents in the store',
    ...first,
    async collect() {
      this.set((await state()).store.patents);
    },
  });
  new Gauge({
    name: 'patmatch_store_revision',
    help: 'Revision of the last change to the store',
    ...first,
    async collect() {
      this.set((await state()).store.revision);
    },
  });
  new Gauge({
    name: 'patmatch_index_info',
    help: 'The index searched: the model of its vectors (lexical without one) and the store revision they reflect',
    labelNames: ['model', 'revision'],
    ...first,
    async collect() {
      const { lexical, vectors } = await state();
      const indexed = vectors && 'revision' in vectors ? vectors.revision : lexical && 'indexedRevision' in lexical ? lexical.indexedRevision : 0;
      this.reset();
      this.set({ model: engine.model ?? 'lexical', revision: String(indexed) }, 1);
    },
  });
  new Gauge({
    name: 'patmatch_index_age_seconds',
    help: 'Seconds since each index was last built or updated (vectors: their build; lexical: the last write to its file)',
    labelNames: ['index'],
    ...first,
    async collect() {
      const { lexical, vectors } = await state();
      this.reset();
      if (lexical && 'modifiedAt' in lexical) this.set({ index: 'lexical' }, (Date.now() - lexical.modifiedAt) / 1000);
      if (vectors && 'builtAt' in vectors) this.set({ index: 'vectors' }, (Date.now() - Date.parse(vectors.builtAt)) / 1000);
    },
  });
  new Gauge({
    name: 'patmatch_index_lag_revisions',
    help: 'Store revisions not reflected by each index yet (changes waiting for `patmatch index`)',
    labelNames: ['index'],
    ...first,
    async collect() {
      const { store: stored, lexical, vectors } = await state();
      this.reset();
      if (lexical && 'indexedRevision' in lexical) this.set({ index: 'lexical' }, stored.revision - lexical.indexedRevision);
      if (vectors && 'revision' in vectors) this.set({ index: 'vectors' }, stored.revision - vectors.revision);
    },
  });
  new Gauge({
    name: 'patmatch_outbox_emails',
    help: `Emails in the outbox by state (${OUTBOX_STATES.join(', ')}; logged: written to the log without a mail server, not received by anyone)`,
    labelNames: ['state'],
    ...first,
    collect() {
      for (const [state, count] of Object.entries(outbox.countByState())) this.set({ state }, count);
    },
  });
}

/**
 * The engine with each search (and `similar`) timed into `metrics`, by the mode it ran in; model and
 * lexicon stay those of the engine now (a reloading engine changes them).
 *
 * @example
 * const engine = measuredEngine(await openSearchEngine(home), metrics);
 */
export function measuredEngine<E extends SearchEngine>(engine: E, metrics: Pick<ServerMetrics, 'observeSearch'>): SearchEngine {
  const timed = async (search: () => ReturnType<SearchEngine['search']>) => {
    const started = performance.now();
    const result = await search();
    metrics.observeSearch(result.mode, (performance.now() - started) / 1000);
    return result;
  };
  return {
    get model() {
      return engine.model;
    },
    get lexicon() {
      return engine.lexicon;
    },
    search: (query, options) => timed(() => engine.search(query, options)),
    similar: (applicationNumber, options) => timed(() => engine.similar(applicationNumber, options)),
    scorePatents: (queries, applicationNumbers) => engine.scorePatents(queries, applicationNumbers),
    explainPatents: (query, applicationNumbers) => engine.explainPatents(query, applicationNumbers),
    close: () => engine.close(),
  };
}
