/**
 * The trainable part of a static embedding model: a table of token rows, a sentence vector being
 * the L2-normalised sum (equivalently mean) of its tokens' rows. Gradients are hand-written and
 * sparse: only rows of tokens in the batch are touched, updated with Adagrad.
 */

/** Token rows `[vocab, dim]` in one Float32Array, row-major. */
export interface EmbeddingTable {
  readonly vocab: number;
  readonly dim: number;
  readonly data: Float32Array;
}

/** Sentence vectors of one batch and what backpropagation needs. */
export interface EncodedBatch {
  /** Unit vectors, one per text (zero vector when a text has no tokens). */
  vectors: Float64Array[];
  /** Norm of each pre-normalisation sum. */
  norms: number[];
  tokens: readonly (readonly number[])[];
}

/**
 * Forward pass: normalised sums of rows.
 *
 * @example
 * const batch = encode(table, [[1, 5, 5], [2]]); batch.vectors[0] // unit vector
 */
export function encode(table: EmbeddingTable, tokens: readonly (readonly number[])[]): EncodedBatch {
  const { dim, data } = table;
  const vectors: Float64Array[] = [];
  const norms: number[] = [];
  for (const ids of tokens) {
    const v = new Float64Array(dim);
    for (const id of ids) {
      const offset = id * dim;
      for (let k = 0; k < dim; k++) v[k]! += data[offset + k]!;
    }
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += v[k]! * v[k]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < dim; k++) v[k]! /= norm;
    vectors.push(v);
    norms.push(norm);
  }
  return { vectors, norms, tokens };
}

/** Sparse gradient: row id → gradient of that row. */
export type RowGradients = Map<number, Float64Array>;

/**
 * Backward pass: turns dLoss/dVector of each text into dLoss/dRow, accumulating into `into`.
 *
 * @example
 * const grads = backward(batch, lossGrads);
 */
export function backward(batch: EncodedBatch, vectorGrads: readonly Float64Array[], into: RowGradients = new Map()): RowGradients {
  batch.vectors.forEach((v, i) => {
    const g = vectorGrads[i]!;
    const norm = batch.norms[i]!;
    if (norm === 0) return;
    const dim = v.length;
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += v[k]! * g[k]!;
    const gs = new Float64Array(dim);
    for (let k = 0; k < dim; k++) gs[k] = (g[k]! - v[k]! * dot) / norm;
    for (const id of batch.tokens[i]!) {
      let row = into.get(id);
      if (!row) into.set(id, (row = new Float64Array(dim)));
      for (let k = 0; k < dim; k++) row[k]! += gs[k]!;
    }
  });
  return into;
}

/** Adagrad with per-row accumulators; rows never seen keep their values. */
export interface Optimizer {
  step(table: EmbeddingTable, grads: RowGradients): void;
}

/**
 * Sparse Adagrad: `w -= lr * rowScale[row] * g / sqrt(G + eps)`, `G` summing squared gradients per
 * weight. `rowScale` (default 1) makes steps relative to each row's initial size, so rows that start
 * small (n-grams, frequent words) do not outgrow the others after a few steps.
 *
 * @example
 * const opt = createAdagrad(table, 0.05); opt.step(table, grads);
 */
export function createAdagrad(table: EmbeddingTable, learningRate: number, rowScale?: Float32Array, epsilon = 1e-8): Optimizer {
  const accumulators = new Float32Array(table.data.length);
  return {
    step({ dim, data }, grads) {
      for (const [id, g] of grads) {
        const offset = id * dim;
        const rate = learningRate * (rowScale ? rowScale[id]! : 1);
        for (let k = 0; k < dim; k++) {
          const gk = g[k]!;
          const acc = (accumulators[offset + k]! += gk * gk);
          data[offset + k]! -= (rate * gk) / Math.sqrt(acc + epsilon);
        }
      }
    },
  };
}

/**
 * The first singular direction of the (uncentred) sentence vectors: the "common component" that
 * every sentence shares (SIF, Arora et al. 2017). Power iteration, deterministic.
 *
 * @example
 * const u = commonComponent(table, tokenLists); removeDirection(table, u);
 */
export function commonComponent(table: EmbeddingTable, tokens: readonly (readonly number[])[], iterations = 30): Float64Array {
  const { vectors } = encode(table, tokens);
  let u = new Float64Array(table.dim).fill(1 / Math.sqrt(table.dim));
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(table.dim);
    for (const v of vectors) {
      let projection = 0;
      for (let k = 0; k < v.length; k++) projection += v[k]! * u[k]!;
      for (let k = 0; k < v.length; k++) next[k]! += projection * v[k]!;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) return u;
    u = next.map((x) => x / norm);
  }
  return u;
}

/**
 * Removes a unit direction from every row. Sentence vectors are sums of rows, so this removes it
 * from every sentence vector before normalisation — baked into the table, no change at inference.
 */
export function removeDirection({ dim, data, vocab }: EmbeddingTable, direction: Float64Array): void {
  for (let id = 0; id < vocab; id++) {
    const offset = id * dim;
    let projection = 0;
    for (let k = 0; k < dim; k++) projection += data[offset + k]! * direction[k]!;
    for (let k = 0; k < dim; k++) data[offset + k]! -= projection * direction[k]!;
  }
}
