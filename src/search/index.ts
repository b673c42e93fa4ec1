import { existsSync } from 'node:fs';
import { PatmatchError } from '../domain/errors.js';
import { loadEmbedder, type Embedder } from '../embed/index.js';
import { hasLexicalIndex, openLexicalIndex, type LexicalIndex, type LexicalIndexOptions } from '../index/lexical/index.js';
import { openVectors, readManifest, type DenseVectors, type OpenVectorsOptions } from '../index/vectors/index.js';
import { homeLayout } from '../store/home.js';
import type { QueryLexicon } from '../text/lexicon/index.js';
import { modelLexicon } from './lexicon.js';
import { indexFollowsStore, openStore, type PatentStore } from '../store/index.js';
import { createSearchEngine, type SearchComponents } from './engine.js';
import type { SearchEngine } from './types.js';

export { createSearchEngine, DEFAULT_SEARCH_MODE, defaultSearchOptions, resolveOptions, validateQuery, SEARCH_LIMITS } from './engine.js';
export type { SearchComponents } from './engine.js';
export type { SearchEngine, SearchOptions } from './types.js';
export { openReloadingEngine, type ReloadingEngine, type ReloadOptions } from './reload.js';
export { modelLexicon, modelLexiconStamp } from './lexicon.js';

/** Options of `openSearchEngine`: how the vectors are searched, and the lexical index's BM25 weights. */
export interface OpenSearchEngineOptions extends Partial<OpenVectorsOptions> {
  lexical?: Partial<Omit<LexicalIndexOptions, 'analyzer'>>;
}

/**
 * Opens the search engine of a home folder: the store, the lexical index and, when `patmatch index`
 * has embedded the patents, the vectors with the embedder that made them.
 *
 * @example
 * const engine = await openSearchEngine('.patmatch');
 * const { hits } = await engine.search('리튬 이차전지 음극 소재', { top: 20 });
 * await engine.close();
 */
export async function openSearchEngine(home: string, options: OpenSearchEngineOptions = {}): Promise<SearchEngine> {
  return createSearchEngine(await openSearchComponents(home, options));
}

/**
 * The parts `openSearchEngine` builds its engine from, opened and checked the same way, for code
 * that scores with them directly (the demand watch); `onClose` closes them all.
 *
 * @example
 * const parts = await openSearchComponents('.patmatch');
 * parts.dense?.vectors.manifest.revision; // the store revision the vectors reflect
 * await parts.onClose();
 */
export async function openSearchComponents(
  home: string,
  options: OpenSearchEngineOptions = {},
): Promise<SearchComponents & { onClose(): Promise<void> }> {
  const layout = homeLayout(home);
  if (!existsSync(layout.store)) {
    throw new PatmatchError('not_ready', `No patents in ${home}: run \`patmatch ingest <files>\` first`);
  }
  if (!hasLexicalIndex(layout.lexical)) {
    throw new PatmatchError('not_ready', `No index in ${home}: run \`patmatch index\` first`);
  }
  const store = openStore(home);
  const opened: { close(): unknown }[] = [store];
  try {
    const { lexical: lexicalOptions, ...vectorOptions } = options;
    const lexical = await openLexicalIndex(layout.lexical, lexicalOptions);
    opened.push(lexical);
    const manifest = await readManifest(layout.vectors);
    // Store ids restart when the database is replaced: another database's indexes would name the wrong patents.
    const stale = [
      ['lexical index', { store: lexical.indexedStore, revision: lexical.indexedRevision }] as const,
      ...(manifest ? [['vectors', { store: manifest.store ?? null, revision: manifest.revision }] as const] : []),
    ].find(([, indexed]) => !indexFollowsStore(indexed, store));
    if (stale) {
      throw new PatmatchError('not_ready', `The ${stale[0]} of ${home} was built from another patent database: run \`patmatch index\` again`);
    }
    const embedder = manifest ? await loadEmbedder(manifest.embedder) : null;
    if (embedder) opened.push({ close: () => embedder.close() });
    if (embedder && manifest && embedder.id !== manifest.model) {
      throw new PatmatchError(
        'not_ready',
        `The vectors in ${layout.vectors} were made by ${manifest.model}, but ${manifest.embedder} is now ${embedder.id}: run \`patmatch index\` again`,
      );
    }
    const lexicon = manifest ? await modelLexicon(manifest.embedder) : null;
    const vectors = manifest ? await openVectors(layout.vectors, vectorOptions) : null;
    return componentsOver(store, lexical, embedder, vectors, lexicon);
  } catch (error) {
    for (const part of opened.reverse()) await part.close();
    throw error;
  }
}

function componentsOver(
  store: PatentStore,
  lexical: LexicalIndex,
  embedder: Embedder | null,
  vectors: DenseVectors | null,
  lexicon: QueryLexicon | null,
): SearchComponents & { onClose(): Promise<void> } {
  return {
    store,
    lexical,
    dense: embedder && vectors ? { embedder, vectors } : null,
    lexicon,
    async onClose() {
      vectors?.close();
      await embedder?.close();
      lexical.close();
      store.close();
    },
  };
}
