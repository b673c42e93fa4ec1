import type { SearchFilters, SearchMode, SearchResult } from '../domain/index.js';
import type { QueryLexicon } from '../text/lexicon/index.js';

/** Options of one search; every field has a default (see `defaultSearchOptions`). */
export interface SearchOptions {
  mode: SearchMode;
  /** Hits per page (1–100). */
  top: number;
  /** 1-based page number. */
  page: number;
  /** Stage-1 candidate count (the seed method keeps the top 1,000 abstracts). */
  k: number;
  filters: SearchFilters;
}

/**
 * Answers demands with patents. Built by `openSearchEngine(home)` from the store, the lexical index
 * and, when a model is present, the vector indexes.
 *
 * @example
 * const engine = await openSearchEngine('.patmatch');
 * const result = await engine.search('딥러닝을 활용한 영상 인식', { top: 10 });
 */
export interface SearchEngine {
  /** Id of the embedder behind dense modes, or `null` when only the lexical index exists. */
  readonly model: string | null;
  /** The model's English → Korean lexicon that keyword search uses, or null. */
  readonly lexicon: QueryLexicon | null;
  search(query: string, options?: Partial<SearchOptions>): Promise<SearchResult>;
  /** Patents like a stored one: its title + abstract as the demand, itself left out. Throws not_found. */
  similar(applicationNumber: string, options?: Partial<SearchOptions>): Promise<SearchResult>;
  close(): Promise<void>;
}
