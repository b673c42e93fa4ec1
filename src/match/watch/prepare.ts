import type Database from 'better-sqlite3';
import type { LexicalIndex } from '../../index/lexical/index.js';
import type { PatentStore } from '../../store/index.js';
import type { HybridOptions } from '../../search/fusion.js';
import { rawLexicalScores, type DenseSide } from '../../search/rank.js';
import { expandQuery, type QueryLexicon } from '../../text/lexicon/index.js';
import { blobOfVector, type WatchedDemand } from './demands.js';
import { scoreSignals, type LexicalMaxima } from './score.js';

/** What scoring a demand needs from the home: its indexes, the model's lexicon and the search's settings. */
export interface WatchScoring {
  store: PatentStore;
  lexical: LexicalIndex;
  dense: DenseSide | null;
  lexicon: QueryLexicon | null;
  hybrid: HybridOptions;
  /** Stage-1 candidates of the demand's search (the BM25 maxima are over these). */
  k: number;
  /** Store ids up to a revision, remembered for the run (demands of one watched revision share them). */
  upTo: Map<number, ReadonlySet<number>>;
}

/** A demand ready to score candidates: its query as each side takes it, its keyword maxima, the scores it has shown and N. */
export interface DemandState {
  vector: Float32Array | null;
  lexicalQuery: string | null;
  maxima: LexicalMaxima | null;
  shownScores: number[];
  /** Size of the original snapshot: the top N that later patents must enter. */
  n: number;
}

const maxOf = (scores: ReadonlyMap<number, number>): number => Math.max(0, ...scores.values());

/**
 * Brings a demand's stored scoring up to date and returns it; undefined when its mode needs a
 * model and the home has none. The query vector is computed when missing or made by another model
 * than the current one, and the keyword maxima when missing, over the patents the demand was
 * matched against (revision ≤ its watched revision, within its filters); both are stored. When the
 * model changed since the snapshot, the shown recommendations are scored again under the current
 * model, so the cut-off compares like with like.
 *
 * @example
 * const state = await demandState(db, demand, scoring);
 */
export async function demandState(db: Database.Database, demand: WatchedDemand, scoring: WatchScoring): Promise<DemandState | undefined> {
  const { dense, lexical, lexicon, store } = scoring;
  const usesVector = demand.mode !== 'lexical';
  const usesKeywords = demand.mode === 'lexical' || demand.mode === 'hybrid';
  if (usesVector && !dense) return undefined;
  let vector: Float32Array | null = null;
  if (usesVector) {
    vector = demand.vectorModel === dense!.embedder.id ? demand.vector : null;
    if (!vector) {
      [vector] = (await dense!.embedder.embed([demand.query], { kind: 'query' })) as [Float32Array];
      db.prepare('UPDATE match_demands SET query_vector = ?, vector_model = ? WHERE id = ?').run(blobOfVector(vector), dense!.embedder.id, demand.id);
    }
  }
  // A query the model found nothing to embed in (only symbols) matches nothing densely, as in search.
  if (vector && !vector.some((x) => x !== 0)) vector = null;
  const lexicalQuery = usesKeywords ? expandQuery(demand.query, lexicon).text : null;
  let maxima = demand.lexicalMax;
  if (lexicalQuery !== null && !maxima) {
    const matchedAgainst = idsUpTo(scoring, demand.watchedRevision, demand.filters ? store.filterIds(demand.filters) : null);
    const raw = await rawLexicalScores(lexical, { query: demand.query, lexicalQuery, k: scoring.k, allowed: matchedAgainst });
    maxima = { abstract: maxOf(raw.abstract), title: maxOf(raw.title) };
    db.prepare('UPDATE match_demands SET lexical_max = ? WHERE id = ?').run(JSON.stringify(maxima), demand.id);
  }
  const shownScores =
    usesVector && demand.model !== dense!.embedder.id
      ? await rescoreShown(demand, { ...scoring, dense: dense! }, vector!, lexicalQuery, maxima)
      : demand.recommendations.map((hit) => hit.score);
  const original = demand.recommendations.filter((hit) => !hit.addedAt).length;
  return { vector, lexicalQuery, maxima, shownScores, n: original };
}

/** Store ids with a revision up to `revision`, among `within` when given; null (all) when the store has no later patent and there are no filters. */
function idsUpTo(scoring: WatchScoring, revision: number, within: ReadonlySet<number> | null): ReadonlySet<number> | null {
  if (scoring.store.currentRevision <= revision) return within;
  let upTo = scoring.upTo.get(revision);
  if (!upTo) {
    const rows = scoring.store.db.prepare('SELECT id FROM patents WHERE revision <= ?').raw().all(revision) as [number][];
    scoring.upTo.set(revision, (upTo = new Set(rows.map(([id]) => id))));
  }
  return within ? new Set([...within].filter((id) => upTo.has(id))) : upTo;
}

/** The shown recommendations' scores under the current model (a patent gone from the store keeps its stored score). */
async function rescoreShown(
  demand: WatchedDemand,
  scoring: WatchScoring & { dense: DenseSide },
  vector: Float32Array,
  lexicalQuery: string | null,
  maxima: LexicalMaxima | null,
): Promise<number[]> {
  const ids = demand.recommendations.map((hit) => scoring.store.getByApplicationNumber(hit.applicationNumber)?.id);
  const keys = ids.filter((id): id is number => id !== undefined);
  const abstractCosines = scoring.dense.vectors.abstractScores(vector, keys);
  const titleCosines = scoring.dense.vectors.titleScores(vector, keys);
  const abstractBm25 = lexicalQuery ? await scoring.lexical.scoreKeys(lexicalQuery, 'abstract', keys) : new Map<number, number>();
  const titleBm25 = lexicalQuery ? await scoring.lexical.scoreKeys(lexicalQuery, 'title', keys) : new Map<number, number>();
  return demand.recommendations.map((hit, i) => {
    const key = ids[i];
    if (key === undefined) return hit.score;
    const at = keys.indexOf(key);
    const signals = {
      key,
      abstractCosine: abstractCosines[at]!,
      titleCosine: titleCosines[at]!,
      abstractBm25: abstractBm25.get(key) ?? 0,
      titleBm25: titleBm25.get(key) ?? 0,
    };
    return scoreSignals(demand.mode, signals, maxima, scoring.hybrid)?.score ?? 0;
  });
}
