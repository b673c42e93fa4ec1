import { existsSync } from 'node:fs';
import { mkdtemp, rm, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patent, SearchHit, SearchMode } from '../../domain/index.js';
import { PatmatchError } from '../../domain/errors.js';
import type { Embedder } from '../../embed/types.js';
import { loadEmbedder } from '../../embed/index.js';
import { buildIndexes } from '../../index/build/index.js';
import { openLexicalIndex } from '../../index/lexical/index.js';
import { topOfScores } from '../../index/top-k.js';
import { openVectors, readManifest, stageOneText } from '../../index/vectors/index.js';
import { createSearchEngine } from '../../search/engine.js';
import { createExplainer } from '../../search/explain/index.js';
import { homeLayout } from '../../store/home.js';
import { openStore, type PatentStore } from '../../store/index.js';
import { createRecombiner } from './corpus.js';

/** Options of `runSearchBench`. */
export interface SearchBenchOptions {
  /** Size of the recombined corpus. */
  docs: number;
  /** Queries timed per mode. */
  queries: number;
  /** Queries whose stage-1 recall against exact search is measured (exact search is slow at 1.6M). */
  recallQueries: number;
  /** Embedder spec; default: the trained model of the source home. Without one only lexical is measured. */
  embedder?: string;
  /** Where to build the corpus; default a temporary folder, removed afterwards. */
  workDir?: string;
  /** Also build the BM25 index (slow at millions of patents: morphological analysis of every abstract). */
  lexical: boolean;
  /** Stage 1 scans exactly up to this many patents, as `serve` does (default `EXACT_SCAN_LIMIT`); 0 measures the HNSW graph at any size. */
  exactScanLimit?: number;
  /** HNSW efSearch of stage 1 (default as `serve`). */
  efSearch?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

const defaults: SearchBenchOptions = { docs: 100_000, queries: 200, recallQueries: 50, lexical: true };

/** Latency figures of one mode, excluding query embedding. */
export interface ModeLatency {
  p50Ms: number;
  p99Ms: number;
}

/** What `patmatch bench search --json` prints. */
export interface SearchBenchReport {
  docs: number;
  model: string | null;
  /** Null when a kept `--work-dir` already held the corpus. */
  ingestDocsPerSecond: number | null;
  lexicalDocsPerSecond: number | null;
  embedTextsPerSecond: number | null;
  indexVectorsPerSecond: number | null;
  queryEmbedP50Ms: number | null;
  search: Partial<Record<SearchMode, ModeLatency>>;
  /**
   * Explaining a page of 10 hits (sentence split, sentence embedding or overlap, term positions) in
   * the first timed mode (seed, or lexical without a model), query embedding excluded; already
   * part of the `search` figures.
   */
  explainP50Ms: number | null;
  explainP99Ms: number | null;
  stage1RecallAt1000: number | null;
  indexBytes: { lexical: number; vectors: number };
  /** Memory of the open dense index (memory-mapped graph and in-memory tables); the figure held to 2 GB. */
  indexMemoryBytes: number | null;
  peakRssBytes: number;
}

/**
 * Builds a corpus of `docs` patents by recombining the ones ingested in `sourceHome`, indexes it,
 * then times searches of real titles in every mode (query embedding excluded: queries are embedded
 * beforehand) and measures stage-1 recall@1000 of the ANN index against exact search.
 *
 * @example
 * const report = await runSearchBench('.patmatch', { docs: 100_000 });
 * report.search.seed?.p50Ms // e.g. 4.2
 */
export async function runSearchBench(
  sourceHome: string,
  options: Partial<SearchBenchOptions> = {},
): Promise<SearchBenchReport> {
  const settings = { ...defaults, ...options };
  const real = loadRealPatents(sourceHome);
  const embedderSpec = settings.embedder ?? defaultEmbedder(sourceHome);
  const workDir = settings.workDir ?? (await mkdtemp(join(tmpdir(), 'patmatch-bench-')));
  try {
    const ingestDocsPerSecond = ingestCorpus(workDir, real, settings);
    const built = await buildIndexes(workDir, {
      embedder: embedderSpec,
      lexical: settings.lexical,
      onProgress: (stage, done, total) => settings.onProgress?.(stage, done, total),
    });
    const layout = homeLayout(workDir);
    const queries = pickQueries(real, settings.queries);
    const store = openStore(workDir);
    const lexical = await openLexicalIndex(layout.lexical);
    const manifest = await readManifest(layout.vectors);
    const vectors = manifest
      ? await openVectors(layout.vectors, {
          ...(settings.exactScanLimit !== undefined && { exactScanLimit: settings.exactScanLimit }),
          ...(settings.efSearch !== undefined && { efSearch: settings.efSearch }),
        })
      : null;
    const embedder = manifest ? await loadEmbedder(manifest.embedder) : null;
    try {
      const cached = embedder ? await precomputeQueries(embedder, queries) : null;
      const engine = createSearchEngine({
        store,
        lexical,
        dense: cached && vectors ? { embedder: cached.embedder, vectors } : null,
      });
      const modes: SearchMode[] = vectors ? ['seed', 'dense', 'hybrid', 'lexical'] : ['lexical'];
      const search: Partial<Record<SearchMode, ModeLatency>> = {};
      for (const mode of modes) {
        if (mode !== 'seed' && mode !== 'dense' && !settings.lexical) continue;
        search[mode] = await timeSearches(queries, (q) => engine.search(q, { mode, top: 10 }));
      }
      const explain = await timeExplanations(queries, modes[0]!, engine, createExplainer({ analyzer: lexical.analyzer, embedder: cached?.embedder ?? null, lexicon: null }));
      return {
        docs: settings.docs,
        model: manifest?.model ?? null,
        ingestDocsPerSecond,
        lexicalDocsPerSecond: built.lexical.indexed > 0 ? built.lexical.indexed / built.lexical.seconds : null,
        embedTextsPerSecond: built.vectors ? built.vectors.textsEmbedded / built.vectors.embedSeconds : null,
        indexVectorsPerSecond: built.vectors ? built.vectors.embedded / built.vectors.indexSeconds : null,
        queryEmbedP50Ms: cached?.embedP50Ms ?? null,
        search,
        explainP50Ms: explain.p50Ms,
        explainP99Ms: explain.p99Ms,
        stage1RecallAt1000:
          vectors && cached
            ? await stage1Recall(vectors, store, embedder!, queries.slice(0, settings.recallQueries), cached)
            : null,
        indexBytes: { lexical: await sizeOf(layout.lexical), vectors: await sizeOf(layout.vectors) },
        indexMemoryBytes: vectors?.memoryBytes ?? null,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      };
    } finally {
      vectors?.close();
      await embedder?.close();
      lexical.close();
      store.close();
    }
  } finally {
    if (!settings.workDir) await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The ingested patents with an abstract of a home: what benchmark corpora are recombined from.
 *
 * @example
 * const real = loadRealPatents('.patmatch'); // 2,308 patents of the shared data
 */
export function loadRealPatents(home: string): Patent[] {
  const store = openStore(home);
  try {
    const real = [...store.iterate()].flat().filter((p) => p.abstract.length > 0);
    if (real.length === 0) {
      throw new PatmatchError('not_ready', `No patents with abstracts in ${home}: run \`patmatch ingest\` first`);
    }
    return real;
  } finally {
    store.close();
  }
}

/**
 * The embedder spec of a home's trained model, or undefined without one.
 *
 * @example
 * defaultEmbedder('.patmatch') // 'static:.patmatch/models/default'
 */
export function defaultEmbedder(home: string): string | undefined {
  const model = homeLayout(home).defaultModel;
  return existsSync(model) ? `static:${model}` : undefined;
}

/**
 * Ingests the first `docs` recombined patents into `workDir` and returns patents per second, or null
 * when it already holds exactly this corpus.
 *
 * @example
 * ingestCorpus('/tmp/bench', loadRealPatents('.patmatch'), { docs: 100_000 })
 */
export function ingestCorpus(workDir: string, real: readonly Patent[], settings: Pick<SearchBenchOptions, 'docs' | 'onProgress'>): number | null {
  const store = openStore(workDir);
  const started = performance.now();
  const batchSize = 5000;
  const recombine = createRecombiner(real);
  try {
    if (holdsCorpus(store, recombine, settings.docs)) return null;
    // A real home given as --work-dir would get synthetic patents mixed into its store.
    const foreign = store.db.prepare(`SELECT source FROM patents WHERE source <> 'bench' LIMIT 1`).get() as { source: string } | undefined;
    if (foreign) {
      throw new PatmatchError('invalid_input', `--work-dir ${workDir}: holds patents of its own (from ${foreign.source}), not a benchmark corpus; name a new folder`);
    }
    for (let start = 0; start < settings.docs; start += batchSize) {
      const batch: Patent[] = [];
      for (let i = start; i < Math.min(settings.docs, start + batchSize); i++) batch.push(recombine(i));
      store.upsertPatents(batch, 'bench');
      settings.onProgress?.('ingest', start + batch.length, settings.docs);
    }
  } finally {
    store.close();
  }
  return settings.docs / ((performance.now() - started) / 1000);
}

/** Whether the store has `docs` patents ending with the same last recombined one (a rerun on a kept `--work-dir`). */
function holdsCorpus(store: PatentStore, recombine: (i: number) => Patent, docs: number): boolean {
  if (docs === 0 || store.count() !== docs) return false;
  const last = recombine(docs - 1);
  return store.getByApplicationNumber(last.applicationNumber)?.abstract === last.abstract;
}

function allIds(store: ReturnType<typeof openStore>): number[] {
  const ids: number[] = [];
  for (const batch of store.iterate({ batchSize: 10_000 })) for (const patent of batch) ids.push(patent.id);
  return ids;
}

function pickQueries(real: readonly Patent[], count: number): string[] {
  const step = Math.max(1, Math.floor(real.length / count));
  const queries: string[] = [];
  for (let i = 0; i < real.length && queries.length < count; i += step) queries.push(real[i]!.title);
  return queries;
}

interface CachedQueries {
  embedder: Embedder;
  vectors: Map<string, Float32Array>;
  embedP50Ms: number;
}

/** Embeds every query once (timing each) and returns an embedder that answers them from that cache, other texts by embedding them. */
async function precomputeQueries(embedder: Embedder, queries: readonly string[]): Promise<CachedQueries> {
  const vectors = new Map<string, Float32Array>();
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    const [vector] = await embedder.embed([query], { kind: 'query' });
    times.push(performance.now() - started);
    vectors.set(query, vector!);
  }
  const cachedEmbedder: Embedder = {
    id: embedder.id,
    dimension: embedder.dimension,
    async embed(texts, options) {
      const others = texts.filter((text) => !vectors.has(text));
      const embedded = others.length > 0 ? await embedder.embed(others, options) : [];
      let at = 0;
      return texts.map((text) => vectors.get(text) ?? embedded[at++]!);
    },
    async close() {},
  };
  return { embedder: cachedEmbedder, vectors, embedP50Ms: percentile(times, 0.5) };
}

/** Times the explanation of each query's first page, its hits found beforehand. */
async function timeExplanations(
  queries: readonly string[],
  mode: SearchMode,
  engine: ReturnType<typeof createSearchEngine>,
  explainer: ReturnType<typeof createExplainer>,
): Promise<ModeLatency> {
  const pages = new Map<string, SearchHit[]>();
  for (const query of queries) pages.set(query, (await engine.search(query, { mode, top: 10 })).hits);
  return timeSearches(queries, (q) => explainer.explain(q, pages.get(q)!));
}

async function timeSearches(queries: readonly string[], search: (q: string) => Promise<unknown>): Promise<ModeLatency> {
  for (const query of queries.slice(0, 10)) await search(query); // warm-up
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await search(query);
    times.push(performance.now() - started);
  }
  return { p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
}

/**
 * Candidates per query scored again in full precision for the ground truth. The stored i8 vectors
 * are off by ~3e-4 (2.5e-3 at most), so the exact top 1000 lies within their top 1,500; re-embedding
 * those gives a truth that the quantisation of the table itself does not blur.
 */
const truthPool = 1500;

async function stage1Recall(
  vectors: NonNullable<Awaited<ReturnType<typeof openVectors>>>,
  store: PatentStore,
  embedder: Embedder,
  queries: readonly string[],
  cached: CachedQueries,
): Promise<number> {
  const ids = allIds(store);
  let found = 0;
  let expected = 0;
  for (const query of queries) {
    const vector = cached.vectors.get(query)!;
    const approximate = new Set(vectors.searchAbstracts(vector, 1000, null).map((n) => n.key));
    const stored = vectors.abstractScores(vector, ids);
    const pool = topOfScores(stored, (i) => ids[i]!, truthPool, false).map((n) => n.key);
    const patents = store.getByIds(pool);
    const exact = await embedder.embed(
      pool.map((id) => stageOneText(patents.get(id)!)),
      { kind: 'passage' },
    );
    const truth = pool
      .map((key, i) => ({ key, score: dot(vector, exact[i]!) }))
      .sort((a, b) => b.score - a.score || a.key - b.key)
      .slice(0, 1000);
    expected += truth.length;
    for (const { key } of truth) if (approximate.has(key)) found++;
  }
  return expected > 0 ? found / expected : 0;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** The value at quantile q (0–1) of the samples, nearest-rank. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}
