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

/** Candidate order: higher score first; ties go to the smaller store id, so equal scores always come out the same way. */
export function compareCandidates(a: ScoredCandidate, b: ScoredCandidate): number {
  return b.score - a.score || a.key - b.key;
}

/** Orders candidates best first (in place), ties by the smaller store id. */
export function rankCandidates(candidates: ScoredCandidate[]): ScoredCandidate[] {
  return candidates.sort(compareCandidates);
}

/** Above this many wanted, `bestCandidates` sorts everything instead of keeping a short list. */
const shortListLimit = 64;

/**
 * The best `count` candidates, best first, in the order `rankCandidates` gives. A page of 10 out
 * of 1,000 candidates is picked with a short insertion list (about one comparison per candidate)
 * instead of sorting all of them.
 *
 * @example
 * bestCandidates(scored, 10) // the first page
 */
export function bestCandidates(candidates: readonly ScoredCandidate[], count: number): ScoredCandidate[] {
  if (count > shortListLimit || count * 4 >= candidates.length) return rankCandidates([...candidates]).slice(0, count);
  const best: ScoredCandidate[] = [];
  for (const candidate of candidates) {
    if (best.length === count && compareCandidates(candidate, best[count - 1]!) >= 0) continue;
    let slot = best.length < count ? best.length : count - 1;
    while (slot > 0 && compareCandidates(candidate, best[slot - 1]!) < 0) {
      best[slot] = best[slot - 1]!;
      slot--;
    }
    best[slot] = candidate;
  }
  return best;
}
