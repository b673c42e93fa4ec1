import { LRUCache } from 'lru-cache';
import type { SearchResult } from '../domain/index.js';
import type { SearchEngine, SearchOptions } from '../search/types.js';

/** How many result pages to keep and for how long; `false` turns caching off. */
export type SearchCacheOptions = { max: number; ttlMs: number } | false;

/**
 * Wraps an engine so a repeated search (the same text and options, e.g. paging back, the CSV export
 * of the page just shown, or many people asking the same thing) is answered from memory. Concurrent
 * identical requests share one computation; failures are not kept. The TTL bounds how long a page
 * can lag behind a re-index.
 *
 * @example
 * const engine = cachedEngine(await openSearchEngine(home), { max: 500, ttlMs: 60_000 });
 */
export function cachedEngine(engine: SearchEngine, options: SearchCacheOptions): SearchEngine {
  if (!options) return engine;
  const pages = new LRUCache<string, Promise<SearchResult>>({ max: options.max, ttl: options.ttlMs });
  const remember = (key: string, compute: () => Promise<SearchResult>): Promise<SearchResult> => {
    const cached = pages.get(key);
    if (cached) return cached;
    const pending = compute();
    pages.set(key, pending);
    pending.catch(() => pages.delete(key));
    return pending;
  };
  const keyOf = (kind: string, subject: string, searchOptions: Partial<SearchOptions> = {}) =>
    JSON.stringify([kind, subject, searchOptions.mode, searchOptions.top, searchOptions.page, searchOptions.k, searchOptions.filters]);
  return {
    get model() {
      return engine.model;
    },
    get lexicon() {
      return engine.lexicon;
    },
    search: (query, searchOptions) => remember(keyOf('search', query, searchOptions), () => engine.search(query, searchOptions)),
    similar: (applicationNumber, searchOptions) =>
      remember(keyOf('similar', applicationNumber, searchOptions), () => engine.similar(applicationNumber, searchOptions)),
    // Not result pages: the match workflow keeps what it needs of these itself.
    scorePatents: (queries, applicationNumbers) => engine.scorePatents(queries, applicationNumbers),
    explainPatents: (query, applicationNumbers) => engine.explainPatents(query, applicationNumbers),
    close: () => engine.close(),
  };
}
