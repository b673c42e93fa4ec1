import type Database from 'better-sqlite3';
import { kiprisUrl } from '../../api/hits.js';
import { defaultSearchOptions, searchHit, type SearchComponents } from '../../search/engine.js';
import { createExplainer } from '../../search/explain/index.js';
import { resolveHybridOptions } from '../../search/fusion.js';
import { LinkSigner } from '../links.js';
import { migrateMatch } from '../schema.js';
import { Outbox } from '../outbox.js';
import { CandidateBatch } from './candidates.js';
import { countBehind, startUnwatched, watchedDemandPages, type Recommendation, type WatchedDemand } from './demands.js';
import { watchDigestEmail } from './digest.js';
import { demandState, type WatchScoring } from './prepare.js';
import { cutoffOf, entering, scoreSignals } from './score.js';

/** Settings of a watch run; `components`, `build`, `secret` and `publicUrl` have no default. */
export interface WatchOptions {
  /** The home's indexes, opened as for search (`openSearchComponents`). */
  components: SearchComponents;
  /** The index build that finds the new recommendations (`<lexical build id>@<revision>`). */
  build: string;
  /** Key of the signed stop-watching links (`loadSecret`). */
  secret: Buffer;
  /** Base URL of the links in the digest emails. */
  publicUrl: string;
  /** Right-hand side of the digests' Message-IDs. */
  messageIdDomain: string;
  kiprisUrlTemplate: string;
  /** How long the stop-watching link works. */
  linkTtlMs: number;
  /** Demands read at once. */
  pageSize: number;
  onProgress?: (done: number, total: number) => void;
  now: () => Date;
}

export const defaultWatchOptions = {
  messageIdDomain: 'patmatch.localhost',
  kiprisUrlTemplate: process.env.PATMATCH_KIPRIS_URL ?? 'https://doi.org/10.8080/{applicationNumber}',
  linkTtlMs: 30 * 24 * 3_600_000,
  pageSize: 500,
  now: () => new Date(),
} satisfies Partial<WatchOptions>;

/** What a watch run did. */
export interface WatchReport {
  /** Watched demands compared with new patents. */
  demands: number;
  newRecommendations: number;
  emailsQueued: number;
  /** The store revision the demands now reflect. */
  revision: number;
  /** Demands whose mode needs a model the home no longer has (left for a run with one). */
  skipped: number;
  seconds: number;
}

/**
 * Compares every watched demand with the patents indexed since its last run and appends those that
 * enter its top N to its recommendations, with one digest email per demand through the outbox (see
 * docs/matching.md, *Demand watch*). Each page of demands commits at once, each demand guarded by
 * its watched revision, so two runs at once (CLI and server) never both add, and a killed run
 * resumes from the last page written.
 *
 * @example
 * const report = await runWatch({ components, build: 'b1@2308', secret, publicUrl: 'https://patmatch.example.org' });
 */
export async function runWatch(options: Partial<WatchOptions> & Pick<WatchOptions, 'components' | 'build' | 'secret' | 'publicUrl'>): Promise<WatchReport> {
  const settings: WatchOptions = { ...defaultWatchOptions, ...options, publicUrl: options.publicUrl.replace(/\/+$/, '') };
  const started = performance.now();
  const { store, lexical, dense } = settings.components;
  const db = store.db;
  migrateMatch(db);
  const target = Math.min(lexical.indexedRevision, dense?.vectors.manifest.revision ?? Number.POSITIVE_INFINITY);
  startUnwatched(db, target);
  const total = countBehind(db, target);
  const scoring: WatchScoring = {
    store,
    lexical,
    dense,
    lexicon: settings.components.lexicon ?? null,
    hybrid: resolveHybridOptions(settings.components.hybrid),
    k: defaultSearchOptions.k,
    upTo: new Map(),
  };
  const explainer = settings.components.explainer ?? createExplainer({ analyzer: lexical.analyzer, embedder: dense?.embedder ?? null, lexicon: scoring.lexicon });
  const outbox = new Outbox(db, settings.messageIdDomain);
  const signer = new LinkSigner(settings.secret);
  const report: WatchReport = { demands: 0, newRecommendations: 0, emailsQueued: 0, revision: target, skipped: 0, seconds: 0 };
  let batch: { after: number; candidates: CandidateBatch } | undefined;

  for (const page of watchedDemandPages(db, target, settings.pageSize)) {
    const after = page[0]!.watchedRevision;
    if (batch?.after !== after) batch = { after, candidates: await CandidateBatch.open(store, lexical, dense, after, target) };
    const gained: Gain[] = [];
    const unchanged: number[] = [];
    for (const demand of page) {
      const state = await demandState(db, demand, scoring);
      if (!state) {
        report.skipped++;
        continue;
      }
      report.demands++;
      const shown = new Set(demand.recommendations.map((hit) => hit.applicationNumber));
      const allowed = batch.candidates.allowed(demand.filters);
      const candidates = batch.candidates;
      const eligible = (key: number) => (!allowed || allowed.has(key)) && !shown.has(candidates.numberOf(key));
      const cutoff = cutoffOf(state.shownScores, state.n);
      const contenders = await candidates.contenders({ mode: demand.mode, ...state }, cutoff, scoring.hybrid, eligible);
      const scored = contenders.flatMap((signal) => scoreSignals(demand.mode, signal, state.maxima, scoring.hybrid) ?? []);
      const added = entering(state.shownScores, state.n, scored);
      if (added.length === 0) {
        unchanged.push(demand.id);
        continue;
      }
      const found = added.map((candidate) => ({ candidate, patent: candidates.patent(candidate.key) }));
      const explanations = await explainer.explain(demand.query, found.map(({ patent }) => patent), state.vector ?? undefined);
      const addedAt = settings.now().toISOString();
      const hits: Recommendation[] = found.map(({ candidate, patent }, i) => ({
        ...searchHit(patent, candidate, demand.mode, demand.recommendations.length + i + 1, explanations[i]!),
        addedAt,
        build: settings.build,
      }));
      gained.push({ demand, hits, email: digestFor(settings, signer, demand, hits) });
    }
    for (const { hits } of commitPage(db, outbox, gained, unchanged, after, target)) {
      report.newRecommendations += hits.length;
      report.emailsQueued++;
    }
    settings.onProgress?.(report.demands + report.skipped, total);
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function digestFor(settings: WatchOptions, signer: LinkSigner, demand: WatchedDemand, hits: Recommendation[]) {
  const expires = settings.now().getTime() + settings.linkTtlMs;
  const signature = signer.signDemand({ demandId: demand.id, action: 'unwatch', expires });
  return watchDigestEmail(demand.name, hits, {
    demand: `${settings.publicUrl}/#/match?demand=${demand.id}`,
    kipris: (number) => kiprisUrl(settings.kiprisUrlTemplate, number),
    unwatch: `${settings.publicUrl}/match/demands/${demand.id}/unwatch?expires=${expires}&sig=${signature}`,
    expires,
  });
}

/** A demand that gains recommendations in this run, and its digest. */
interface Gain {
  demand: WatchedDemand;
  hits: Recommendation[];
  email: { subject: string; text: string };
}

/**
 * Commits a page in one transaction: appends each gaining demand's hits, moves it to `target` and
 * queues its digest, and moves the demands that gained nothing to `target`. Each demand is guarded
 * by its watched revision: one that another run already moved is left as that run wrote it.
 * Returns the gains written.
 */
function commitPage(db: Database.Database, outbox: Outbox, gained: readonly Gain[], unchanged: readonly number[], from: number, target: number): Gain[] {
  const append = db.prepare(`UPDATE match_demands SET watched_revision = ?, recommendations = ? WHERE id = ? AND watched_revision = ? AND watch = 1`);
  const ownerEmail = db.prepare<[number], string>('SELECT email FROM match_users WHERE id = ?').pluck();
  const advance = db.prepare(`UPDATE match_demands SET watched_revision = ? WHERE watched_revision = ? AND id IN (SELECT value FROM json_each(?))`);
  return db
    .transaction(() => {
      const written = gained.filter(({ demand, hits, email }) => {
        if (append.run(target, appendedJson(demand.recommendationsJson, hits), demand.id, demand.watchedRevision).changes === 0) return false;
        outbox.enqueue({ kind: 'watch-digest', matchId: null, to: ownerEmail.get(demand.userId)!, ...email, identity: `watch-${demand.id}-${target}` });
        return true;
      });
      if (unchanged.length > 0) advance.run(target, from, JSON.stringify(unchanged));
      return written;
    })
    .immediate();
}

/** A JSON array with `items` appended, from its text: stringifying only the new items, not the whole list again. */
function appendedJson(array: string, items: readonly unknown[]): string {
  const head = array.trimEnd().slice(0, -1).trimEnd();
  const tail = JSON.stringify(items).slice(1);
  return head.endsWith('[') || tail === ']' ? `${head}${tail}` : `${head},${tail}`;
}
