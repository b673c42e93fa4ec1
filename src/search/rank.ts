import type { SearchMode } from '../domain/index.js';
import type { Embedder } from '../embed/types.js';
import { normalizeByMax, type LexicalIndex } from '../index/lexical/index.js';
import type { DenseVectors } from '../index/vectors/types.js';
import { weightedScore, type HybridOptions, type ScoredCandidate } from './fusion.js';

/*
 * Each mode scores its candidates and returns them in no particular order: the engine picks the
 * page it shows (`bestCandidates`), which is cheaper than ordering all K.
 */

/** The dense side of the engine: the embedder that made the vectors, and the vectors. */
export interface DenseSide {
  embedder: Embedder;
  vectors: DenseVectors;
}

/** What every ranking needs besides the query. */
export interface RankInput {
  query: string;
  /** The query as keyword search takes it: with the Korean translations of its English words. */
  lexicalQuery: string;
  k: number;
  /** Store ids the filters allow, or null when there are no filters. */
  allowed: ReadonlySet<number> | null;
  /**
   * A store id never to return (the source patent of `similar`). It is left out before scores are
   * divided by their maximum: the source would otherwise set that maximum and squeeze the others.
   */
  exclude?: number;
}

/**
 * The seed method on lexical scores, used when no model is indexed and by `lexical` mode:
 * stage 1 = BM25 of abstracts (top K), stage 2 = BM25 of those candidates' titles, each divided
 * by its maximum over the candidates, score = mean of the two.
 */
export async function scoreLexical(lexical: LexicalIndex, input: RankInput): Promise<ScoredCandidate[]> {
  const raw = await rawLexicalScores(lexical, input);
  const keys = [...raw.abstract.keys()];
  const abstractScores = normalizeByMax(raw.abstract);
  const titleScores = normalizeByMax(raw.title);
  return keys.map((key) => {
    const abstractScore = abstractScores.get(key) ?? 0;
    const titleScore = titleScores.get(key) ?? 0;
    return { key, abstractScore, titleScore, score: (abstractScore + titleScore) / 2 };
  });
}

/**
 * The raw BM25 scores `scoreLexical` divides by their maxima: the abstracts of stage 1 (top K) and
 * those candidates' titles. The demand watch keeps the two maxima to score later patents on the
 * same scale.
 *
 * @example
 * const { abstract, title } = await rawLexicalScores(lexical, input);
 */
export async function rawLexicalScores(lexical: LexicalIndex, input: RankInput): Promise<{ abstract: Map<number, number>; title: Map<number, number> }> {
  const stage1 = await lexicalStage1(lexical, input);
  const abstract = new Map(stage1.map((n) => [n.key, n.score]));
  return { abstract, title: await lexical.scoreKeys(input.lexicalQuery, 'title', [...abstract.keys()]) };
}

/**
 * The seed method of the original design: stage 1 = cosine to the abstracts (top K), stage 2 =
 * cosine to those candidates' titles, score = mean (`seed`), or the abstract cosine alone (`dense`).
 */
export async function scoreDense(
  dense: DenseSide,
  input: RankInput,
  scoring: 'seed' | 'dense',
): Promise<ScoredCandidate[]> {
  const query = await embedQuery(dense.embedder, input.query);
  return query ? scoreByVector(dense.vectors, query, input, scoring) : [];
}

function scoreByVector(
  vectors: DenseVectors,
  query: Float32Array,
  input: RankInput,
  scoring: 'seed' | 'dense',
): ScoredCandidate[] {
  const extra = input.exclude === undefined ? 0 : 1;
  const stage1 = withoutExcluded(vectors.searchAbstracts(query, input.k + extra, input.allowed), input);
  const titleScores = vectors.titleScores(
    query,
    stage1.map((n) => n.key),
  );
  return stage1.map((n, i) => {
    const titleScore = titleScores[i] ?? 0;
    const score = scoring === 'seed' ? (n.score + titleScore) / 2 : n.score;
    return { key: n.key, abstractScore: n.score, titleScore, score };
  });
}

/**
 * Hybrid: each candidate of the seed ranking or the lexical ranking (each over its own top K) scores
 * `seedWeight × seed score + (1 − seedWeight) × lexical score`. Candidates found only lexically get
 * their cosines (and so a seed score); those found only densely have lexical score 0.
 */
export async function scoreHybrid(
  dense: DenseSide,
  lexical: LexicalIndex,
  input: RankInput,
  options: HybridOptions,
): Promise<ScoredCandidate[]> {
  const query = await embedQuery(dense.embedder, input.query);
  const seed = query ? scoreByVector(dense.vectors, query, input, 'seed') : [];
  const lexicalScores = new Map((await scoreLexical(lexical, input)).map((c) => [c.key, c.score]));
  const known = new Map(seed.map((c) => [c.key, c]));
  const lexicalOnly = [...lexicalScores.keys()].filter((key) => !known.has(key));
  if (lexicalOnly.length > 0) {
    const abstractScores = query ? dense.vectors.abstractScores(query, lexicalOnly) : [];
    const titleScores = query ? dense.vectors.titleScores(query, lexicalOnly) : [];
    lexicalOnly.forEach((key, i) => {
      const abstractScore = abstractScores[i] ?? 0;
      const titleScore = titleScores[i] ?? 0;
      known.set(key, { key, abstractScore, titleScore, score: (abstractScore + titleScore) / 2 });
    });
  }
  return [...known.values()].map((c) => ({ ...c, score: weightedScore(c.score, lexicalScores.get(c.key) ?? 0, options) }));
}

async function lexicalStage1(lexical: LexicalIndex, input: RankInput) {
  const { allowed, exclude, k } = input;
  const extra = exclude === undefined ? 0 : 1;
  if (!allowed) return withoutExcluded(await lexical.search(input.lexicalQuery, 'abstract', k + extra), input);
  // Filters apply after BM25; over-fetch so a selective filter still fills K when it can.
  const hits = await lexical.search(input.lexicalQuery, 'abstract', k * 4 + extra);
  return withoutExcluded(hits.filter((n) => allowed.has(n.key)), input);
}

/** The first K hits other than the excluded patent. */
function withoutExcluded<T extends { key: number }>(hits: T[], { exclude, k }: RankInput): T[] {
  return (exclude === undefined ? hits : hits.filter((n) => n.key !== exclude)).slice(0, k);
}

/**
 * The query's vector, or undefined when the model found nothing in it to embed (only symbols or
 * emoji): such a query matches nothing densely, as it has no terms lexically.
 */
async function embedQuery(embedder: Embedder, query: string): Promise<Float32Array | undefined> {
  const [vector] = await embedder.embed([query], { kind: 'query' });
  return vector!.some((x) => x !== 0) ? vector : undefined;
}

/**
 * Given patents scored as `mode` scores its candidates, on the same scale: the dense side's cosines
 * (as for the lexical-only candidates of hybrid), and the keyword side's shares of the query's own
 * stage 1 (`scoreLexical` over its top K), so a patent outside that top K has lexical score 0, and in
 * `lexical` mode is no candidate at all, exactly as in the search. Every patent the search returns
 * thus gets the score it has there; the others get the score they would have if they were candidates.
 */
export async function scoreGiven(
  mode: SearchMode,
  dense: DenseSide | null,
  lexical: LexicalIndex,
  input: RankInput,
  keys: readonly number[],
  options: HybridOptions,
): Promise<ScoredCandidate[]> {
  const keyword = mode === 'lexical' || mode === 'hybrid' || !dense ? await scoreLexical(lexical, input) : [];
  const keywordOf = new Map(keyword.map((c) => [c.key, c]));
  if (mode === 'lexical' || !dense) return keys.flatMap((key) => keywordOf.get(key) ?? []);
  const query = await embedQuery(dense.embedder, input.query);
  // A query with nothing to embed matches nothing densely: only hybrid's keyword candidates remain.
  const scored = query ? keys : mode === 'hybrid' ? keys.filter((key) => keywordOf.has(key)) : [];
  const abstractScores = query ? dense.vectors.abstractScores(query, scored) : [];
  const titleScores = query ? dense.vectors.titleScores(query, scored) : [];
  return scored.map((key, i) => {
    const abstractScore = abstractScores[i] ?? 0;
    const titleScore = titleScores[i] ?? 0;
    const seed = mode === 'dense' ? abstractScore : (abstractScore + titleScore) / 2;
    const score = mode === 'hybrid' ? weightedScore(seed, keywordOf.get(key)?.score ?? 0, options) : seed;
    return { key, abstractScore, titleScore, score };
  });
}
