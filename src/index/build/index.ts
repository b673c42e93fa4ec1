import { existsSync } from 'node:fs';
import { assertWritable, homeLayout } from '../../store/home.js';
import { indexFollowsStore, openStore, type PatentStore } from '../../store/index.js';
import { lockIndexUpdate, updateLexicalIndex } from '../lexical/index.js';
import { buildVectors, readManifest, readManifestToRebuild, type VectorsBuildReport } from '../vectors/index.js';

/** Options of `buildIndexes`. */
export interface BuildIndexesOptions {
  /** `static:<dir>` or `onnx:<dir|hub-id>`; default: the one the vectors were built with, else the trained model in the home. */
  embedder?: string;
  /**
   * Build the BM25 index (default). Off only for benchmarks of the dense path at millions of
   * patents, where morphological analysis of every abstract dominates; an empty index is created.
   */
  lexical: boolean;
  /** Re-index and re-embed everything even when the indexes are up to date (the BM25 index is rebuilt aside and swapped in). */
  full: boolean;
  /** Texts per embedding batch. */
  batchSize: number;
  /** Progress of each stage (`lexical`, `embedding`), for progress bars. */
  onProgress?: (stage: 'lexical' | 'embedding', done: number, total: number) => void;
}

/** Patents per embedding batch: large enough that the static embedder spreads a batch over its worker threads. */
export const DEFAULT_INDEX_BATCH = 8192;

const defaults: BuildIndexesOptions = { lexical: true, full: false, batchSize: DEFAULT_INDEX_BATCH };

/** What `buildIndexes` did. */
export interface BuildIndexesReport {
  patents: number;
  /**
   * `rebuilt`: the index was built anew aside and swapped in (`--full`, another store or analyser, no
   * index), not updated in place; `rebuiltBecause` says why, naming the file (null when updated in place).
   */
  lexical: { indexed: number; revision: number; seconds: number; rebuilt: boolean; rebuiltBecause: string | null };
  /** Null when no embedder was given and no trained model exists: search then runs on lexical scores. */
  vectors: VectorsBuildReport | null;
}

/**
 * Brings the indexes of a home up to date with its store: the BM25 index always, the vectors when
 * an embedder is given or a trained model exists. Only patents changed since the last run are
 * (re)indexed, unless the model changed or `full` is set. Safe to interrupt: each index records the
 * store revision it reflects only after its data is durable, and an index rebuilt whole (`full`, another
 * store, analyser or model) is built aside and replaces the old one only when complete. One run at a
 * time per home, vectors included: a second waits up to 5 s for the first (`lockIndexUpdate`), then
 * fails with `not_ready`.
 *
 * @example
 * await buildIndexes('.patmatch', { embedder: 'static:./models/ko' });
 */
export async function buildIndexes(home: string, options: Partial<BuildIndexesOptions> = {}): Promise<BuildIndexesReport> {
  const settings = { ...defaults, ...options };
  const layout = homeLayout(home);
  assertWritable(home, layout.lexical, layout.vectors);
  // One `index` at a time, over both indexes: two writing the vectors would replace each other's
  // half-built folder.
  const lock = lockIndexUpdate(layout.lexical);
  let store: PatentStore | undefined;
  try {
    store = openStore(home);
    const lexical = await indexLexical(store, layout.lexical, settings);
    const embedder = settings.embedder ?? (await homeEmbedder(home));
    const vectors = embedder
      ? await buildVectors(store, layout.vectors, {
          embedder,
          full: settings.full,
          batchSize: settings.batchSize,
          onProgress: (done, total) => settings.onProgress?.('embedding', done, total),
        })
      : null;
    return { patents: store.count(), lexical, vectors };
  } finally {
    store?.close();
    lock.release();
  }
}

async function indexLexical(store: PatentStore, path: string, settings: BuildIndexesOptions) {
  const started = performance.now();
  return updateLexicalIndex(
    path,
    async (lexical, rebuilt, rebuiltBecause) => {
      if (!settings.lexical) return { indexed: 0, revision: lexical.indexedRevision, seconds: 0, rebuilt, rebuiltBecause };
      const from = lexical.indexedRevision;
      if (rebuilt) lexical.setIndexedRevision(from, store.storeId);
      const total = store.count(from);
      let indexed = 0;
      for (const batch of store.iterate({ afterRevision: from })) {
        await lexical.upsert(
          batch.map((p) => ({ key: p.id, title: p.title, titleEn: p.titleEn, abstract: p.abstract })),
        );
        // Batches come in revision order, so the last one's revision covers everything before it.
        lexical.setIndexedRevision(batch[batch.length - 1]!.revision, store.storeId);
        indexed += batch.length;
        settings.onProgress?.('lexical', indexed, total);
      }
      return { indexed, revision: lexical.indexedRevision, seconds: (performance.now() - started) / 1000, rebuilt, rebuiltBecause };
    },
    {
      full: settings.full && settings.lexical,
      keep: (lexical) =>
        !settings.lexical ||
        indexFollowsStore({ store: lexical.indexedStore, revision: lexical.indexedRevision }, store) ||
        'it was built from another patent database (or the store went back to an older copy)',
      locked: true,
    },
  );
}

/**
 * The embedder spec of a home: the one its vectors were last built with (so a plain `index` keeps
 * it), else its trained default model, else undefined.
 *
 * @example
 * await homeEmbedder('.patmatch') // 'static:/srv/.patmatch/models/default'
 */
export async function homeEmbedder(home: string): Promise<string | undefined> {
  const layout = homeLayout(home);
  const hasDefault = existsSync(layout.defaultModel);
  // An unreadable manifest no longer says which embedder made the vectors: the trained model rebuilds
  // them, and without one the error stands (pass an embedder).
  const manifest = hasDefault ? await readManifestToRebuild(layout.vectors) : await readManifest(layout.vectors);
  if (manifest) return manifest.embedder;
  return hasDefault ? `static:${layout.defaultModel}` : undefined;
}
