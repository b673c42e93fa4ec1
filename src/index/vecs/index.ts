import { open } from 'node:fs/promises';
import { PatmatchError } from '../../domain/errors.js';
import { saveAtomically } from '../../util/atomic.js';

/** A row-major matrix read from or written to a TEXMEX `.fvecs` / `.ivecs` file. */
export interface VecsMatrix<T extends Float32Array | Int32Array> {
  count: number;
  dimension: number;
  /** `count × dimension` values, row after row. */
  data: T;
}

type ElementArray = Float32ArrayConstructor | Int32ArrayConstructor;

const rowsPerChunk = 16_384;

/**
 * Reads a TEXMEX `.fvecs` file (each row: int32 dimension, then that many little-endian float32).
 * Every row must have the same dimension; `limit` keeps only the first rows.
 *
 * @example
 * const { count, dimension, data } = await readFvecs('base.fvecs');
 */
export function readFvecs(path: string, options: { limit?: number } = {}): Promise<VecsMatrix<Float32Array>> {
  return readVecs(path, Float32Array, options.limit);
}

/**
 * Reads a TEXMEX `.ivecs` file (each row: int32 dimension, then that many int32), e.g. neighbour ids.
 *
 * @example
 * const truth = await readIvecs('groundtruth.ivecs'); // truth.data[q * truth.dimension + i]
 */
export function readIvecs(path: string, options: { limit?: number } = {}): Promise<VecsMatrix<Int32Array>> {
  return readVecs(path, Int32Array, options.limit);
}

/**
 * Writes a `.fvecs` file atomically (temporary file, fsync, rename).
 *
 * @example
 * await writeFvecs('queries.fvecs', { count: 2, dimension: 3, data: new Float32Array(6) });
 */
export function writeFvecs(path: string, matrix: VecsMatrix<Float32Array>): Promise<void> {
  return writeVecs(path, matrix);
}

/**
 * Writes an `.ivecs` file atomically, e.g. the result ids of a benchmark run.
 *
 * @example
 * await writeIvecs('results.ivecs', { count: 1, dimension: 2, data: Int32Array.of(7, 3) });
 */
export function writeIvecs(path: string, matrix: VecsMatrix<Int32Array>): Promise<void> {
  return writeVecs(path, matrix);
}

async function readVecs<C extends ElementArray>(
  path: string,
  Element: C,
  limit = Number.POSITIVE_INFINITY,
): Promise<VecsMatrix<InstanceType<C>>> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new PatmatchError(error.code === 'ENOENT' ? 'not_found' : 'invalid_input', `${path}: ${error.message}`);
  });
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(4);
    if (size < 4 || (await handle.read(head, 0, 4, 0)).bytesRead !== 4) {
      throw new PatmatchError('invalid_input', `${path}: empty file, expected vectors`);
    }
    const dimension = head.readInt32LE(0);
    const rowBytes = 4 + 4 * dimension;
    if (dimension <= 0 || dimension > 65_536 || size % rowBytes !== 0) {
      throw new PatmatchError(
        'invalid_input',
        `${path}: first row declares dimension ${dimension}, which does not divide the file size ${size} into rows`,
      );
    }
    const count = Math.min(size / rowBytes, limit);
    const data = new Element(count * dimension) as InstanceType<C>;
    const target = new Uint8Array(data.buffer);
    const chunk = Buffer.alloc(rowBytes * Math.min(rowsPerChunk, Math.max(count, 1)));
    for (let first = 0; first < count; first += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, count - first);
      await handle.read(chunk, 0, rows * rowBytes, first * rowBytes);
      for (let row = 0; row < rows; row++) {
        const declared = chunk.readInt32LE(row * rowBytes);
        if (declared !== dimension) {
          throw new PatmatchError(
            'invalid_input',
            `${path}: row ${first + row} declares dimension ${declared}, expected ${dimension}`,
          );
        }
        const start = row * rowBytes + 4;
        target.set(chunk.subarray(start, start + rowBytes - 4), (first + row) * (rowBytes - 4));
      }
    }
    return { count, dimension, data };
  } finally {
    await handle.close();
  }
}

async function writeVecs(path: string, { count, dimension, data }: VecsMatrix<Float32Array | Int32Array>): Promise<void> {
  if (!Number.isInteger(dimension) || dimension <= 0 || data.length !== count * dimension) {
    throw new PatmatchError(
      'invalid_input',
      `${path}: ${data.length} values do not make ${count} rows of dimension ${dimension}`,
    );
  }
  const rowBytes = 4 + 4 * dimension;
  const source = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  await saveAtomically(path, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      const chunk = Buffer.alloc(rowBytes * Math.min(rowsPerChunk, Math.max(count, 1)));
      for (let first = 0; first < count; first += rowsPerChunk) {
        const rows = Math.min(rowsPerChunk, count - first);
        for (let row = 0; row < rows; row++) {
          chunk.writeInt32LE(dimension, row * rowBytes);
          const start = (first + row) * (rowBytes - 4);
          chunk.set(source.subarray(start, start + rowBytes - 4), row * rowBytes + 4);
        }
        await handle.write(chunk, 0, rows * rowBytes);
      }
    } finally {
      await handle.close();
    }
  });
}
