import { readFile, writeFile } from 'node:fs/promises';
import { PatmatchError } from '../../domain/errors.js';
import { saveAtomically } from '../../util/atomic.js';
import { TopK } from '../top-k.js';
import type { Neighbor } from '../types.js';
import { assertIndexable, assertKey, normalizeInPlace } from '../vector.js';
import {
  headerBytes,
  precisionCodes,
  readTableHeader,
  rowsOfKeys,
  scoreRow,
  unitQuery,
  writeTableHeader,
  type VectorPrecision,
} from './format.js';

export type { VectorPrecision } from './format.js';
export { DiskVectorTable } from './disk.js';

/** Options of `VectorTable.create`. */
export interface VectorTableOptions {
  dimension: number;
  precision: VectorPrecision;
}


/**
 * A dense key → unit-vector store, e.g. the title vectors kept for exact stage-2 scoring.
 * Vectors are normalised on the way in, so `dot` is the cosine similarity. Persisted as one binary
 * file (header, keys, scales, data) written atomically and loaded with one read.
 *
 * @example
 * const titles = VectorTable.create({ dimension: 256, precision: 'i8' });
 * titles.set(42, vector);
 * titles.dot(query, [42, 7]); // Float32Array [0.81, NaN] (7 is missing)
 * await titles.save('.patmatch/index/titles.vt');
 */
export class VectorTable {
  readonly dimension: number;
  readonly precision: VectorPrecision;
  #keys: Uint32Array;
  #scales: Float32Array;
  #data: Float32Array | Int8Array;
  #rows = new Map<number, number>();

  private constructor(options: VectorTableOptions, keys: Uint32Array, scales: Float32Array, data: Float32Array | Int8Array) {
    this.dimension = options.dimension;
    this.precision = options.precision;
    this.#keys = keys;
    this.#scales = scales;
    this.#data = data;
  }

  /**
   * An empty table.
   *
   * @example
   * const table = VectorTable.create({ dimension: 256, precision: 'f32' });
   */
  static create(options: VectorTableOptions): VectorTable {
    if (!Number.isInteger(options.dimension) || options.dimension <= 0) {
      throw new PatmatchError('invalid_input', `vector table: dimension ${options.dimension} must be a positive integer`);
    }
    if (!(options.precision in precisionCodes)) {
      throw new PatmatchError('invalid_input', `vector table: precision "${options.precision}" must be f32 or i8`);
    }
    const capacity = 16;
    return new VectorTable(
      options,
      new Uint32Array(capacity),
      new Float32Array(capacity),
      allocate(options.precision, capacity * options.dimension),
    );
  }

  /**
   * Reads a table saved by `save`, checking its header and size.
   *
   * @example
   * const titles = await VectorTable.load('.patmatch/index/titles.vt');
   */
  static async load(path: string): Promise<VectorTable> {
    const file = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new PatmatchError(error.code === 'ENOENT' ? 'not_found' : 'invalid_input', `${path}: ${error.message}`);
    });
    const bytes = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
    const { precision, dimension, count, fileBytes } = readTableHeader(bytes, path);
    if (bytes.length !== fileBytes) {
      throw new PatmatchError('invalid_input', `${path}: ${bytes.length} bytes, expected ${fileBytes} for ${count} vectors`);
    }
    const { buffer, byteOffset } = bytes;
    const keys = new Uint32Array(buffer, byteOffset + headerBytes, count);
    const scales = new Float32Array(buffer, byteOffset + headerBytes + count * 4, count);
    const dataOffset = byteOffset + headerBytes + count * 8;
    const data =
      precision === 'f32'
        ? new Float32Array(buffer, dataOffset, count * dimension)
        : new Int8Array(buffer, dataOffset, count * dimension);
    const table = new VectorTable({ dimension, precision }, keys, scales, data);
    table.#rows = rowsOfKeys(keys, path);
    return table;
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.#rows.size;
  }

  /** Bytes of the stored rows, keys and scales. */
  get byteLength(): number {
    return this.size * (8 + this.dimension * (this.precision === 'f32' ? 4 : 1));
  }

  /** Whether `key` has a vector. */
  has(key: number): boolean {
    return this.#rows.has(key);
  }

  /** Every stored key, in storage order. */
  keys(): number[] {
    return Array.from(this.#keys.subarray(0, this.size));
  }

  /**
   * The stored (normalised, possibly quantised) vector of `key`, or `undefined`.
   *
   * @example
   * table.get(42)?.length; // 256
   */
  get(key: number): Float32Array | undefined {
    const row = this.#rows.get(key);
    if (row === undefined) return undefined;
    const start = row * this.dimension;
    const vector = Float32Array.from(this.#data.subarray(start, start + this.dimension));
    if (this.precision === 'i8') for (let i = 0; i < vector.length; i++) vector[i]! *= this.#scales[row]!;
    return vector;
  }

  /**
   * Inserts or replaces the vector of `key` (normalised to unit length on the way in).
   *
   * @example
   * table.set(42, embedding);
   */
  set(key: number, vector: Float32Array): void {
    assertKey(key);
    assertIndexable(vector, this.dimension, `key ${key}`);
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = this.size;
      this.#reserve(row + 1);
      this.#keys[row] = key;
      this.#rows.set(key, row);
    }
    const unit = Float32Array.from(vector);
    normalizeInPlace(unit);
    const start = row * this.dimension;
    if (this.#data instanceof Float32Array) {
      this.#data.set(unit, start);
      return;
    }
    let max = 0;
    for (let i = 0; i < unit.length; i++) max = Math.max(max, Math.abs(unit[i]!));
    const scale = max / 127;
    this.#scales[row] = scale;
    for (let i = 0; i < unit.length; i++) this.#data[start + i] = Math.round(unit[i]! / scale);
  }

  /**
   * Removes `key`; returns whether it was there. The last row moves into the gap.
   *
   * @example
   * table.delete(42); // true
   */
  delete(key: number): boolean {
    const row = this.#rows.get(key);
    if (row === undefined) return false;
    const last = this.size - 1;
    const lastKey = this.#keys[last]!;
    this.#rows.delete(key);
    if (row !== last) {
      this.#keys[row] = lastKey;
      this.#scales[row] = this.#scales[last]!;
      this.#data.copyWithin(row * this.dimension, last * this.dimension, (last + 1) * this.dimension);
      this.#rows.set(lastKey, row);
    }
    return true;
  }

  /**
   * Cosine similarity of `query` with the vector of each key, in the order given; `NaN` for keys
   * without a vector.
   *
   * @example
   * const titleScores = titles.dot(query, candidateKeys);
   */
  dot(query: Float32Array, keys: readonly number[]): Float32Array {
    const unit = this.#unitQuery(query);
    const scores = new Float32Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const row = this.#rows.get(keys[i]!);
      scores[i] = row === undefined ? Number.NaN : this.#score(row, unit);
    }
    return scores;
  }

  /**
   * The `k` vectors most similar to `query` by exact cosine, among `keys` when given (keys without a
   * vector are skipped), else among all. Best first, ties by ascending key.
   *
   * @example
   * table.nearest(query, 10); // [{ key: 42, score: 0.91 }, …]
   */
  nearest(query: Float32Array, k: number, keys?: readonly number[]): Neighbor[] {
    const unit = this.#unitQuery(query);
    const top = new TopK(Math.max(0, Math.floor(k)));
    if (keys) {
      for (const key of keys) {
        const row = this.#rows.get(key);
        if (row !== undefined) top.push(key, this.#score(row, unit));
      }
    } else {
      for (let row = 0; row < this.size; row++) top.push(this.#keys[row]!, this.#score(row, unit));
    }
    return top.sorted();
  }

  /**
   * Writes the table atomically (temporary file, fsync, rename).
   *
   * @example
   * await table.save('.patmatch/index/titles.vt');
   */
  async save(path: string): Promise<void> {
    const count = this.size;
    const parts = [
      writeTableHeader({ precision: this.precision, dimension: this.dimension, count }),
      bytesOf(this.#keys.subarray(0, count)),
      bytesOf(this.#scales.subarray(0, count)),
      bytesOf(this.#data.subarray(0, count * this.dimension)),
    ];
    await saveAtomically(path, (tmp) => writeFile(tmp, parts));
  }

  #unitQuery(query: Float32Array): Float32Array {
    return unitQuery(query, this.dimension);
  }

  #score(row: number, unit: Float32Array): number {
    return scoreRow(this.#data, row * this.dimension, unit, this.precision === 'i8' ? this.#scales[row]! : 1);
  }

  #reserve(rows: number): void {
    if (rows <= this.#keys.length) return;
    const capacity = Math.max(rows, this.#keys.length * 2);
    const grow = <T extends Uint32Array | Float32Array | Int8Array>(old: T, next: T): T => {
      next.set(old as never);
      return next;
    };
    this.#keys = grow(this.#keys, new Uint32Array(capacity));
    this.#scales = grow(this.#scales, new Float32Array(capacity));
    this.#data = grow(this.#data, allocate(this.precision, capacity * this.dimension));
  }
}

function allocate(precision: VectorPrecision, length: number): Float32Array | Int8Array {
  return precision === 'f32' ? new Float32Array(length) : new Int8Array(length);
}

function bytesOf(array: Uint32Array | Float32Array | Int8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
