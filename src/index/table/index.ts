import { readFile, writeFile } from 'node:fs/promises';
import { PatmatchError } from '../../domain/errors.js';
import { saveAtomically } from '../../util/atomic.js';
import { topOfScores } from '../top-k.js';
import type { Neighbor } from '../types.js';
import { assertIndexable, assertKey, normalizeInPlace } from '../vector.js';
import {
  headerBytes,
  precisionCodes,
  readTableHeader,
  rowsOfKeys,
  scoreRows,
  prepareQuery,
  writeTableHeader,
  type RowMatrix,
  type TableQuery,
  type VectorPrecision,
} from './format.js';
import { Int8Rows } from '../kernel/index.js';

export type { VectorPrecision } from './format.js';
export { DiskVectorTable } from './disk.js';

/** One stored row: its key, its components as stored and its scale (1 for f32). */
export interface StoredRow {
  key: number;
  data: Float32Array | Int8Array;
  scale: number;
}

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
  /** The rows when they are not in `#kernel`. */
  #ownData: Float32Array | Int8Array;
  /** Holds the rows of i8 tables whose dimension the SIMD kernel supports. */
  readonly #kernel: Int8Rows | null;
  #rows = new Map<number, number>();

  private constructor(options: VectorTableOptions, keys: Uint32Array, scales: Float32Array, rows: number) {
    this.dimension = options.dimension;
    this.precision = options.precision;
    this.#keys = keys;
    this.#scales = scales;
    this.#kernel = options.precision === 'i8' && Int8Rows.supports(options.dimension) ? new Int8Rows(options.dimension, rows) : null;
    this.#ownData = this.#kernel ? new Int8Array(0) : allocate(options.precision, rows * options.dimension);
  }

  /** The rows, row-major. Read anew each time: the kernel's memory moves when it grows. */
  get #data(): Float32Array | Int8Array {
    return this.#kernel?.data ?? this.#ownData;
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
    return new VectorTable(options, new Uint32Array(capacity), new Float32Array(capacity), capacity);
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
    // Copies (`slice`, `set`) let the file's buffer be freed.
    const keys = new Uint32Array(buffer, byteOffset + headerBytes, count).slice();
    const scales = new Float32Array(buffer, byteOffset + headerBytes + count * 4, count).slice();
    const dataOffset = byteOffset + headerBytes + count * 8;
    const table = new VectorTable({ dimension, precision }, keys, scales, count);
    table.#data.set(
      precision === 'f32'
        ? new Float32Array(buffer, dataOffset, count * dimension)
        : new Int8Array(buffer, dataOffset, count * dimension),
    );
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
    const prepared = this.#prepareQuery(query);
    const positions: number[] = [];
    const rows: number[] = [];
    keys.forEach((key, position) => {
      const row = this.#rows.get(key);
      if (row === undefined) return;
      positions.push(position);
      rows.push(row);
    });
    const found = scoreRows(this.#matrix(), prepared, rows, rows.length);
    const scores = new Float32Array(keys.length).fill(Number.NaN);
    positions.forEach((position, i) => (scores[position] = found[i]!));
    return scores;
  }

  /**
   * Cosine similarity of `query` with every stored vector, in storage order (`keys()`): for scoring
   * many queries against one small table without a key lookup per row.
   *
   * @example
   * const scores = table.scoreAll(query); // scores[i] belongs to table.keys()[i]
   */
  scoreAll(query: Float32Array): Float32Array {
    return scoreRows(this.#matrix(), this.#prepareQuery(query), null, this.size);
  }

  /**
   * A new in-memory table holding exact copies of the rows of `keys` (those stored; in the order
   * given), with the same precision: scores against it equal scores against this table.
   *
   * @example
   * const fresh = titles.select(newKeys);
   */
  select(keys: readonly number[]): VectorTable {
    return VectorTable.fromRows(this, this.rowsOf(keys));
  }

  /** The stored rows of `keys` (keys without a vector are skipped), as `fromRows` takes them. */
  *rowsOf(keys: readonly number[]): IterableIterator<StoredRow> {
    for (const key of keys) {
      const row = this.#rows.get(key);
      if (row === undefined) continue;
      yield { key, data: this.#data.subarray(row * this.dimension, (row + 1) * this.dimension), scale: this.#scales[row]! };
    }
  }

  /**
   * A table of rows exactly as another table stores them (normalised and quantised already), e.g.
   * `rowsOf` of a table or of a `DiskVectorTable`. A key given twice keeps its first row.
   *
   * @example
   * const subset = VectorTable.fromRows(disk, disk.rowsOf([3, 9]));
   */
  static fromRows(shape: { dimension: number; precision: VectorPrecision }, rows: Iterable<StoredRow>): VectorTable {
    const table = VectorTable.create({ dimension: shape.dimension, precision: shape.precision });
    for (const { key, data, scale } of rows) {
      if (table.#rows.has(key)) continue;
      const row = table.size;
      table.#reserve(row + 1);
      table.#keys[row] = key;
      table.#scales[row] = scale;
      table.#data.set(data, row * table.dimension);
      table.#rows.set(key, row);
    }
    return table;
  }

  /**
   * The `k` vectors most similar to `query` by exact cosine, among `keys` when given (keys without a
   * vector are skipped), else among all. Best first, ties by ascending key.
   *
   * @example
   * table.nearest(query, 10); // [{ key: 42, score: 0.91 }, …]
   */
  nearest(query: Float32Array, k: number, keys?: readonly number[]): Neighbor[] {
    return this.#top(query, k, keys, true);
  }

  /**
   * The same vectors as `nearest`, in no particular order: for callers that order candidates
   * themselves (stage 1), it saves sorting a thousand of them.
   *
   * @example
   * table.best(query, 1000); // the nearest 1000, unordered
   */
  best(query: Float32Array, k: number, keys?: readonly number[]): Neighbor[] {
    return this.#top(query, k, keys, false);
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

  #prepareQuery(query: Float32Array): TableQuery {
    return prepareQuery(query, this.dimension);
  }

  #top(query: Float32Array, k: number, keys: readonly number[] | undefined, ordered: boolean): Neighbor[] {
    const prepared = this.#prepareQuery(query);
    const rows = keys ? keys.flatMap((key) => this.#rows.get(key) ?? []) : null;
    const scores = scoreRows(this.#matrix(), prepared, rows, rows ? rows.length : this.size);
    return topOfScores(scores, (i) => this.#keys[rows ? rows[i]! : i]!, k, ordered);
  }

  #matrix(): RowMatrix {
    return { dimension: this.dimension, data: this.#data, scales: this.#scales, kernel: this.#kernel };
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
    if (this.#kernel) this.#kernel.reserve(capacity);
    else this.#ownData = grow(this.#ownData, allocate(this.precision, capacity * this.dimension));
  }
}

function allocate(precision: VectorPrecision, length: number): Float32Array | Int8Array {
  return precision === 'f32' ? new Float32Array(length) : new Int8Array(length);
}

function bytesOf(array: Uint32Array | Float32Array | Int8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
