import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patent, SearchFilters, SearchMode } from '../../domain/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { buildIndexes } from '../../index/build/index.js';
import { Accounts } from '../../match/accounts.js';
import { migrateMatch } from '../../match/schema.js';
import { watchedDemandPages } from '../../match/watch/demands.js';
import { demandState, type WatchScoring } from '../../match/watch/prepare.js';
import type { WatchReport } from '../../match/watch/index.js';
import { runCli } from '../../cli/spawn.js';
import { createSearchEngine, defaultSearchOptions } from '../../search/engine.js';
import { resolveHybridOptions } from '../../search/fusion.js';
import { openSearchComponents } from '../../search/index.js';
import { openStore } from '../../store/index.js';
import { inMemoryLexical } from './lexical.js';
import { readPrepared, resetDemands, writePrepared, type PreparedWatchHome } from './prepared.js';
import { createRecombiner } from '../search/corpus.js';
import { defaultEmbedder, ingestCorpus, loadRealPatents } from '../search/index.js';

/** Options of `runWatchBench`. */
export interface WatchBenchOptions {
  /** Patents in the store before the additions. */
  docs: number;
  /** Watched demands. */
  demands: number;
  /** Patents added (and indexed) before the timed watch run. */
  added: number;
  /** Embedder spec; default: the trained model of the source home. */
  embedder?: string;
  /** Where to build the home; default a temporary folder, removed afterwards. It must be new. */
  workDir?: string;
  onProgress?: (stage: string, done: number, total: number) => void;
}

const defaults: WatchBenchOptions = { docs: 100_000, demands: 10_000, added: 10_000 };

/** What `patmatch bench watch --json` prints: the prepared home's sizes, model, modes and indexing time, and the timed run. */
export interface WatchBenchReport extends Omit<PreparedWatchHome, 'revision'> {
  /** The watch run (`patmatch watch --json` in a process of its own). */
  watch: WatchReport;
  /** Wall time of that process (start, open the indexes, run, exit). */
  watchProcessSeconds: number;
  /** Peak resident memory of that process. */
  peakRssBytes: number;
}

/** The mode of the i-th demand: 85 % hybrid (the default), 5 % each seed, dense and lexical. */
const modeOf = (i: number): SearchMode => (['seed', 'dense', 'lexical'] as const)[i % 20] ?? 'hybrid';

/** One in 25 demands filters by its patent's IPC class (`H01`). */
const filtersOf = (i: number, patent: Patent): SearchFilters | undefined => (i % 25 === 3 && patent.ipc[0] ? { ipc: patent.ipc[0].slice(0, 3) } : undefined);

/**
 * Builds a home of `docs` recombined patents with `demands` watched demands (registered as
 * `createDemand` registers them: a search of their text, the snapshot, the query vector and keyword
 * maxima stored), adds `added` recombined patents, indexes them, then times `patmatch watch` in a
 * process of its own and reads its peak memory. A kept `--work-dir` is prepared once: later runs
 * with the same sizes set its demands back to their registered state and time the watch again.
 *
 * @example
 * const report = await runWatchBench('.patmatch', { docs: 100_000, demands: 10_000, added: 10_000 });
 */
export async function runWatchBench(sourceHome: string, options: Partial<WatchBenchOptions> = {}): Promise<WatchBenchReport> {
  const settings = { ...defaults, ...options };
  const workDir = settings.workDir ?? (await mkdtemp(join(tmpdir(), 'patmatch-bench-watch-')));
  try {
    const prepared = (settings.workDir && readPrepared(workDir, settings)) || (await prepareHome(sourceHome, workDir, settings));
    resetDemands(workDir, prepared.revision);
    const started = performance.now();
    const run = await runCli(['--home', workDir, 'watch', '--json'], process.env, ['/usr/bin/time', '-f', 'maxrss-kb %M']);
    const watchProcessSeconds = (performance.now() - started) / 1000;
    if (run.code !== 0) throw new Error(`patmatch watch failed (${run.code}): ${run.stderr}`);
    const maxRss = /maxrss-kb (\d+)/.exec(run.stderr)?.[1];
    const { revision: _revision, ...sizes } = prepared;
    return { ...sizes, watch: JSON.parse(run.stdout) as WatchReport, watchProcessSeconds, peakRssBytes: Number(maxRss ?? 0) * 1024 };
  } finally {
    if (!settings.workDir) await rm(workDir, { recursive: true, force: true });
  }
}

/** Builds the home in `workDir` (a new folder): corpus, indexes, demands, then the added patents indexed. */
async function prepareHome(sourceHome: string, workDir: string, settings: WatchBenchOptions): Promise<PreparedWatchHome> {
  const real = loadRealPatents(sourceHome);
  const embedder = settings.embedder ?? defaultEmbedder(sourceHome);
  if (!embedder) throw new PatmatchError('not_ready', `No trained model in ${sourceHome}: run \`patmatch train\` or pass --embedder`);
  if (ingestCorpus(workDir, real, settings) === null || settings.docs === 0) {
    throw new PatmatchError('invalid_input', `--work-dir ${workDir} already holds a corpus but was not fully prepared; bench watch needs a new folder`);
  }
  await buildIndexes(workDir, { embedder, onProgress: settings.onProgress });
  const { modes, revision } = await registerDemands(workDir, real, settings);
  const recombine = createRecombiner(real);
  const store = openStore(workDir);
  try {
    store.upsertPatents(Array.from({ length: settings.added }, (_, i) => recombine(settings.docs + i)), 'bench');
  } finally {
    store.close();
  }
  const indexed = await buildIndexes(workDir, { onProgress: settings.onProgress });
  const prepared: PreparedWatchHome = {
    docs: settings.docs,
    demands: settings.demands,
    added: settings.added,
    model: indexed.vectors?.model ?? null,
    modes,
    indexSeconds: indexed.lexical.seconds + (indexed.vectors?.seconds ?? 0),
    revision,
  };
  writePrepared(workDir, prepared);
  return prepared;
}

/**
 * Registers the demands as `createDemand` does and stores what the watch needs, as its first run
 * would; keyword search runs in memory (`inMemoryLexical`). Returns the demands per mode and the
 * revision they were registered at.
 */
async function registerDemands(
  workDir: string,
  real: readonly Patent[],
  settings: WatchBenchOptions,
): Promise<{ modes: Partial<Record<SearchMode, number>>; revision: number }> {
  const components = await openSearchComponents(workDir);
  const { store, dense } = components;
  try {
    migrateMatch(store.db);
    const lexical = await inMemoryLexical(components.lexical, store.db.prepare('SELECT id FROM patents ORDER BY id').pluck().all() as number[]);
    const owner = await new Accounts(store.db).create({ email: 'bench@patmatch.test', password: 'bench watch password', role: 'demander' });
    // Snapshots without explanations: the watch reads only their scores.
    const engine = createSearchEngine({ ...components, lexical, explainer: { explain: async (_query, patents) => patents.map(() => ({ sentences: [], terms: [] })) } });
    const revision = Math.min(lexical.indexedRevision, dense?.vectors.manifest.revision ?? Number.POSITIVE_INFINITY);
    const insert = store.db.prepare(
      `INSERT INTO match_demands (user_id, name, description, query, mode, model, recommendations, filters, watched_revision, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const modes: Partial<Record<SearchMode, number>> = {};
    for (let i = 0; i < settings.demands; i++) {
      const patent = real[(i * 7919) % real.length]!;
      const other = real[(i * 104_729 + 1) % real.length]!;
      const name = i < real.length ? patent.title : `${patent.title} ${other.title}`;
      const description = patent.abstract.slice(0, 300);
      const query = `${name}\n${description}`;
      const filters = filtersOf(i, patent);
      const result = await engine.search(query, { mode: modeOf(i), top: 20, ...(filters && { filters }) });
      const hits = result.hits.map((hit) => ({ ...hit, addedAt: null, build: null }));
      insert.run(owner.id, name, description, query, result.mode, result.model, JSON.stringify(hits), filters ? JSON.stringify(filters) : null, revision, new Date().toISOString());
      modes[result.mode] = (modes[result.mode] ?? 0) + 1;
      if (i % 100 === 99) settings.onProgress?.('demands', i + 1, settings.demands);
    }
    const scoring: WatchScoring = { store, lexical, dense, lexicon: components.lexicon ?? null, hybrid: resolveHybridOptions(), k: defaultSearchOptions.k, upTo: new Map() };
    let done = 0;
    for (const page of watchedDemandPages(store.db, revision + 1, 500)) {
      for (const demand of page) await demandState(store.db, demand, scoring);
      settings.onProgress?.('demand scoring', (done += page.length), settings.demands);
    }
    return { modes, revision };
  } finally {
    await components.onClose();
  }
}
