/**
 * Scales BM25 scores into [0,1] by dividing each by the largest score of the set, so the best
 * match of a query gets 1 and the others keep their ratio to it. BM25 has no upper bound and
 * depends on the query's length, so this per-query scale is what makes an abstract score and a
 * title score comparable enough to average. A set whose best score is not positive (no matches)
 * maps to zeros. Keys and order are kept.
 *
 * @example
 * normalizeByMax(new Map([[7, 12.5], [3, 5], [9, 0]])) // Map { 7 => 1, 3 => 0.4, 9 => 0 }
 * const abstract = normalizeByMax(new Map(hits.map((hit) => [hit.key, hit.score])));
 */
export function normalizeByMax(scores: ReadonlyMap<number, number>): Map<number, number> {
  let max = 0;
  for (const score of scores.values()) if (score > max) max = score;
  const normalized = new Map<number, number>();
  for (const [key, score] of scores) normalized.set(key, max > 0 ? Math.max(0, score) / max : 0);
  return normalized;
}
