import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { PatmatchError } from '../../domain/errors.js';
import { TopK } from '../top-k.js';
import type { Neighbor } from '../types.js';
import { Int8Rows } from '../kernel/index.js';
import {
  headerBytes,
  prepareQuery,
  readTableHeader,
  rowsOfKeys,
  scoreRows,
  type RowMatrix,
  type TableHeader,
  type TableQuery,
  type VectorPrecision,
} from './format.js';
import type { StoredRow } from './index.js';

/** Rows closer than this are read in one call rather than one call each. */
const coalesceGap = 16;
/** Rows per read of a full scan (1 MiB of i8 data at 256 dimensions). */
const scanRows = 4096;

/**
 * A vector table left on disk: only keys and scales are in memory, rows are read when scored.
 * For vectors that are scored rarely (the abstract vectors: exact filtered search and hybrid
 * candidates) this keeps their bytes out of the server's memory; the page cache still serves
 * repeated reads. Read-only; written by `VectorTable.save`.
 *
 * @example
 * const abstracts = DiskVectorTable.open('.patmatch/vectors/abstracts.vt');
 * abstracts.dot(query, [42, 7]); // Float32Array [0.74, NaN]
 * abstracts.close();
 */
export class DiskVectorTable {
  readonly dimension: number;
  readonly #fd: number;
  readonly #header: TableHeader;
  readonly #scales: Float32Array;
  readonly #keys: Uint32Array;
  readonly #rows: Map<number, number>;
  readonly #path: string;
  /** Where i8 rows are read to, to be scored by the SIMD kernel (when it supports the dimension). */
  readonly #kernel: Int8Rows | null;

  private constructor(path: string, fd: number, header: TableHeader, keys: Uint32Array, scales: Float32Array) {
    this.#path = path;
    this.#fd = fd;
    this.#header = header;
    this.dimension = header.dimension;
    this.#keys = keys;
    this.#scales = scales;
    this.#rows = rowsOfKeys(keys, path);
    this.#kernel = header.precision === 'i8' && Int8Rows.supports(header.dimension) ? new Int8Rows(header.dimension) : null;
  }

  /**
   * Opens a table file, reading its header, keys and scales and checking its size.
   *
   * @example
   * const table = DiskVectorTable.open('.patmatch/vectors/abstracts.vt');
   */
  static open(path: string): DiskVectorTable {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PatmatchError(code === 'ENOENT' ? 'not_found' : 'invalid_input', `${path}: ${(error as Error).message}`);
    }
    try {
      const head = Buffer.alloc(headerBytes);
      readSync(fd, head, 0, headerBytes, 0);
      const header = readTableHeader(head, path);
      const columns = Buffer.alloc(header.count * 8);
      const read = readSync(fd, columns, 0, columns.length, headerBytes);
      const size = fstatSync(fd).size;
      if (read !== columns.length || size !== header.fileBytes) {
        throw new PatmatchError('invalid_input', `${path}: ${size} bytes, expected ${header.fileBytes} for ${header.count} vectors`);
      }
      const keys = new Uint32Array(columns.buffer, columns.byteOffset, header.count);
      const scales = new Float32Array(columns.buffer, columns.byteOffset + header.count * 4, header.count);
      return new DiskVectorTable(path, fd, header, keys, scales);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.#keys.length;
  }

  /** Bytes this table keeps in memory (keys, scales and the key → row map, roughly). */
  get residentBytes(): number {
    return this.size * (8 + 40);
  }

  /**
   * Cosine similarity of `query` with the vector of each key, in the order given; `NaN` for keys
   * without a vector.
   *
   * @example
   * table.dot(query, candidateKeys);
   */
  dot(query: Float32Array, keys: readonly number[]): Float32Array {
    const scores = new Float32Array(keys.length).fill(Number.NaN);
    const wanted: Array<{ row: number; index: number }> = [];
    keys.forEach((key, index) => {
      const row = this.#rows.get(key);
      if (row !== undefined) wanted.push({ row, index });
    });
    wanted.sort((a, b) => a.row - b.row);
    this.#score(
      prepareQuery(query, this.dimension),
      wanted.map((w) => w.row),
      (position, score) => (scores[wanted[position]!.index] = score),
    );
    return scores;
  }

  /**
   * The `k` vectors most similar to `query` by exact cosine, among `keys` when given, else among
   * all (one sequential pass). Best first, ties by ascending key.
   *
   * @example
   * table.nearest(query, 1000, allowedKeys);
   */
  nearest(query: Float32Array, k: number, keys?: readonly number[]): Neighbor[] {
    const top = new TopK(Math.max(0, Math.floor(k)));
    const rows = keys ? keys.flatMap((key) => this.#rows.get(key) ?? []).sort((a, b) => a - b) : null;
    this.#score(prepareQuery(query, this.dimension), rows, (position, score) =>
      top.push(this.#keys[rows ? rows[position]! : position]!, score),
    );
    return top.sorted();
  }

  /** How rows are stored (`VectorTable.fromRows` copies them as they are). */
  get precision(): VectorPrecision {
    return this.#header.precision;
  }

  /**
   * The stored rows of `keys` (keys without a vector are skipped), read from disk in runs, for
   * `VectorTable.fromRows`: a few thousand candidates then score in memory.
   *
   * @example
   * const subset = VectorTable.fromRows(table, table.rowsOf(newKeys));
   */
  *rowsOf(keys: readonly number[]): IterableIterator<StoredRow> {
    const wanted = keys.flatMap((key) => {
      const row = this.#rows.get(key);
      return row === undefined ? [] : [row];
    });
    wanted.sort((a, b) => a - b);
    const { dimension } = this;
    for (let start = 0; start < wanted.length; ) {
      let end = start;
      while (end + 1 < wanted.length && wanted[end + 1]! - wanted[start]! < scanRows) end++;
      const first = wanted[start]!;
      const { data } = this.#readRows(first, wanted[end]!);
      for (let i = start; i <= end; i++) {
        const offset = (wanted[i]! - first) * dimension;
        // A copy: the kernel's memory is reused by the next read.
        yield { key: this.#keys[wanted[i]!]!, data: data.slice(offset, offset + dimension), scale: this.#scales[wanted[i]!]! };
      }
      start = end + 1;
    }
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.#fd);
  }

  /**
   * Scores ascending `rows` (every row when null), reading runs of nearby rows in one call each,
   * and calls `visit` with each row's position in `rows` and its score.
   */
  #score(query: TableQuery, rows: readonly number[] | null, visit: (position: number, score: number) => void): void {
    const count = rows ? rows.length : this.size;
    let runStart = 0;
    while (runStart < count) {
      let runEnd = rows ? runStart : Math.min(count, runStart + scanRows) - 1;
      while (
        rows &&
        runEnd + 1 < count &&
        rows[runEnd + 1]! - rows[runEnd]! <= coalesceGap &&
        rows[runEnd + 1]! - rows[runStart]! < scanRows
      ) {
        runEnd++;
      }
      const first = rows ? rows[runStart]! : runStart;
      const matrix = this.#readRows(first, rows ? rows[runEnd]! : runEnd);
      const offsets = rows ? rows.slice(runStart, runEnd + 1).map((row) => row - first) : null;
      const scores = scoreRows(matrix, query, offsets, runEnd - runStart + 1, first);
      for (let i = 0; i < scores.length; i++) visit(runStart + i, scores[i]!);
      runStart = runEnd + 1;
    }
  }

  /** Rows `first`…`last` as a matrix (in the SIMD kernel's memory for i8 tables it supports). */
  #readRows(first: number, last: number): RowMatrix {
    const { dimension, elementBytes, dataOffset, precision } = this.#header;
    const rows = last - first + 1;
    this.#kernel?.reserve(rows);
    const bytes = this.#kernel
      ? Buffer.from(this.#kernel.data.buffer, 0, rows * dimension)
      : Buffer.alloc(rows * dimension * elementBytes);
    const read = readSync(this.#fd, bytes, 0, bytes.length, dataOffset + first * dimension * elementBytes);
    if (read !== bytes.length) throw new PatmatchError('invalid_input', `${this.#path}: file shrank while open`);
    const data =
      precision === 'f32'
        ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
        : new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    return { dimension, data, scales: this.#scales, kernel: this.#kernel };
  }
}
