import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { PatmatchError } from '../../domain/errors.js';
import { TopK } from '../top-k.js';
import type { Neighbor } from '../types.js';
import { readTableHeader, rowsOfKeys, scoreRow, unitQuery, headerBytes, type TableHeader } from './format.js';

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

  private constructor(path: string, fd: number, header: TableHeader, keys: Uint32Array, scales: Float32Array) {
    this.#path = path;
    this.#fd = fd;
    this.#header = header;
    this.dimension = header.dimension;
    this.#keys = keys;
    this.#scales = scales;
    this.#rows = rowsOfKeys(keys, path);
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
    const unit = unitQuery(query, this.dimension);
    const scores = new Float32Array(keys.length).fill(Number.NaN);
    const wanted: Array<{ row: number; index: number }> = [];
    keys.forEach((key, index) => {
      const row = this.#rows.get(key);
      if (row !== undefined) wanted.push({ row, index });
    });
    wanted.sort((a, b) => a.row - b.row);
    this.#readRuns(
      wanted.map((w) => w.row),
      (position, row, data, start) => (scores[wanted[position]!.index] = this.#score(row, data, start, unit)),
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
    const unit = unitQuery(query, this.dimension);
    const top = new TopK(Math.max(0, Math.floor(k)));
    const rows = keys
      ? keys.flatMap((key) => (this.#rows.has(key) ? [this.#rows.get(key)!] : [])).sort((a, b) => a - b)
      : null;
    if (rows) {
      this.#readRuns(rows, (_, row, data, start) => top.push(this.#keys[row]!, this.#score(row, data, start, unit)));
    } else {
      for (let first = 0; first < this.size; first += scanRows) {
        const last = Math.min(this.size, first + scanRows) - 1;
        const data = this.#readRows(first, last);
        for (let row = first; row <= last; row++) {
          top.push(this.#keys[row]!, this.#score(row, data, (row - first) * this.dimension, unit));
        }
      }
    }
    return top.sorted();
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.#fd);
  }

  /** Reads ascending `rows` in runs of nearby rows and calls `visit` for each with its data. */
  #readRuns(
    rows: readonly number[],
    visit: (position: number, row: number, data: Float32Array | Int8Array, start: number) => void,
  ): void {
    let runStart = 0;
    while (runStart < rows.length) {
      let runEnd = runStart;
      while (
        runEnd + 1 < rows.length &&
        rows[runEnd + 1]! - rows[runEnd]! <= coalesceGap &&
        rows[runEnd + 1]! - rows[runStart]! < scanRows
      ) {
        runEnd++;
      }
      const first = rows[runStart]!;
      const data = this.#readRows(first, rows[runEnd]!);
      for (let position = runStart; position <= runEnd; position++) {
        visit(position, rows[position]!, data, (rows[position]! - first) * this.dimension);
      }
      runStart = runEnd + 1;
    }
  }

  #readRows(first: number, last: number): Float32Array | Int8Array {
    const { dimension, elementBytes, dataOffset, precision } = this.#header;
    const bytes = Buffer.alloc((last - first + 1) * dimension * elementBytes);
    const read = readSync(this.#fd, bytes, 0, bytes.length, dataOffset + first * dimension * elementBytes);
    if (read !== bytes.length) throw new PatmatchError('invalid_input', `${this.#path}: file shrank while open`);
    return precision === 'f32'
      ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
      : new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  #score(row: number, data: Float32Array | Int8Array, start: number, unit: Float32Array): number {
    return scoreRow(data, start, unit, this.#header.precision === 'i8' ? this.#scales[row]! : 1);
  }
}
