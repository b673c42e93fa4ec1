import type { SearchHit, SearchMode, SearchResult } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import type { LexicalIndex } from '../index/lexical/index.js';
import type { PatentStore } from '../store/index.js';
import { bestCandidates, type ScoredCandidate } from './fusion.js';
import { scoreDense, scoreHybrid, scoreLexical, type DenseSide, type RankInput } from './rank.js';
import type { SearchEngine, SearchOptions } from './types.js';

/** Limits every entry point shares (CLI, API, demands). */
export const SEARCH_LIMITS = {
  maxQueryLength: 4000,
  maxTop: 100,
  maxK: 10_000,
  maxPage: 1000,
} as const;

/** Defaults of the seed method: stage-1 K = 1000, top 10, page 1, no filters. */
export const defaultSearchOptions: SearchOptions = { mode: 'seed', top: 10, page: 1, k: 1000, filters: {} };

const MODES: readonly SearchMode[] = ['seed', 'dense', 'hybrid', 'lexical'];

/** The parts a search engine is made of; each can be swapped (tests, other stores or indexes). */
export interface SearchComponents {
  store: PatentStore;
  lexical: LexicalIndex;
  /** Null until a model has been indexed: every mode then runs on lexical scores. */
  dense: DenseSide | null;
  /** Closes what the engine owns; called by `close()`. */
  onClose?: () => Promise<void>;
}

/**
 * Builds a search engine over ready components.
 *
 * @example
 * const engine = createSearchEngine({ store, lexical, dense: null });
 * await engine.search('이차전지 음극재', { mode: 'lexical', top: 20 });
 */
export function createSearchEngine(components: SearchComponents): SearchEngine {
  const { store, lexical, dense } = components;

  async function run(query: string, options: SearchOptions, exclude?: number): Promise<SearchResult> {
    const mode: SearchMode = dense ? options.mode : 'lexical';
    const input: RankInput = { query, k: options.k, allowed: store.filterIds(options.filters), ...(exclude === undefined ? {} : { exclude }) };
    const candidates = await score(mode, input);
    const start = (options.page - 1) * options.top;
    const page = bestCandidates(candidates, start + options.top).slice(start);
    const patents = store.getByIds(page.map((c) => c.key));
    const hits: SearchHit[] = [];
    for (const candidate of page) {
      const patent = patents.get(candidate.key);
      // A patent removed from the store after indexing is skipped rather than shown half-empty.
      if (!patent) continue;
      hits.push({
        rank: start + hits.length + 1,
        applicationNumber: patent.applicationNumber,
        title: patent.title,
        titleEn: patent.titleEn,
        abstract: patent.abstract,
        ipc: patent.ipc,
        applicant: patent.applicant,
        applicationDate: patent.applicationDate,
        registrationNumber: patent.registrationNumber,
        registrationDate: patent.registrationDate,
        registrationStatus: patent.registrationStatus,
        abstractScore: round(candidate.abstractScore),
        titleScore: round(candidate.titleScore),
        score: round(candidate.score),
      });
    }
    return {
      query,
      mode,
      model: dense && mode !== 'lexical' ? dense.embedder.id : 'lexical',
      total: candidates.length,
      page: options.page,
      top: options.top,
      hits,
    };
  }

  function score(mode: SearchMode, input: RankInput): Promise<ScoredCandidate[]> {
    if (mode === 'lexical' || !dense) return scoreLexical(lexical, input);
    if (mode === 'hybrid') return scoreHybrid(dense, lexical, input);
    return scoreDense(dense, input, mode);
  }

  return {
    model: dense?.embedder.id ?? null,
    async search(query, options) {
      return run(validateQuery(query), resolveOptions(options));
    },
    async similar(applicationNumber, options) {
      const patent = store.getByApplicationNumber(applicationNumber);
      if (!patent) throw new PatmatchError('not_found', `No patent with application number ${applicationNumber}`);
      const text = `${patent.title}\n${patent.abstract}`.slice(0, SEARCH_LIMITS.maxQueryLength);
      return { ...(await run(text, resolveOptions(options), patent.id)), query: patent.applicationNumber };
    },
    async close() {
      await components.onClose?.();
    },
  };
}

/** Trims and checks a demand text; throws `invalid_input` naming the problem. */
export function validateQuery(query: unknown): string {
  if (typeof query !== 'string') throw new PatmatchError('invalid_input', 'query: must be a string');
  const trimmed = query.trim();
  if (trimmed.length === 0) throw new PatmatchError('invalid_input', 'query: must not be empty');
  if (trimmed.length > SEARCH_LIMITS.maxQueryLength) {
    throw new PatmatchError(
      'invalid_input',
      `query: ${trimmed.length} characters is longer than the limit of ${SEARCH_LIMITS.maxQueryLength}`,
    );
  }
  return trimmed;
}

/** Merges options over the defaults and checks each; throws `invalid_input` naming the option. */
export function resolveOptions(options: Partial<SearchOptions> = {}): SearchOptions {
  const merged: SearchOptions = {
    ...defaultSearchOptions,
    ...stripUndefined(options),
    filters: stripUndefined(options.filters ?? {}),
  };
  if (!MODES.includes(merged.mode)) {
    throw new PatmatchError('invalid_input', `mode: "${merged.mode}" is not one of ${MODES.join(', ')}`);
  }
  checkInteger('top', merged.top, 1, SEARCH_LIMITS.maxTop);
  checkInteger('page', merged.page, 1, SEARCH_LIMITS.maxPage);
  checkInteger('k', merged.k, 1, SEARCH_LIMITS.maxK);
  for (const field of ['from', 'to'] as const) {
    const value = merged.filters[field];
    if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new PatmatchError('invalid_input', `${field}: "${value}" is not a date in YYYY-MM-DD form`);
    }
  }
  return merged;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PatmatchError('invalid_input', `${name}: ${value} is not a whole number from ${min} to ${max}`);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
