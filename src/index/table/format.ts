import { PatmatchError } from '../../domain/errors.js';
import type { Int8Rows } from '../kernel/index.js';
import { assertIndexable, normalizeInPlace } from '../vector.js';

/**
 * How a table stores its vectors. `i8`: one signed byte per component plus a float32 scale per
 * vector (maximum |component| / 127), a quarter of `f32`; on 256-dimensional clustered unit vectors
 * the cosine is off by 3e-4 on average and 2.5e-3 at most. `f32`: exact, for ground truth and small sets.
 */
export type VectorPrecision = 'f32' | 'i8';

const magic = 0x54564d50; // "PMVT" little-endian
const version = 1;
/** File layout: header, then `count` uint32 keys, `count` float32 scales, then the row-major data. */
export const headerBytes = 32;
export const precisionCodes: Record<VectorPrecision, number> = { f32: 1, i8: 2 };

/** What the header of a vector-table file says. */
export interface TableHeader {
  precision: VectorPrecision;
  dimension: number;
  count: number;
  /** Bytes per stored component. */
  elementBytes: number;
  /** Where the row-major data starts. */
  dataOffset: number;
  /** Size the whole file must have. */
  fileBytes: number;
}

/** Parses and checks the first `headerBytes` of a table file. */
export function readTableHeader(bytes: Buffer, path: string): TableHeader {
  const invalid = (reason: string) => new PatmatchError('invalid_input', `${path}: ${reason}`);
  if (bytes.length < headerBytes || bytes.readUInt32LE(0) !== magic) throw invalid('not a patmatch vector table');
  if (bytes.readUInt32LE(4) !== version) throw invalid(`unsupported version ${bytes.readUInt32LE(4)}`);
  const code = bytes.readUInt32LE(8);
  const precision = (Object.keys(precisionCodes) as VectorPrecision[]).find((name) => precisionCodes[name] === code);
  const dimension = bytes.readUInt32LE(12);
  const count = bytes.readUInt32LE(16);
  if (!precision || dimension === 0) throw invalid('header names no valid precision and dimension');
  const elementBytes = precision === 'f32' ? 4 : 1;
  const dataOffset = headerBytes + count * 8;
  return { precision, dimension, count, elementBytes, dataOffset, fileBytes: dataOffset + count * dimension * elementBytes };
}

/** The header of a table of `count` vectors. */
export function writeTableHeader(header: Pick<TableHeader, 'precision' | 'dimension' | 'count'>): Buffer {
  const bytes = Buffer.alloc(headerBytes);
  bytes.writeUInt32LE(magic, 0);
  bytes.writeUInt32LE(version, 4);
  bytes.writeUInt32LE(precisionCodes[header.precision], 8);
  bytes.writeUInt32LE(header.dimension, 12);
  bytes.writeUInt32LE(header.count, 16);
  return bytes;
}

/** key → row of a loaded key column, refusing duplicates (a corrupt or hand-edited file). */
export function rowsOfKeys(keys: Uint32Array, path: string): Map<number, number> {
  const rows = new Map<number, number>();
  for (let row = 0; row < keys.length; row++) {
    if (rows.has(keys[row]!)) throw new PatmatchError('invalid_input', `${path}: key ${keys[row]} appears twice`);
    rows.set(keys[row]!, row);
  }
  return rows;
}

/**
 * A query ready to score rows: unit length, and as 16-bit integers for the SIMD kernel (fine enough
 * that the scores' error is the stored rows' own).
 */
export interface TableQuery {
  unit: Float32Array;
  int16: Int16Array;
  /** `unit ≈ int16 × int16Scale`. */
  int16Scale: number;
}

/** Checks a query vector and prepares it for scoring (unit-length copy and its i16 quantization). */
export function prepareQuery(query: Float32Array, dimension: number): TableQuery {
  assertIndexable(query, dimension, 'query');
  const unit = Float32Array.from(query);
  normalizeInPlace(unit);
  let max = 0;
  for (let i = 0; i < unit.length; i++) max = Math.max(max, Math.abs(unit[i]!));
  // The kernel sums dimension × |i8 ≤ 128| × |query| in 32 bits; cap the query range so no sum can overflow.
  const limit = Math.min(32_767, Math.floor((2 ** 31 - 1) / (dimension * 128)));
  const toInt16 = max === 0 ? 0 : limit / max;
  const int16 = new Int16Array(unit.length);
  for (let i = 0; i < unit.length; i++) int16[i] = Math.round(unit[i]! * toInt16);
  return { unit, int16, int16Scale: max / limit };
}

/** Rows to score: the data (row-major), a scale per row, and the SIMD kernel holding `data` when there is one. */
export interface RowMatrix {
  dimension: number;
  data: Float32Array | Int8Array;
  scales: Float32Array;
  kernel: Int8Rows | null;
}

/**
 * Cosine of a prepared query with `count` rows of `matrix` (`rows[i]`, or row i when null). The
 * kernel scores i8 rows against the i16 query; without one, a JavaScript loop scores against the
 * float query. `firstScale` is the scale index of data row 0 (a chunk read from disk). The scores
 * go into `into` when given (`count` values), else into a new array.
 *
 * @example
 * scoreRows(matrix, prepareQuery(q, 256), candidateRows, candidateRows.length);
 */
export function scoreRows(
  matrix: RowMatrix,
  query: TableQuery,
  rows: ArrayLike<number> | null,
  count: number,
  firstScale = 0,
  into?: Float32Array,
): Float32Array {
  if (into && into.length !== count) throw new PatmatchError('invalid_input', `scoreRows: into holds ${into.length} values, not ${count}`);
  const scores = into ?? new Float32Array(count);
  const { data, scales, kernel, dimension } = matrix;
  if (kernel) {
    const sums = kernel.dots(query.int16, rows, count);
    for (let i = 0; i < count; i++) scores[i] = sums[i]! * query.int16Scale * scales[firstScale + (rows ? rows[i]! : i)]!;
    return scores;
  }
  const i8 = data instanceof Int8Array;
  for (let i = 0; i < count; i++) {
    const row = rows ? rows[i]! : i;
    scores[i] = scoreRow(data, row * dimension, query.unit) * (i8 ? scales[firstScale + row]! : 1);
  }
  return scores;
}

/** Dot product of a unit query with the stored row starting at `start` (unscaled). */
function scoreRow(data: Float32Array | Int8Array, start: number, unit: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < unit.length; i++) sum += data[start + i]! * unit[i]!;
  return sum;
}
