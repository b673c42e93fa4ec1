import { join } from 'node:path';
import { absoluteEmbedderSpec, loadEmbedder } from '../../embed/index.js';
import type { Embedder } from '../../embed/types.js';
import { indexFollowsStore, type PatentStore, type StoredPatent } from '../../store/index.js';
import { replaceDirAtomic, writeFileAtomic } from '../../util/atomic.js';
import { HnswIndex } from '../hnsw/index.js';
import { VectorTable } from '../table/index.js';
import { hasNorm } from '../vector.js';
import { readManifestToRebuild, vectorFiles } from './manifest.js';
import type { VectorsManifest } from './types.js';

/** Options of `buildVectors`. */
export interface VectorsBuildOptions {
  /** Embedder spec, e.g. `static:.patmatch/models/default`. */
  embedder: string;
  /** Re-embed every patent even if the vectors are current for this model. */
  full: boolean;
  /** Patents per embedding batch. */
  batchSize: number;
  onProgress?: (done: number, total: number) => void;
}

/** What `buildVectors` did. */
export interface VectorsBuildReport {
  model: string;
  /** Patents (re-)embedded in this run. */
  embedded: number;
  /** Texts embedded (a title and an abstract per patent). */
  textsEmbedded: number;
  /** Patents whose abstract (or title) has no vector: no token of the text is known to the model. */
  unembeddable: number;
  /** Patents in the vectors after the run. */
  count: number;
  revision: number;
  embedSeconds: number;
  indexSeconds: number;
  seconds: number;
}

/**
 * Embeds the patents' abstracts and titles and writes the vectors folder: an HNSW graph over the
 * abstracts (stage 1), tables of abstract and title vectors (exact scoring of candidates), and a
 * manifest naming the model and the store revision they reflect. Incremental when the model is the
 * same; the folder is replaced atomically, so a killed build leaves the previous vectors intact.
 *
 * @example
 * await buildVectors(store, '.patmatch/vectors', { embedder: 'static:./model', full: false, batchSize: 1024 });
 */
export async function buildVectors(
  store: PatentStore,
  dir: string,
  options: VectorsBuildOptions,
): Promise<VectorsBuildReport> {
  const started = performance.now();
  const embedder = await loadEmbedder(options.embedder);
  try {
    const previous = await readManifestToRebuild(dir);
    const reuse =
      previous !== null &&
      !options.full &&
      previous.model === embedder.id &&
      indexFollowsStore({ store: previous.store ?? null, revision: previous.revision }, store);
    const revision = store.currentRevision;
    const report: VectorsBuildReport = {
      model: embedder.id,
      embedded: 0,
      textsEmbedded: 0,
      unembeddable: 0,
      count: previous?.count ?? 0,
      revision,
      embedSeconds: 0,
      indexSeconds: 0,
      seconds: 0,
    };
    if (reuse && previous.revision >= revision) return { ...report, seconds: elapsed(started) };

    const graph = reuse
      ? await HnswIndex.open(join(dir, vectorFiles.abstractGraph), { mmap: false })
      : HnswIndex.create({ dimension: embedder.dimension });
    const [abstracts, titles] = reuse
      ? await Promise.all([
          VectorTable.load(join(dir, vectorFiles.abstractTable)),
          VectorTable.load(join(dir, vectorFiles.titleTable)),
        ])
      : [createTable(embedder), createTable(embedder)];
    const from = reuse ? previous.revision : 0;
    const total = store.count(from);
    for (const batch of store.iterate({ afterRevision: from, batchSize: options.batchSize })) {
      await addBatch(batch, embedder, { graph, abstracts, titles }, report);
      options.onProgress?.(report.embedded, total);
    }
    report.count = abstracts.size;

    const manifest: VectorsManifest = {
      model: embedder.id,
      embedder: absoluteEmbedderSpec(options.embedder),
      dimension: embedder.dimension,
      revision,
      store: store.storeId,
      count: report.count,
      builtAt: new Date().toISOString(),
    };
    await replaceDirAtomic(dir, async (tmp) => {
      await graph.save(join(tmp, vectorFiles.abstractGraph));
      await abstracts.save(join(tmp, vectorFiles.abstractTable));
      await titles.save(join(tmp, vectorFiles.titleTable));
      await writeFileAtomic(join(tmp, vectorFiles.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    });
    return { ...report, seconds: elapsed(started) };
  } finally {
    await embedder.close();
  }
}

interface Targets {
  graph: HnswIndex;
  abstracts: VectorTable;
  titles: VectorTable;
}

/**
 * The text stage 1 indexes for a patent: its abstract, or its title when it has none (so it can
 * still be found).
 *
 * @example
 * stageOneText({ ...patent, abstract: '' }) === patent.title
 */
export function stageOneText(patent: Pick<StoredPatent, 'abstract' | 'title'>): string {
  return patent.abstract.length > 0 ? patent.abstract : patent.title;
}

async function addBatch(
  batch: readonly StoredPatent[],
  embedder: Embedder,
  targets: Targets,
  report: VectorsBuildReport,
): Promise<void> {
  let started = performance.now();
  const abstractTexts = batch.map(stageOneText);
  const [abstractVectors, titleVectors] = [
    await embedder.embed(abstractTexts, { kind: 'passage' }),
    await embedder.embed(
      batch.map((p) => p.title),
      { kind: 'passage' },
    ),
  ];
  report.embedSeconds += elapsed(started);
  report.textsEmbedded += batch.length * 2;

  started = performance.now();
  const graphKeys: number[] = [];
  const graphVectors: Float32Array[] = [];
  batch.forEach((patent, i) => {
    const abstract = abstractVectors[i]!;
    const title = titleVectors[i]!;
    // Drop stale vectors first: a changed text that no longer embeds must not keep its old vector.
    targets.abstracts.delete(patent.id);
    targets.titles.delete(patent.id);
    if (hasNorm(abstract)) {
      targets.abstracts.set(patent.id, abstract);
      graphKeys.push(patent.id);
      graphVectors.push(abstract);
    } else {
      targets.graph.remove([patent.id]);
      report.unembeddable++;
    }
    if (hasNorm(title)) targets.titles.set(patent.id, title);
  });
  if (graphKeys.length > 0) targets.graph.add(graphKeys, graphVectors);
  report.indexSeconds += elapsed(started);
  report.embedded += batch.length;
}

function createTable(embedder: Embedder): VectorTable {
  return VectorTable.create({ dimension: embedder.dimension, precision: 'i8' });
}

function elapsed(since: number): number {
  return (performance.now() - since) / 1000;
}
