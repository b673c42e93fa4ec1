import type { Explanation, Patent, SearchFilters, SearchHit, SearchMode, SearchResult } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import type { LexicalIndex } from '../index/lexical/index.js';
import type { PatentStore } from '../store/index.js';
import { expandQuery, type QueryLexicon } from '../text/lexicon/index.js';
import { matchCount, SCORE_BANDS, scoreBand } from './bands.js';
import { createExplainer, type Explainer } from './explain/index.js';
import { bestCandidates, rankCandidates, resolveHybridOptions, type HybridOptions, type ScoredCandidate } from './fusion.js';
import { scoreDense, scoreGiven, scoreHybrid, scoreLexical, type DenseSide, type RankInput } from './rank.js';
import type { PatentScore, SearchEngine, SearchOptions } from './types.js';

/** Limits every entry point shares (CLI, API, demands). */
export const SEARCH_LIMITS = {
  maxQueryLength: 4000,
  maxTop: 100,
  maxK: 10_000,
  maxPage: 1000,
} as const;

/**
 * The mode a search without one uses (CLI, API, dashboard, demands), chosen by held-out retrieval
 * figures (docs/search.md, *Default mode*). Without an indexed model every mode runs as `lexical`.
 *
 * @example
 * await engine.search('이차전지 음극재') // same as { mode: DEFAULT_SEARCH_MODE }
 */
export const DEFAULT_SEARCH_MODE: SearchMode = 'hybrid';

/** Defaults of a search: the default mode, stage-1 K = 1000, top 10, page 1, no filters. */
export const defaultSearchOptions: SearchOptions = { mode: DEFAULT_SEARCH_MODE, top: 10, page: 1, k: 1000, filters: {} };

const MODES: readonly SearchMode[] = ['seed', 'dense', 'hybrid', 'lexical'];

/** The parts a search engine is made of; each can be swapped (tests, other stores or indexes). */
export interface SearchComponents {
  store: PatentStore;
  lexical: LexicalIndex;
  /** Null until a model has been indexed: every mode then runs on lexical scores. */
  dense: DenseSide | null;
  /** English → Korean words of the model (`patmatch_lexicon.json`), added to keyword queries; null or absent: none. */
  lexicon?: QueryLexicon | null;
  /** Explains the hits of each page; default: over the lexical index's analyser, the dense embedder and the lexicon. */
  explainer?: Explainer;
  /** How `hybrid` weighs its scores, merged over `defaultHybridOptions`. */
  hybrid?: Partial<HybridOptions>;
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
  const lexicon = components.lexicon ?? null;
  // Counting the store is a scan; it is redone only when the store changed.
  let counted = { revision: -1, count: 0 };
  const storedPatents = (): number => {
    const revision = store.currentRevision;
    if (counted.revision !== revision) counted = { revision, count: store.count() };
    return counted.count;
  };
  const explainer = components.explainer ?? createExplainer({ analyzer: lexical.analyzer, embedder: dense?.embedder ?? null, lexicon });
  const hybrid = resolveHybridOptions(components.hybrid);

  async function run(query: string, options: SearchOptions, exclude?: number): Promise<SearchResult> {
    const mode: SearchMode = dense ? options.mode : 'lexical';
    const { input, translations } = rankInput(query, mode, options.k, store.filterIds(options.filters), exclude);
    const candidates = await score(mode, input);
    const start = (options.page - 1) * options.top;
    const page = bestCandidates(candidates, start + options.top).slice(start);
    const stored = store.getByIds(page.map((c) => c.key));
    // A patent removed from the store after indexing is skipped rather than shown half-empty.
    const shown = page.flatMap((candidate) => {
      const patent = stored.get(candidate.key);
      return patent ? [{ candidate, patent }] : [];
    });
    const explanations = await explainer.explain(query, shown.map(({ patent }) => patent));
    const hits = shown.map(({ candidate, patent }, i) => searchHit(patent, candidate, mode, start + i + 1, explanations[i]!));
    return {
      query,
      mode,
      model: dense && mode !== 'lexical' ? dense.embedder.id : 'lexical',
      total: candidates.length,
      considered: consideredCount(input),
      matched: matchCount(mode, candidates),
      bands: SCORE_BANDS[mode],
      page: options.page,
      top: options.top,
      ...(translations.length > 0 ? { translations } : {}),
      hits,
    };
  }

  /** What every ranking of a query takes, with the translations its keyword side added. */
  function rankInput(query: string, mode: SearchMode, k: number, allowed: RankInput['allowed'], exclude?: number) {
    const keywords = expandQuery(query, mode === 'lexical' || mode === 'hybrid' ? lexicon : null);
    const input: RankInput = { query, lexicalQuery: keywords.text, k, allowed, ...(exclude === undefined ? {} : { exclude }) };
    return { input, translations: keywords.translations };
  }

  /** The patents a search could return: those the filters allow (all stored ones without filters), less the excluded one. */
  function consideredCount({ allowed, exclude }: RankInput): number {
    const excluded = exclude !== undefined && (allowed?.has(exclude) ?? true) ? 1 : 0;
    return (allowed?.size ?? storedPatents()) - excluded;
  }

  function score(mode: SearchMode, input: RankInput): Promise<ScoredCandidate[]> {
    if (mode === 'lexical' || !dense) return scoreLexical(lexical, input);
    if (mode === 'hybrid') return scoreHybrid(dense, lexical, input, hybrid);
    return scoreDense(dense, input, mode);
  }

  return {
    model: dense?.embedder.id ?? null,
    lexicon,
    async search(query, options) {
      return run(validateQuery(query), resolveOptions(options));
    },
    async similar(applicationNumber, options) {
      const patent = store.getByApplicationNumber(applicationNumber);
      if (!patent) throw new PatmatchError('not_found', `No patent with application number ${applicationNumber}`);
      const text = `${patent.title}\n${patent.abstract}`.slice(0, SEARCH_LIMITS.maxQueryLength);
      return { ...(await run(text, resolveOptions(options), patent.id)), query: patent.applicationNumber };
    },
    async scorePatents(queries, applicationNumbers) {
      const patents = applicationNumbers.flatMap((number) => store.getByApplicationNumber(number) ?? []);
      const keys = patents.map((patent) => patent.id);
      const numberOf = new Map(patents.map((patent) => [patent.id, patent.applicationNumber]));
      const lists: PatentScore[][] = [];
      for (const { query, mode: asked, filters } of queries) {
        // Many queries take seconds: other requests are answered in between.
        await new Promise(setImmediate);
        const text = validateQuery(query);
        const mode: SearchMode = dense ? resolveOptions({ mode: asked }).mode : 'lexical';
        const allowed = filters ? store.filterIds(filters) : null;
        const { input } = rankInput(text, mode, defaultSearchOptions.k, allowed);
        const given = allowed ? keys.filter((key) => allowed.has(key)) : keys;
        const scored = rankCandidates(await scoreGiven(mode, dense, lexical, input, given, hybrid));
        lists.push(scored.map((candidate) => ({ applicationNumber: numberOf.get(candidate.key)!, ...roundedScores(mode, candidate) })));
      }
      return lists;
    },
    async explainPatents(query, applicationNumbers) {
      const patents = applicationNumbers.map((number) => store.getByApplicationNumber(number));
      const explanations = await explainer.explain(validateQuery(query), patents.filter((patent) => patent !== null));
      let next = 0;
      return patents.map((patent) => (patent ? explanations[next++]! : { sentences: [], terms: [] }));
    },
    async close() {
      await components.onClose?.();
    },
  };
}

/** A candidate's scores as hits show them: rounded to 6 decimals, with the mode's band. */
function roundedScores(mode: SearchMode, candidate: ScoredCandidate): Pick<SearchHit, 'abstractScore' | 'titleScore' | 'score' | 'band'> {
  return { abstractScore: round(candidate.abstractScore), titleScore: round(candidate.titleScore), score: round(candidate.score), band: scoreBand(mode, candidate) };
}

/**
 * A search hit as every ranking shows it: the patent's fields, the candidate's rounded scores, the
 * mode's band and the explanation. The demand watch makes its new recommendations with it too.
 *
 * @example
 * searchHit(patent, { key: patent.id, abstractScore: 0.61, titleScore: 0.58, score: 0.6 }, 'seed', 1, explanation)
 */
export function searchHit(patent: Patent, candidate: ScoredCandidate, mode: SearchMode, rank: number, explanation: Explanation): SearchHit {
  return {
    rank,
    applicationNumber: patent.applicationNumber,
    title: patent.title,
    titleEn: patent.titleEn,
    abstract: patent.abstract,
    ipc: patent.ipc,
    applicants: patent.applicants,
    applicationDate: patent.applicationDate,
    registrationNumber: patent.registrationNumber,
    registrationDate: patent.registrationDate,
    registrationStatus: patent.registrationStatus,
    ...roundedScores(mode, candidate),
    explanation,
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
  merged.filters = validateFilters(merged.filters);
  return merged;
}

/** An IPC prefix as filters take it: section, class, subclass, main group, subgroup (`H01G 11/86`). */
export const IPC_PREFIX = /^[A-H](\d{2}([A-Z]( ?\d{1,4}(\/\d{1,6})?)?)?)?$/;
// C0/C1 controls: filters are one-line values.
const CONTROL = /\p{Cc}/u;

/**
 * Checks the filters every entry point shares (CLI, API, demands) and normalises the IPC prefix to
 * upper case; throws `invalid_input` naming the filter, after `where` (e.g. `querystring.`).
 *
 * @example
 * validateFilters({ ipc: 'h01g 11', from: '2016-01-01' }) // { ipc: 'H01G 11', from: '2016-01-01' }
 */
export function validateFilters(filters: SearchFilters, where = ''): SearchFilters {
  const checked: SearchFilters = { ...filters };
  for (const [field, value] of Object.entries(filters) as [keyof SearchFilters, unknown][]) {
    if (value === undefined) continue;
    if (!FILTER_LENGTHS[field]) throw new PatmatchError('invalid_input', `${where}${field}: is not a filter (ipc, from, to, applicant, status)`);
    if (typeof value !== 'string') throw new PatmatchError('invalid_input', `${where}${field}: must be a string`);
    if (value.length > FILTER_LENGTHS[field]) {
      throw new PatmatchError('invalid_input', `${where}${field}: ${value.length} characters is longer than the limit of ${FILTER_LENGTHS[field]}`);
    }
    if (CONTROL.test(value)) throw new PatmatchError('invalid_input', `${where}${field}: contains control characters`);
  }
  if (checked.ipc !== undefined) {
    checked.ipc = checked.ipc.trim().toUpperCase().replace(/\s+/g, ' ');
    if (!IPC_PREFIX.test(checked.ipc)) {
      throw new PatmatchError('invalid_input', `${where}ipc: "${filters.ipc}" is not an IPC prefix such as H01G, H01G 11 or H01G 11/86`);
    }
  }
  // The filter matches one applicant (any of a patent's); a separator would match none.
  if (checked.applicant !== undefined && /[|;]/.test(checked.applicant)) {
    throw new PatmatchError('invalid_input', `${where}applicant: "${filters.applicant}" names several applicants; give one (any co-applicant matches)`);
  }
  for (const field of ['from', 'to'] as const) {
    const value = checked[field];
    if (value !== undefined && !isCalendarDate(value)) {
      throw new PatmatchError('invalid_input', `${where}${field}: "${value}" is not a date in YYYY-MM-DD form`);
    }
  }
  if (checked.from && checked.to && checked.from > checked.to) {
    throw new PatmatchError('invalid_input', `${where}from: ${checked.from} is after to (${checked.to})`);
  }
  return checked;
}

/** `YYYY-MM-DD` naming a real day (not 2020-02-30). */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Longest value of each filter (characters). */
export const FILTER_LENGTHS: Record<keyof SearchFilters, number> = { ipc: 20, from: 10, to: 10, applicant: 200, status: 50 };

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
