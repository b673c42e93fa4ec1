/**
 * Sentence-BERT objectives on unit vectors, each returning the loss and its gradient with respect
 * to every input vector (checked against finite differences in `losses.test.ts`).
 */

/** A loss value with dLoss/dVector for each input, in input order. */
export interface LossResult {
  loss: number;
  grads: Float64Array[];
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

function addScaled(into: Float64Array, from: Float64Array, factor: number): void {
  for (let k = 0; k < into.length; k++) into[k]! += factor * from[k]!;
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

/**
 * MultipleNegativesRankingLoss: anchor `i` must pick candidate `i` among all candidates
 * (the other anchors' positives are in-batch negatives; extra candidates are hard negatives).
 * Mean cross-entropy over anchors of `scale · cosine`.
 *
 * @example
 * const { loss, grads } = multipleNegativesRanking(anchors, [...positives, ...hardNegatives], 20);
 * // grads: anchors' gradients first, then candidates'
 */
export function multipleNegativesRanking(anchors: readonly Float64Array[], candidates: readonly Float64Array[], scale = 20): LossResult {
  const n = anchors.length;
  if (candidates.length < n) throw new RangeError('multipleNegativesRanking needs a positive candidate per anchor');
  const dim = anchors[0]?.length ?? 0;
  const anchorGrads = anchors.map(() => new Float64Array(dim));
  const candidateGrads = candidates.map(() => new Float64Array(dim));
  let loss = 0;
  anchors.forEach((a, i) => {
    const logits = candidates.map((c) => scale * dot(a, c));
    const lse = logSumExp(logits);
    loss += (lse - logits[i]!) / n;
    logits.forEach((logit, j) => {
      const dLogit = (Math.exp(logit - lse) - (i === j ? 1 : 0)) / n;
      if (dLogit === 0) return;
      addScaled(anchorGrads[i]!, candidates[j]!, scale * dLogit);
      addScaled(candidateGrads[j]!, a, scale * dLogit);
    });
  });
  return { loss, grads: [...anchorGrads, ...candidateGrads] };
}

/**
 * CoSENT: for every two pairs where gold says pair i is more similar than pair j, penalise
 * `cos_j > cos_i`: `log(1 + Σ exp(λ (cos_j − cos_i)))`.
 *
 * @example
 * const { loss, grads } = coSent(lefts, rights, goldScores, 20); // grads: lefts' then rights'
 */
export function coSent(lefts: readonly Float64Array[], rights: readonly Float64Array[], labels: readonly number[], lambda = 20): LossResult {
  const n = lefts.length;
  const cos = lefts.map((l, i) => dot(l, rights[i]!));
  const terms: { i: number; j: number; value: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (labels[i]! > labels[j]!) terms.push({ i, j, value: lambda * (cos[j]! - cos[i]!) });
    }
  }
  const dim = lefts[0]?.length ?? 0;
  const leftGrads = lefts.map(() => new Float64Array(dim));
  const rightGrads = rights.map(() => new Float64Array(dim));
  if (terms.length === 0) return { loss: 0, grads: [...leftGrads, ...rightGrads] };
  const loss = logSumExp([0, ...terms.map((t) => t.value)]);
  const dCos = new Float64Array(n);
  for (const { i, j, value } of terms) {
    const weight = lambda * Math.exp(value - loss);
    dCos[j]! += weight;
    dCos[i]! -= weight;
  }
  for (let i = 0; i < n; i++) {
    addScaled(leftGrads[i]!, rights[i]!, dCos[i]!);
    addScaled(rightGrads[i]!, lefts[i]!, dCos[i]!);
  }
  return { loss, grads: [...leftGrads, ...rightGrads] };
}
