/**
 * Retrieval evaluation over the ingested corpus, through the product's own search engine:
 * topical (IPC main group), cross-lingual (English title → abstract) and typo robustness.
 */
import type { SearchMode } from '../domain/index.js';
import type { Embedder } from '../embed/types.js';
import { VectorTable } from '../index/table/index.js';
import { hasNorm } from '../index/vector.js';
import { vectorsInMemory, type DenseVectors } from '../index/vectors/index.js';
import { DEFAULT_SEARCH_MODE } from '../search/engine.js';
import type { SearchEngine } from '../search/types.js';
import type { StoredPatent } from '../store/index.js';
import { createRandom } from '../train/random.js';
import { mrrAt, ndcgAt, recallAt } from './metrics.js';
import { addJamoTypos } from './typos.js';
import { isCrossLingualHoldout } from './holdout.js';

export const RETRIEVAL_MODES: readonly SearchMode[] = ['lexical', 'dense', 'seed', 'hybrid'];
const CUTOFF = 10;

/** The JSON of `patmatch eval retrieval`. */
export interface RetrievalReport {
  /** The mode `search`, the API and the dashboard use when none is given (`lexical` until a model is indexed). */
  default: SearchMode;
  topical: Partial<Record<SearchMode, { 'ndcg@10': number }>>;
  crossLingual: Partial<Record<SearchMode, { 'recall@10': number; 'mrr@10': number }>>;
  typos: Partial<Record<SearchMode, { 'recall@10': number; 'cleanRecall@10': number }>>;
  n: { corpus: number; topical: number; crossLingual: number; typos: number };
}

/** What the evaluation runs against. */
export interface RetrievalTarget {
  engine: SearchEngine;
  /**
   * The same search with the English title left out of keyword scores, for the cross-lingual task:
   * an English title query must find its patent by the Korean text, not by the English title stored with it.
   */
  crossLingualEngine: SearchEngine;
  /** Every stored patent (the search corpus). */
  corpus: readonly StoredPatent[];
  /** Patents queries are drawn from (default: the corpus). */
  queryPool?: readonly StoredPatent[];
}

/** Options merged over `defaultRetrievalOptions`. */
export interface RetrievalOptions {
  /** At most this many queries per task, drawn with `seed`. */
  maxQueries: number;
  seed: number;
  /** Stage-1 K. */
  k: number;
  onProgress?: (done: number, total: number) => void;
}

export const defaultRetrievalOptions: RetrievalOptions = { maxQueries: 300, seed: 42, k: 1000 };

/** IPC main group of a code: `H01G 11/86` → `H01G 11`. */
export function ipcMainGroup(code: string): string {
  return code.split('/')[0]!.trim();
}

/**
 * Runs the three tasks for every mode the engine offers (all four when a model is indexed).
 *
 * @example
 * const report = await evaluateRetrieval({ engine, lexical, corpus }, { maxQueries: 200 });
 * report.topical.seed?.['ndcg@10']
 */
export async function evaluateRetrieval(target: RetrievalTarget, options: Partial<RetrievalOptions> = {}): Promise<RetrievalReport> {
  const o = { ...defaultRetrievalOptions, ...options };
  const { engine, crossLingualEngine, corpus } = target;
  const pool = target.queryPool ?? corpus;
  const modes = engine.model ? RETRIEVAL_MODES : (['lexical'] as const);
  const rng = createRandom(o.seed);
  const sample = <T>(items: T[]) => rng.shuffle(items).slice(0, o.maxQueries);

  const byGroup = new Map<string, string[]>();
  for (const p of corpus) {
    const group = p.ipc[0] && ipcMainGroup(p.ipc[0]);
    if (group) byGroup.set(group, [...(byGroup.get(group) ?? []), p.applicationNumber]);
  }
  const topicalQueries = sample(pool.filter((p) => p.ipc[0] && (byGroup.get(ipcMainGroup(p.ipc[0]))?.length ?? 0) > 1));
  // Only patents whose English title `train` left out (see holdout.ts).
  const crossQueries = sample(pool.filter((p) => p.titleEn && p.abstract.trim() && isCrossLingualHoldout(p.applicationNumber)));
  const typoQueries = sample(pool.filter((p) => /\p{Script=Hangul}/u.test(p.title))).map((p) => ({
    patent: p,
    noisy: addJamoTypos(p.title, 1 + rng.int(2), rng),
  }));

  const total = modes.length * (topicalQueries.length + 2 * typoQueries.length + crossQueries.length);
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);
  const ranked = async (query: string, mode: SearchMode, leaveOut?: string, searcher = engine) => {
    const result = await searcher.search(query, { mode, top: CUTOFF + 1, k: o.k });
    tick();
    return result.hits.map((h) => h.applicationNumber).filter((id) => id !== leaveOut).slice(0, CUTOFF);
  };
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

  const report: RetrievalReport = {
    default: engine.model ? DEFAULT_SEARCH_MODE : 'lexical',
    topical: {},
    crossLingual: {},
    typos: {},
    n: { corpus: corpus.length, topical: topicalQueries.length, crossLingual: crossQueries.length, typos: typoQueries.length },
  };
  for (const mode of modes) {
    const scores: number[] = [];
    for (const p of topicalQueries) {
      const relevant = new Set(byGroup.get(ipcMainGroup(p.ipc[0]!))!.filter((id) => id !== p.applicationNumber));
      scores.push(ndcgAt(await ranked(p.title, mode, p.applicationNumber), relevant, CUTOFF));
    }
    report.topical[mode] = { 'ndcg@10': mean(scores) };

    const clean: number[] = [];
    const noisy: number[] = [];
    for (const { patent, noisy: query } of typoQueries) {
      clean.push(recallAt(await ranked(patent.title, mode), patent.applicationNumber, CUTOFF));
      noisy.push(recallAt(await ranked(query, mode), patent.applicationNumber, CUTOFF));
    }
    report.typos[mode] = { 'recall@10': mean(noisy), 'cleanRecall@10': mean(clean) };
  }

  for (const mode of modes) {
    const recall: number[] = [];
    const mrr: number[] = [];
    for (const p of crossQueries) {
      const ids = await ranked(p.titleEn!, mode, undefined, crossLingualEngine);
      recall.push(recallAt(ids, p.applicationNumber, CUTOFF));
      mrr.push(mrrAt(ids, p.applicationNumber, CUTOFF));
    }
    report.crossLingual[mode] = { 'recall@10': mean(recall), 'mrr@10': mean(mrr) };
  }
  return report;
}

/**
 * Exact in-memory dense vectors of a corpus for an embedder that was not indexed (`--embedder`):
 * title and abstract vectors (abstract falls back to the title when empty).
 *
 * @example
 * const vectors = await embedCorpus(embedder, corpus);
 * createSearchEngine({ store, lexical, dense: { embedder, vectors } });
 */
export async function embedCorpus(embedder: Embedder, corpus: readonly StoredPatent[]): Promise<DenseVectors> {
  const titleVectors = await embedder.embed(corpus.map((p) => p.title), { kind: 'passage' });
  const abstractVectors = await embedder.embed(corpus.map((p) => p.abstract.trim() || p.title), { kind: 'passage' });
  const titles = VectorTable.create({ dimension: embedder.dimension, precision: 'f32' });
  const abstracts = VectorTable.create({ dimension: embedder.dimension, precision: 'f32' });
  // As in `patmatch index`: a text that embeds to zero has no vector.
  corpus.forEach((patent, i) => {
    if (hasNorm(titleVectors[i]!)) titles.set(patent.id, titleVectors[i]!);
    if (hasNorm(abstractVectors[i]!)) abstracts.set(patent.id, abstractVectors[i]!);
  });
  const manifest = {
    model: embedder.id,
    embedder: embedder.id,
    dimension: embedder.dimension,
    revision: 0,
    count: corpus.length,
    builtAt: new Date(0).toISOString(),
  };
  return vectorsInMemory(manifest, titles, abstracts);
}
