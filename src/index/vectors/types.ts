import type { VectorTable } from '../table/index.js';
import type { Neighbor } from '../types.js';

/** What `patmatch index` records about the vectors it built. */
export interface VectorsManifest {
  /** Embedder id (see Embedder.id). */
  model: string;
  /** Spec to load the same embedder again, e.g. `static:/home/.patmatch/models/default`. */
  embedder: string;
  dimension: number;
  /** Store revision the vectors reflect (patents with a higher revision are not embedded yet). */
  revision: number;
  /** `PatentStore.storeId` of the store they were built from (absent in folders built before ids). */
  store?: string;
  count: number;
  builtAt: string;
}

/**
 * The dense side of a home: an ANN index over abstract vectors for stage 1, and key → vector
 * tables of titles and abstracts for exact scoring of candidates.
 *
 * @example
 * const vectors = await openVectors('.patmatch/vectors');
 * const stage1 = vectors.searchAbstracts(q, 1000, null);
 * const titles = vectors.titleScores(q, stage1.map((n) => n.key));
 */
export interface DenseVectors {
  readonly manifest: VectorsManifest;
  /** Memory the open vectors take when every page of the graph is touched (graph file, in-memory tables). */
  readonly memoryBytes: number;
  /** Stage 1: best abstracts by cosine, in no guaranteed order. With `allowed`, only those keys (exact when the set is small). */
  searchAbstracts(query: Float32Array, k: number, allowed: ReadonlySet<number> | null): Neighbor[];
  /** Cosine between the query and the title of each key (0 for unknown keys). */
  titleScores(query: Float32Array, keys: readonly number[]): Float32Array;
  /** Cosine between the query and the abstract of each key (0 for unknown keys). */
  abstractScores(query: Float32Array, keys: readonly number[]): Float32Array;
  /**
   * In-memory copies of the title and abstract vectors of `keys` (exact rows): many queries are
   * then scored against a few thousand patents (the demand watch) without reading the tables again.
   */
  select(keys: readonly number[]): { titles: VectorTable; abstracts: VectorTable };
  close(): void;
}
