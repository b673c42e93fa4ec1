import type { Explanation, ScoreBand, SearchFilters, SearchMode, SearchResult } from '../domain/index.js';
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
  /**
   * Scores stored patents against each of several queries, each in its own mode (default: the
   * default mode), as `search` scores them: a patent the search returns gets the score it has there
   * (same arithmetic, same keyword maxima over the query's top K), the others the score they would
   * have as candidates; in `lexical` mode a patent without a term of the query is left out. One
   * list per query, best first. Unknown application numbers are skipped.
   */
  scorePatents(queries: readonly ScoredQuery[], applicationNumbers: readonly string[]): Promise<PatentScore[][]>;
  /** The explanations search hits carry, for stored patents (unknown numbers get an empty one). */
  explainPatents(query: string, applicationNumbers: readonly string[]): Promise<Explanation[]>;
  close(): Promise<void>;
}

/** A query of `scorePatents`: its text, the mode it is scored in and the filters its search had (patents outside them get no score). */
export interface ScoredQuery {
  query: string;
  mode?: SearchMode;
  filters?: SearchFilters | null;
}

/** A patent's scores against one query, rounded and banded as search hits are. */
export interface PatentScore {
  applicationNumber: string;
  abstractScore: number;
  titleScore: number;
  score: number;
  band: ScoreBand | null;
}
