import { VectorTable } from '../table/index.js';
import type { Neighbor, VectorIndex } from '../types.js';
import { assertSameLength } from '../vector.js';

/**
 * Exact nearest neighbours by brute force over float32 vectors in plain JS: the ground truth for
 * the approximate index, and fine for a few thousand vectors. Saved as a `VectorTable` file.
 *
 * @example
 * const exact = new ExactIndex(256);
 * exact.add([1, 2], [v1, v2]);
 * exact.search(query, 10); // [{ key: 2, score: 0.83 }, …]
 */
export class ExactIndex implements VectorIndex {
  readonly #table: VectorTable;

  constructor(dimensionOrTable: number | VectorTable) {
    this.#table =
      typeof dimensionOrTable === 'number'
        ? VectorTable.create({ dimension: dimensionOrTable, precision: 'f32' })
        : dimensionOrTable;
  }

  /**
   * Loads an index saved by `save`.
   *
   * @example
   * const exact = await ExactIndex.load('truth.vt');
   */
  static async load(path: string): Promise<ExactIndex> {
    return new ExactIndex(await VectorTable.load(path));
  }

  get dimension(): number {
    return this.#table.dimension;
  }

  get size(): number {
    return this.#table.size;
  }

  add(keys: readonly number[], vectors: readonly Float32Array[]): void {
    assertSameLength(keys, vectors);
    keys.forEach((key, i) => this.#table.set(key, vectors[i]!));
  }

  remove(keys: readonly number[]): number {
    return keys.filter((key) => this.#table.delete(key)).length;
  }

  search(query: Float32Array, k: number): Neighbor[] {
    return this.#table.nearest(query, k);
  }

  save(path: string): Promise<void> {
    return this.#table.save(path);
  }
}

/**
 * Exact top-`k` among a candidate set, e.g. a filtered subset or stage-1 hits rescored against
 * title vectors. Keys missing from `table` are skipped.
 *
 * @example
 * exactSearchAmong(query, titles, [3, 9, 12], 2); // [{ key: 9, score: 0.77 }, { key: 3, score: 0.41 }]
 */
export function exactSearchAmong(query: Float32Array, table: VectorTable, keys: readonly number[], k: number): Neighbor[] {
  return table.nearest(query, k, keys);
}
