import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import { HnswIndex } from '../hnsw/index.js';
import { DiskVectorTable, VectorTable } from '../table/index.js';
import type { Neighbor } from '../types.js';
import { zeroMissing } from '../vector.js';
import type { DenseVectors, VectorsManifest } from './types.js';
import { readManifest, vectorFiles } from './manifest.js';

export type { DenseVectors, VectorsManifest } from './types.js';
export { buildVectors, stageOneText, type VectorsBuildOptions, type VectorsBuildReport } from './build.js';
export { readManifest, readManifestToRebuild, vectorFiles } from './manifest.js';

/**
 * Below this many allowed patents a filtered search scores them all exactly; above it, the ANN
 * result is over-fetched and filtered, which is faster and loses little when the filter is broad.
 */
export const EXACT_FILTER_LIMIT = 50_000;

/**
 * Up to this many patents, stage 1 scans every abstract vector exactly (the SIMD kernel of
 * `index/kernel`, about 5 ms at 100k on one core) instead of searching the graph, which costs more
 * than that at efSearch 2500 and found 0.976 of the exact top 1000 on 100k real vectors. The
 * abstract table (25 MB at 100k) is then kept in memory.
 */
export const EXACT_SCAN_LIMIT = 100_000;

/** Options of `openVectors`. */
export interface OpenVectorsOptions {
  /** HNSW efSearch: higher finds more of the exact top K, slower (default `defaultHnswOptions.expansionSearch`). */
  efSearch: number;
  /** Scan exactly instead of searching the graph up to this many vectors (default `EXACT_SCAN_LIMIT`; 0 = always the graph). */
  exactScanLimit: number;
}

/**
 * Opens the vectors built by `patmatch index`: the HNSW graph memory-mapped, the title table in
 * memory (read for every search), the abstract table on disk (read only for filtered and hybrid
 * searches), which keeps 1.6M patents under 2 GB. Up to `exactScanLimit` patents the abstract table
 * is loaded instead and stage 1 is an exact scan.
 *
 * @example
 * const vectors = await openVectors('.patmatch/vectors');
 * vectors.searchAbstracts(query, 1000, null);
 */
export async function openVectors(dir: string, options: Partial<OpenVectorsOptions> = {}): Promise<DenseVectors> {
  const manifest = await readManifest(dir);
  if (!manifest) throw new PatmatchError('not_ready', `No vectors in ${dir}: run \`patmatch index\` with a model`);
  const abstractPath = join(dir, vectorFiles.abstractTable);
  const titles = await VectorTable.load(join(dir, vectorFiles.titleTable));
  const onDisk = DiskVectorTable.open(abstractPath);
  if (onDisk.size <= (options.exactScanLimit ?? EXACT_SCAN_LIMIT)) {
    onDisk.close();
    return vectorsInMemory(manifest, titles, await VectorTable.load(abstractPath));
  }
  const graphPath = join(dir, vectorFiles.abstractGraph);
  const [graph, graphFile] = await Promise.all([
    HnswIndex.open(graphPath, { mmap: true, ...(options.efSearch !== undefined && { expansionSearch: options.efSearch }) }),
    stat(graphPath),
  ]).catch((error: unknown) => {
    onDisk.close();
    throw error;
  });
  return {
    manifest,
    memoryBytes: graphFile.size + titles.byteLength + onDisk.residentBytes,
    searchAbstracts(query, k, allowed) {
      if (!allowed) return graph.search(query, k);
      if (allowed.size <= EXACT_FILTER_LIMIT) return onDisk.nearest(query, k, [...allowed]);
      return overFetch(graph, query, k, allowed);
    },
    titleScores: (query, keys) => zeroMissing(titles.dot(query, keys)),
    abstractScores: (query, keys) => zeroMissing(onDisk.dot(query, keys)),
    select: (keys) => ({ titles: titles.select(keys), abstracts: VectorTable.fromRows(onDisk, onDisk.rowsOf(keys)) }),
    close: () => onDisk.close(),
  };
}

/**
 * Dense vectors held in two in-memory tables, searched by exact scan: small homes, and the
 * evaluation's throw-away indexes.
 *
 * @example
 * const vectors = vectorsInMemory(manifest, titles, abstracts);
 */
export function vectorsInMemory(manifest: VectorsManifest, titles: VectorTable, abstracts: VectorTable): DenseVectors {
  return {
    manifest,
    memoryBytes: titles.byteLength + abstracts.byteLength,
    searchAbstracts: (query, k, allowed) => abstracts.best(query, k, allowed ? [...allowed] : undefined),
    titleScores: (query, keys) => zeroMissing(titles.dot(query, keys)),
    abstractScores: (query, keys) => zeroMissing(abstracts.dot(query, keys)),
    select: (keys) => ({ titles: titles.select(keys), abstracts: abstracts.select(keys) }),
    close: () => {},
  };
}

function overFetch(graph: HnswIndex, query: Float32Array, k: number, allowed: ReadonlySet<number>): Neighbor[] {
  let fetch = k * 4;
  for (;;) {
    const hits = graph.search(query, fetch).filter((n) => allowed.has(n.key));
    if (hits.length >= k || fetch >= graph.size) return hits.slice(0, k);
    fetch = Math.min(graph.size, fetch * 4);
  }
}

