/** A scored neighbour: `key` is the patent's store id, `score` the cosine similarity. */
export interface Neighbor {
  key: number;
  score: number;
}

/**
 * Approximate (or exact) nearest-neighbour index over L2-normalised vectors, cosine similarity.
 *
 * @example
 * const index = createVectorIndex({ dimension: 256 });
 * index.add([1, 2], [v1, v2]);
 * index.search(query, 1000); // [{ key: 2, score: 0.83 }, …] best first
 */
export interface VectorIndex {
  readonly dimension: number;
  readonly size: number;
  /** Inserts, or replaces the vectors of keys already present. */
  add(keys: readonly number[], vectors: readonly Float32Array[]): void;
  /** Removes keys (absent ones are ignored) and returns how many were there. */
  remove?(keys: readonly number[]): number;
  /** Best first; ties broken by ascending key so results are deterministic. */
  search(query: Float32Array, k: number): Neighbor[];
  /** Writes atomically (temporary file, fsync, rename). */
  save(path: string): Promise<void>;
}
