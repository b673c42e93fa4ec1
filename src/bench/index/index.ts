import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import { ExactIndex } from '../../index/exact/index.js';
import { HnswIndex, defaultHnswOptions, type HnswOptions } from '../../index/hnsw/index.js';
import { readFvecs, readIvecs, writeFvecs, writeIvecs, type VecsMatrix } from '../../index/vecs/index.js';
import { generateClusteredVectors } from './synthetic.js';

/** Options of `runIndexBench`; the files are TEXMEX `.fvecs` / `.ivecs` (ids = row numbers). */
export interface IndexBenchOptions {
  base: string;
  queries: string;
  k: number;
  /** Ground-truth neighbour ids (at least `k` per query); when absent, exact search on a sample. */
  groundTruth?: string;
  /** Index file to reuse when it exists, else to build and keep (a temporary file when absent). */
  indexPath?: string;
  /** Where to write the result ids, one row of `k` per query (−1 pads short rows). */
  out?: string;
  /** Queries whose exact neighbours are computed when there is no ground-truth file. */
  recallQueries: number;
  index: Omit<HnswOptions, 'dimension'>;
  /** efSearch values to measure one after the other on the same build; default `index.expansionSearch`. */
  sweep?: number[];
  onProgress?: (stage: 'build' | 'search' | 'exact', done: number, total: number) => void;
}

/** What `bench index` prints. Times are wall clock on this machine. */
export interface IndexBenchReport {
  n: number;
  dim: number;
  k: number;
  queries: number;
  /** `null` when an existing `indexPath` was reused. */
  buildSeconds: number | null;
  buildVectorsPerSecond: number | null;
  /** Time to open the saved index memory-mapped. */
  loadSeconds: number;
  searchP50Ms: number;
  searchP99Ms: number;
  /** Size of the saved index, which is what it takes in memory once paged in. */
  memoryBytes: number;
  /** Mean recall@k against the ground truth, over `recallQueries` queries. */
  recall: number;
  recallQueries: number;
  index: Omit<HnswOptions, 'dimension'>;
}

/** Defaults of `runIndexBench`. */
export const defaultIndexBenchOptions = { k: 1000, recallQueries: 100, index: defaultHnswOptions };

/**
 * Builds the HNSW index over `base`, saves it, reopens it memory-mapped, times one query at a time
 * and measures recall@k, once per efSearch in `sweep` — the figures to hold against Faiss on the same files
 * (`scripts/faiss-bench.py`).
 *
 * @example
 * const [report] = await runIndexBench({ base: 'b.fvecs', queries: 'q.fvecs' });
 * report.recall; // 0.995
 */
export async function runIndexBench(
  options: Partial<IndexBenchOptions> & Pick<IndexBenchOptions, 'base' | 'queries'>,
): Promise<IndexBenchReport[]> {
  const settings = { ...defaultIndexBenchOptions, ...options, index: { ...defaultHnswOptions, ...options.index } };
  const { k, onProgress } = settings;
  if (!Number.isInteger(k) || k <= 0) throw new PatmatchError('invalid_input', `--k ${k}: must be a positive integer`);
  const base = await readFvecs(settings.base);
  const queries = await readFvecs(settings.queries);
  if (queries.dimension !== base.dimension) {
    throw new PatmatchError(
      'invalid_input',
      `${settings.queries}: dimension ${queries.dimension} differs from ${settings.base} (${base.dimension})`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'patmatch-bench-'));
  try {
    const path = settings.indexPath ?? join(dir, 'bench.usearch');
    const buildSeconds = (await exists(path)) ? null : await buildAndSave(base, path, settings.index, onProgress);
    const memoryBytes = (await stat(path)).size;
    const truth = settings.groundTruth
      ? await readGroundTruth(settings.groundTruth, queries.count, k)
      : exactGroundTruth(base, queries, k, Math.min(settings.recallQueries, queries.count), onProgress);
    const reports: IndexBenchReport[] = [];
    for (const expansionSearch of settings.sweep ?? [settings.index.expansionSearch]) {
      const run = await searchAll(path, queries, k, expansionSearch, onProgress);
      if (settings.out) await writeIvecs(settings.out, { count: queries.count, dimension: k, data: run.results });
      reports.push({
        n: base.count,
        dim: base.dimension,
        k,
        queries: queries.count,
        buildSeconds: buildSeconds === null ? null : round(buildSeconds, 2),
        buildVectorsPerSecond: buildSeconds === null ? null : Math.round(base.count / buildSeconds),
        loadSeconds: round(run.loadSeconds, 3),
        searchP50Ms: round(percentile(run.latencies, 0.5), 3),
        searchP99Ms: round(percentile(run.latencies, 0.99), 3),
        memoryBytes,
        recall: round(meanRecall(run.results, truth, k), 4),
        recallQueries: truth.count,
        index: { ...settings.index, expansionSearch },
      });
    }
    return reports;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds the index over every base vector (ids = row numbers), saves it and returns the build seconds. */
async function buildAndSave(
  base: VecsMatrix<Float32Array>,
  path: string,
  options: Omit<HnswOptions, 'dimension'>,
  onProgress: IndexBenchOptions['onProgress'],
): Promise<number> {
  const started = performance.now();
  const index = HnswIndex.create({ ...options, dimension: base.dimension });
  const ids = Uint32Array.from({ length: base.count }, (_, i) => i);
  index.addMatrix(ids, base.data, (done, total) => onProgress?.('build', done, total));
  const seconds = (performance.now() - started) / 1000;
  await index.save(path);
  return seconds;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Opens the saved index memory-mapped and searches every query, one at a time. */
async function searchAll(
  path: string,
  queries: VecsMatrix<Float32Array>,
  k: number,
  expansionSearch: number,
  onProgress: IndexBenchOptions['onProgress'],
): Promise<{ loadSeconds: number; latencies: number[]; results: Int32Array }> {
  const opening = performance.now();
  const index = await HnswIndex.open(path, { mmap: true, expansionSearch });
  const loadSeconds = (performance.now() - opening) / 1000;
  const results = new Int32Array(queries.count * k).fill(-1);
  const latencies: number[] = [];
  for (let q = 0; q < queries.count; q++) {
    const query = row(queries, q);
    const begin = performance.now();
    const hits = index.search(query, k);
    latencies.push(performance.now() - begin);
    hits.forEach((hit, i) => (results[q * k + i] = hit.key));
    onProgress?.('search', q + 1, queries.count);
  }
  return { loadSeconds, latencies, results };
}

/** Options of `generateBenchFiles`. */
export interface GenerateBenchFilesOptions {
  base: string;
  queries: string;
  count: number;
  queryCount: number;
  dimension: number;
  seed: number;
}

/**
 * Writes seeded clustered base and query vectors (same cluster centres, different points) as
 * `.fvecs`, so both indexes under comparison read the very same files.
 *
 * @example
 * await generateBenchFiles({ base: 'b.fvecs', queries: 'q.fvecs', count: 200_000, queryCount: 200, dimension: 256, seed: 1 });
 */
export async function generateBenchFiles(options: GenerateBenchFilesOptions): Promise<void> {
  const { count, queryCount, dimension, seed } = options;
  for (const [name, value] of Object.entries({ count, queryCount, dimension, seed })) {
    if (!Number.isInteger(value) || value <= 0) throw new PatmatchError('invalid_input', `${name} ${value}: must be a positive integer`);
  }
  const matrix = (rows: number, stream: number): VecsMatrix<Float32Array> => ({
    count: rows,
    dimension,
    data: generateClusteredVectors({ count: rows, dimension, seed, stream }),
  });
  await writeFvecs(options.base, matrix(count, 0));
  await writeFvecs(options.queries, matrix(queryCount, 1));
}

/** Ground truth as one row of `k` ids per query. */
interface Truth {
  count: number;
  ids: Int32Array;
}

async function readGroundTruth(path: string, queryCount: number, k: number): Promise<Truth> {
  const truth = await readIvecs(path);
  if (truth.dimension < k || truth.count > queryCount) {
    throw new PatmatchError(
      'invalid_input',
      `${path}: ${truth.count} rows of ${truth.dimension} ids, need at most ${queryCount} rows of at least ${k}`,
    );
  }
  const ids = new Int32Array(truth.count * k);
  for (let q = 0; q < truth.count; q++) ids.set(truth.data.subarray(q * truth.dimension, q * truth.dimension + k), q * k);
  return { count: truth.count, ids };
}

function exactGroundTruth(
  base: VecsMatrix<Float32Array>,
  queries: VecsMatrix<Float32Array>,
  k: number,
  count: number,
  onProgress: IndexBenchOptions['onProgress'],
): Truth {
  const exact = new ExactIndex(base.dimension);
  for (let i = 0; i < base.count; i++) exact.add([i], [row(base, i)]);
  const ids = new Int32Array(count * k).fill(-1);
  for (let q = 0; q < count; q++) {
    exact.search(row(queries, q), k).forEach((hit, i) => (ids[q * k + i] = hit.key));
    onProgress?.('exact', q + 1, count);
  }
  return { count, ids };
}

function meanRecall(results: Int32Array, truth: Truth, k: number): number {
  let total = 0;
  for (let q = 0; q < truth.count; q++) {
    const expected = truth.ids.subarray(q * k, (q + 1) * k).filter((id) => id >= 0);
    const found = new Set(results.subarray(q * k, (q + 1) * k));
    total += expected.length === 0 ? 1 : expected.filter((id) => found.has(id)).length / expected.length;
  }
  return truth.count === 0 ? 1 : total / truth.count;
}

function row(matrix: VecsMatrix<Float32Array>, i: number): Float32Array {
  return matrix.data.subarray(i * matrix.dimension, (i + 1) * matrix.dimension);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
