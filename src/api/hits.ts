import type { Evaluation, SearchHit, SearchResult } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import { SEARCH_LIMITS, validateFilters } from '../search/engine.js';
import type { SearchOptions } from '../search/types.js';
import type { PatentReader, ServerOptions } from './types.js';

/** What the route plugins share: the engine, the store and how to link to KIPRIS. */
export type ApiContext = Pick<ServerOptions, 'engine' | 'store' | 'kiprisUrlTemplate'>;

/** Evaluation as the API shows it: the domain record without the repeated application number. */
export type ApiEvaluation = Omit<Evaluation, 'applicationNumber'>;

/** What the API adds to a patent it shows: its evaluation indices (null when it has none) and KIPRIS link. */
export interface HitDetails {
  evaluation: ApiEvaluation | null;
  kiprisUrl: string;
}

/** A search hit with its evaluation indices and KIPRIS link. */
export interface ApiHit extends SearchHit, HitDetails {}

/** A page of hits with the number of pages, as `/api/search` answers. */
export interface ApiSearchResult extends Omit<SearchResult, 'hits'> {
  pages: number;
  hits: ApiHit[];
}

/**
 * Fills the KIPRIS URL template for one application.
 *
 * @example
 * kiprisUrl('https://doi.org/10.8080/{applicationNumber}', '1020160138184')
 * // 'https://doi.org/10.8080/1020160138184'
 */
export function kiprisUrl(template: string, applicationNumber: string): string {
  return template.replaceAll('{applicationNumber}', encodeURIComponent(applicationNumber));
}

function withoutNumber(found: Evaluation | undefined): ApiEvaluation | null {
  if (!found) return null;
  const { applicationNumber: _omitted, ...evaluation } = found;
  return evaluation;
}

/**
 * Looks up one patent's evaluation, or null when it has none.
 *
 * @example
 * evaluationOf(store, '1020160138184')?.tech6t // 'NT'
 */
export function evaluationOf(store: PatentReader, applicationNumber: string): ApiEvaluation | null {
  return withoutNumber(store.getEvaluations([applicationNumber]).get(applicationNumber));
}

/**
 * Adds evaluations (one store query for all hits) and KIPRIS links to hits.
 *
 * @example
 * withHitDetails(demand.recommendations, context)[0]?.kiprisUrl
 */
export function withHitDetails<Hit extends Pick<SearchHit, 'applicationNumber'> = SearchHit>(hits: readonly Hit[], context: ApiContext): (Hit & HitDetails)[] {
  const evaluations = context.store.getEvaluations(hits.map((hit) => hit.applicationNumber));
  return hits.map((hit) => ({
    ...hit,
    evaluation: withoutNumber(evaluations.get(hit.applicationNumber)),
    kiprisUrl: kiprisUrl(context.kiprisUrlTemplate, hit.applicationNumber),
  }));
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * `withHitDetails` over the server's store and KIPRIS template, for plugins (the match routes)
     * that show hits they did not search for, such as a demand's recommendation snapshot or the
     * patents the market matches to a demand.
     */
    hitDetails<Hit extends Pick<SearchHit, 'applicationNumber'> = SearchHit>(hits: readonly Hit[]): (Hit & HitDetails)[];
  }
}

/**
 * Adds evaluations (one store query per page), KIPRIS links and the page count to a result.
 *
 * @example
 * const page = withEvaluations(await engine.search('그래핀 전극'), context);
 * page.hits[0].evaluation?.pqi
 */
export function withEvaluations(result: SearchResult, context: ApiContext): ApiSearchResult {
  return {
    ...result,
    // Capped at the last page a request may ask for (hybrid can have up to 2K candidates).
    pages: Math.min(SEARCH_LIMITS.maxPage, Math.max(1, Math.ceil(result.total / result.top))),
    hits: withHitDetails(result.hits, context),
  };
}

/** Query-string fields of search and export after Fastify's schema validation. */
export interface SearchQuery {
  q: string;
  top: number;
  page: number;
  mode?: SearchOptions['mode'];
  ipc?: string;
  from?: string;
  to?: string;
  applicant?: string;
  status?: string;
}

const FILTER_FIELDS = ['ipc', 'from', 'to', 'applicant', 'status'] as const;

// C0/C1 controls other than tab and newline: a demand pasted from a document may hold those two.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

/**
 * Checks what the schema cannot say readably (blank text, control characters) and turns the query
 * string into the engine's arguments; the engine checks the filters (`validateFilters`).
 *
 * @example
 * toSearchArguments({ q: ' 그래핀 ', top: 10, page: 1, ipc: 'H01G' })
 * // ['그래핀', { top: 10, page: 1, filters: { ipc: 'H01G' } }]
 */
export function toSearchArguments(query: SearchQuery): [string, Partial<SearchOptions>] {
  const text = query.q.trim();
  if (text.length === 0) throw new PatmatchError('invalid_input', 'querystring.q: is empty; describe the technology you need');
  if (CONTROL_CHARACTERS.test(text)) {
    throw new PatmatchError('invalid_input', 'querystring.q: contains control characters');
  }
  const filters: SearchOptions['filters'] = {};
  for (const field of FILTER_FIELDS) {
    if (query[field]) filters[field] = query[field];
  }
  const options: Partial<SearchOptions> = { top: query.top, page: query.page, filters: validateFilters(filters, 'querystring.') };
  if (query.mode) options.mode = query.mode;
  return [text, options];
}
