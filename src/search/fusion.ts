/** Score fusion used by the recommender: pure functions, so each mode states its arithmetic in one line. */

/** The rank constant of reciprocal rank fusion (Cormack, Clarke & Büttcher 2009). */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion of several rankings (best first), scaled to [0,1] by the best possible
 * score (rank 1 in every ranking). A key absent from a ranking gets nothing from it.
 *
 * @example
 * reciprocalRankFusion([[7, 3], [3, 9]]) // key 3 first: it is ranked in both lists
 */
export function reciprocalRankFusion(rankings: readonly (readonly number[])[]): Map<number, number> {
  const best = rankings.length / (RRF_K + 1);
  const fused = new Map<number, number>();
  for (const ranking of rankings) {
    ranking.forEach((key, index) => {
      fused.set(key, (fused.get(key) ?? 0) + 1 / (RRF_K + index + 1) / best);
    });
  }
  return fused;
}

/** A candidate with its component scores; `score` decides the order. */
export interface ScoredCandidate {
  key: number;
  abstractScore: number;
  titleScore: number;
  score: number;
}

/** Orders candidates best first; ties go to the smaller store id, so equal scores always come out in the same order. */
export function rankCandidates(candidates: ScoredCandidate[]): ScoredCandidate[] {
  return candidates.sort((a, b) => b.score - a.score || a.key - b.key);
}
