/** The demand watch's arithmetic: a later patent's score in the demand's mode, and which ones enter its top N. */
import type { SearchMode } from '../../domain/index.js';
import { compareCandidates, weightedScore, type HybridOptions, type ScoredCandidate } from '../../search/fusion.js';

/** The raw BM25 maxima that divided a demand's keyword scores (`rawLexicalScores`), kept to score later patents on that scale. */
export interface LexicalMaxima {
  abstract: number;
  title: number;
}

/** What is known of one patent against one demand: cosines (dense modes) and raw BM25 scores (keyword modes); 0 when absent. */
export interface PatentSignals {
  key: number;
  abstractCosine: number;
  titleCosine: number;
  abstractBm25: number;
  titleBm25: number;
}

const share = (raw: number, max: number): number => (max > 0 ? Math.min(1, Math.max(0, raw) / max) : 0);

/**
 * A later patent scored as the demand's search scored its candidates (`src/search/rank.ts`): `seed`
 * = mean of abstract and title cosines, `dense` = abstract cosine, `lexical` = mean of the BM25
 * scores each divided by the demand's maximum (capped at 1), `hybrid` = `weightedScore(seed,
 * lexical)`. A patent without a demand term in its abstract is no keyword candidate (search would
 * not have found it): its lexical score is 0, and in `lexical` mode it is no candidate at all
 * (undefined).
 *
 * @example
 * scoreSignals('hybrid', { key: 7, abstractCosine: 0.6, titleCosine: 0.5, abstractBm25: 9, titleBm25: 3 }, { abstract: 12, title: 6 }, { seedWeight: 0.7 })
 * // score = 0.7 × 0.55 + 0.3 × (0.75 + 0.5) / 2
 */
export function scoreSignals(
  mode: SearchMode,
  signals: PatentSignals,
  maxima: LexicalMaxima | null,
  hybrid: HybridOptions,
): ScoredCandidate | undefined {
  const { key, abstractCosine, titleCosine, abstractBm25, titleBm25 } = signals;
  const keywordFound = abstractBm25 > 0 && maxima !== null;
  const abstractShare = keywordFound ? share(abstractBm25, maxima.abstract) : 0;
  const titleShare = keywordFound ? share(titleBm25, maxima.title) : 0;
  const lexical = (abstractShare + titleShare) / 2;
  const seed = (abstractCosine + titleCosine) / 2;
  switch (mode) {
    case 'lexical':
      return keywordFound ? { key, abstractScore: abstractShare, titleScore: titleShare, score: lexical } : undefined;
    case 'dense':
      return { key, abstractScore: abstractCosine, titleScore: titleCosine, score: abstractCosine };
    case 'seed':
      return { key, abstractScore: abstractCosine, titleScore: titleCosine, score: seed };
    case 'hybrid':
      return { key, abstractScore: abstractCosine, titleScore: titleCosine, score: weightedScore(seed, lexical, hybrid) };
  }
}

/**
 * The candidates that enter a demand's top `n`, best first: those that rank among the first `n` of
 * the shown recommendations (`shownScores`) and the candidates together. A candidate must beat a
 * shown score to pass it (what is shown keeps its place on a tie), and candidates compete with each
 * other for the slots (two better than the N-th take the last slot and the one before it; of two
 * competing for the last slot only the better enters).
 *
 * @example
 * entering([0.9, 0.8, 0.7], 3, [{ key: 1, score: 0.75, … }, { key: 2, score: 0.72, … }]) // key 1 only
 */
export function entering(shownScores: readonly number[], n: number, candidates: readonly ScoredCandidate[]): ScoredCandidate[] {
  const shown = [...shownScores].sort((a, b) => b - a);
  const ordered = [...candidates].sort(compareCandidates);
  const entered: ScoredCandidate[] = [];
  let above = 0; // shown scores ≥ the current candidate's
  for (const candidate of ordered) {
    // Shown scores are stored rounded as search rounds them (6 decimals).
    const score = Math.round(candidate.score * 1e6) / 1e6;
    while (above < shown.length && shown[above]! >= score) above++;
    if (above + entered.length >= n) break;
    entered.push(candidate);
  }
  return entered;
}
