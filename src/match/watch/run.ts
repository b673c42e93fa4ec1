import type Database from 'better-sqlite3';
import { kiprisUrl } from '../../api/hits.js';
import { defaultSearchOptions, searchHit, type SearchComponents } from '../../search/engine.js';
import { createExplainer } from '../../search/explain/index.js';
import { resolveHybridOptions, type HybridOptions } from '../../search/fusion.js';
import type { SearchMode } from '../../domain/index.js';
import { LinkSigner } from '../links.js';
import { migrateMatch } from '../schema.js';
import { Outbox } from '../outbox.js';
import { CandidateBatch } from './candidates.js';
import { countBehind, startUnwatched, watchedDemandPages, type Recommendation, type WatchedDemand } from './demands.js';
import { watchDigestEmail } from './digest.js';
import { demandState, type WatchScoring } from './prepare.js';
import { entering, scoreSignals } from './score.js';

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
 * docs/matching.md, *Demand watch*). Each demand commits on its own, guarded by its watched
 * revision, so two runs at once (CLI and server) never both add, and a killed run resumes.
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
      const signals = await batch.candidates.signals(state.vector, state.lexicalQuery, keywordsFrom(demand.mode, state.shownScores, state.n, scoring.hybrid));
      const scored = signals.flatMap((signal) => {
        if ((allowed && !allowed.has(signal.key)) || shown.has(batch!.candidates.numberOf(signal.key))) return [];
        return scoreSignals(demand.mode, signal, state.maxima, scoring.hybrid) ?? [];
      });
      const added = entering(state.shownScores, state.n, scored);
      if (added.length === 0) {
        unchanged.push(demand.id);
        continue;
      }
      const patents = store.getByIds(added.map((candidate) => candidate.key));
      const found = added.flatMap((candidate) => {
        const patent = patents.get(candidate.key);
        return patent ? [{ candidate, patent }] : [];
      });
      const explanations = await explainer.explain(demand.query, found.map(({ patent }) => patent));
      const addedAt = settings.now().toISOString();
      const hits: Recommendation[] = found.map(({ candidate, patent }, i) => ({
        ...searchHit(patent, candidate, demand.mode, demand.recommendations.length + i + 1, explanations[i]!),
        addedAt,
        build: settings.build,
      }));
      if (commitDemand(db, outbox, demand, hits, target, digestFor(settings, signer, demand, hits, target))) {
        report.newRecommendations += hits.length;
        report.emailsQueued++;
      }
    }
    advance(db, unchanged, after, target);
    settings.onProgress?.(report.demands + report.skipped, total);
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/**
 * The seed score below which a hybrid candidate cannot enter even with a perfect keyword score
 * (`weightedScore(seed, 1)` at most the N-th shown score); no bound in the other modes.
 */
function keywordsFrom(mode: SearchMode, shownScores: readonly number[], n: number, hybrid: HybridOptions): number {
  if (mode !== 'hybrid' || hybrid.seedWeight === 0 || shownScores.length < n || n === 0) return Number.NEGATIVE_INFINITY;
  const cutoff = [...shownScores].sort((a, b) => b - a)[n - 1]!;
  return (cutoff - (1 - hybrid.seedWeight)) / hybrid.seedWeight;
}

function digestFor(settings: WatchOptions, signer: LinkSigner, demand: WatchedDemand, hits: Recommendation[], target: number) {
  const expires = settings.now().getTime() + settings.linkTtlMs;
  const signature = signer.signDemand({ demandId: demand.id, action: 'unwatch', expires });
  return watchDigestEmail(demand.name, hits, {
    demand: `${settings.publicUrl}/#/match?demand=${demand.id}`,
    kipris: (number) => kiprisUrl(settings.kiprisUrlTemplate, number),
    unwatch: `${settings.publicUrl}/match/demands/${demand.id}/unwatch?expires=${expires}&sig=${signature}`,
    expires,
  });
}

/**
 * Appends the hits, moves the demand to `target` and queues its digest, in one transaction; false
 * when another run already moved it (nothing is written then).
 */
function commitDemand(
  db: Database.Database,
  outbox: Outbox,
  demand: WatchedDemand,
  hits: Recommendation[],
  target: number,
  email: { subject: string; text: string },
): boolean {
  return db.transaction(() => {
    // The guard on the watched revision: a run that got here first already added and queued.
    const moved = db
      .prepare(`UPDATE match_demands SET watched_revision = ?, recommendations = ? WHERE id = ? AND watched_revision = ? AND watch = 1`)
      .run(target, JSON.stringify([...demand.recommendations, ...hits]), demand.id, demand.watchedRevision).changes;
    if (moved === 0) return false;
    const owner = db.prepare('SELECT email FROM match_users WHERE id = ?').get(demand.userId) as { email: string };
    outbox.enqueue({ kind: 'watch-digest', matchId: null, to: owner.email, ...email, identity: `watch-${demand.id}-${target}` });
    return true;
  }).immediate();
}

/** Moves demands that gained nothing to `target`, in one transaction (unless another run moved them). */
function advance(db: Database.Database, ids: readonly number[], from: number, target: number): void {
  if (ids.length === 0) return;
  db.prepare(`UPDATE match_demands SET watched_revision = ? WHERE watched_revision = ? AND id IN (SELECT value FROM json_each(?))`).run(
    target,
    from,
    JSON.stringify(ids),
  );
}
