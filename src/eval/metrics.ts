/**
 * Evaluation metrics: correlation for similarity scores, and ranking metrics for retrieval.
 */

/**
 * Pearson correlation; 0 when either side is constant.
 *
 * @example
 * pearson([1, 2, 3], [2, 4, 6]) // 1
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError('pearson: lengths differ');
  if (n === 0) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Ranks 1..n with ties given their average rank. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    for (let k = start; k <= end; k++) out[order[k]![1]] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return out;
}

/**
 * Spearman rank correlation (Pearson of tie-averaged ranks).
 *
 * @example
 * spearman([1, 2, 3], [10, 20, 300]) // 1
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return pearson(ranks(xs), ranks(ys));
}

/**
 * nDCG@k with binary relevance: DCG of the ranking over the DCG of an ideal one.
 *
 * @example
 * ndcgAt(['a', 'x', 'b'], new Set(['a', 'b']), 10) // ≈ 0.92
 */
export function ndcgAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/**
 * 1 when `target` is among the first k, else 0.
 *
 * @example
 * recallAt(['a', 'b'], 'b', 10) // 1
 */
export function recallAt(ranked: readonly string[], target: string, k: number): number {
  return ranked.slice(0, k).includes(target) ? 1 : 0;
}

/**
 * Reciprocal rank of `target` within the first k, else 0.
 *
 * @example
 * mrrAt(['a', 'b'], 'b', 10) // 0.5
 */
export function mrrAt(ranked: readonly string[], target: string, k: number): number {
  const i = ranked.slice(0, k).indexOf(target);
  return i < 0 ? 0 : 1 / (i + 1);
}
