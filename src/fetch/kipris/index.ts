/**
 * `fetch kipris`: pulls patents from the KIPRIS Plus Open API (`patUtiModInfoSearchSevice`) into the
 * store, page by page, through the same normalisation and upsert as `ingest`. Each page is stored
 * in one transaction with the query's sync record, so a killed or failed run resumes at the first
 * page not stored, and a finished query fetched again reports what changed.
 */
import { PatmatchError } from '../../domain/errors.js';
import type { Patent } from '../../domain/index.js';
import { normalizePatent } from '../../domain/normalize/index.js';
import type { RawRecord } from '../../ingest/source.js';
import type { PatentStore, UpsertCounts } from '../../store/index.js';
import { parsePage, type KiprisPage } from './page.js';
import { createPacer, getText, type RequestOptions } from './request.js';
import { migrateSync, readSync, writeSync, type PassCounts, type SyncRecord } from './sync.js';

export { redact } from './request.js';
export { readSync, type SyncRecord } from './sync.js';

/** The public KIPRIS Plus REST gateway (the `accessKey` one); operation paths are appended to it. */
export const DEFAULT_BASE_URL = 'https://plus.kipris.or.kr/openapi/rest/';

/** The service every operation belongs to (its name is misspelt so by KIPRIS). */
const SERVICE = 'patUtiModInfoSearchSevice';

/** The meanings `docsStart` can be given (see `FetchKiprisOptions.docsStart`). */
export const DOCS_START = ['page', 'offset'] as const;
export type DocsStart = (typeof DOCS_START)[number];

/** What to search: an applicant (name or 12-digit applicant code), or free text. */
export type KiprisQuery = { applicant: string } | { word: string };

/** Options of `fetchKipris`. */
export interface FetchKiprisOptions extends Omit<RequestOptions, 'onRetry'> {
  /** The KIPRIS Plus access key; never written anywhere. */
  key: string;
  /** Operation paths are appended to it, so a mirror or a test server can stand in. */
  baseUrl: string;
  /** Items per page (`docsCount`); KIPRIS Plus serves at most 500. */
  docsCount: number;
  /**
   * What `docsStart` holds: the page number from 1 (`page`, as the recorded pages of the shared data
   * were fetched), or the 1-based position of the page's first item (`offset`: 1, 501, 1001 …).
   */
  docsStart: DocsStart;
  /** Stop after this many pages in this run (the next run resumes after them). */
  maxPages?: number;
  /** Fetch and compare with the store, but write nothing (not even the sync record). */
  dryRun: boolean;
  /** Milliseconds between the starts of two requests (politeness). */
  minIntervalMs: number;
  /** Rejections kept in the summary. */
  maxRejections: number;
  /** Told after each page: the page number, and the pages the query has (null while unknown). */
  onPage?: (page: number, totalPages: number | null, summary: FetchSummary) => void;
  /** Told of each failed request that will be retried (the reason has the key redacted). */
  onRetry?: (page: number, attempt: number, reason: string, delayMs: number) => void;
}

/** The defaults of `fetchKipris` (every option but `key`). */
export const defaultFetchOptions: Omit<FetchKiprisOptions, 'key'> = {
  baseUrl: DEFAULT_BASE_URL,
  docsCount: 500,
  docsStart: 'page',
  dryRun: false,
  minIntervalMs: 1000,
  timeoutMs: 30_000,
  retries: 4,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
  maxBytes: 64 * 1024 * 1024,
  maxRejections: 1000,
};

/** A record of a page that normalisation refused. */
export interface FetchRejection {
  page: number;
  item: number;
  applicationNumber?: string;
  field: string;
  reason: string;
}

/** What one run did. Counts are this run's; `resumedFromPage` is set when it continued an unfinished pass. */
export interface FetchSummary extends PassCounts {
  /** `<operation>:<term>`, the key of the sync record. */
  query: string;
  resumedFromPage: number | null;
  /** The last page stored (or, in a dry run, read). */
  lastPage: number;
  /** `TotalSearchCount` of the last page read. */
  totalCount: number | null;
  /** Whether the query's last page was reached (false after `--max-pages`). */
  complete: boolean;
  dryRun: boolean;
  rejections: FetchRejection[];
}

/**
 * Fetches a query's pages into the store, resuming an unfinished pass.
 *
 * @example
 * const summary = await fetchKipris(store, { applicant: '120040373042' }, { key: process.env.KIPRIS_SERVICE_KEY! });
 * summary.inserted; summary.resumedFromPage;
 */
export async function fetchKipris(store: PatentStore, query: KiprisQuery, options: Partial<FetchKiprisOptions> & { key: string }): Promise<FetchSummary> {
  const settings: FetchKiprisOptions = { ...defaultFetchOptions, ...options };
  const { operation, param, term } = checkQuery(query);
  const base = checkBaseUrl(settings.baseUrl);
  if (settings.key.trim() === '' || /\s/.test(settings.key)) throw new PatmatchError('invalid_input', 'the KIPRIS Plus access key is empty or holds spaces');
  if (!DOCS_START.includes(settings.docsStart)) throw new PatmatchError('invalid_input', `--docs-start: "${String(settings.docsStart)}" is not ${DOCS_START.join(' or ')}`);
  if (!settings.dryRun) migrateSync(store.db);

  const id = `${operation}:${term}`;
  const earlier = settings.dryRun ? readSyncIfMigrated(store, id) : readSync(store.db, id);
  // A pass is resumed only with the same paging: other pages would hold other items.
  const resuming = earlier?.status === 'running' && earlier.docsCount === settings.docsCount && earlier.docsStart === settings.docsStart;
  const startPage = resuming ? earlier.pagesDone + 1 : 1;
  const pass: SyncRecord = resuming
    ? { ...earlier }
    : { query: id, docsCount: settings.docsCount, docsStart: settings.docsStart, pagesDone: 0, totalCount: null, status: 'running', ...zeroCounts(), startedAt: now(), updatedAt: now() };
  const summary: FetchSummary = {
    query: id,
    ...zeroCounts(),
    resumedFromPage: resuming ? startPage : null,
    lastPage: startPage - 1,
    totalCount: pass.totalCount,
    complete: false,
    dryRun: settings.dryRun,
    rejections: [],
  };
  const source = `kipris-plus:${operation}?${param}=${term}`;
  const pacer = createPacer(settings.minIntervalMs);

  for (let page = startPage; settings.maxPages === undefined || page < startPage + settings.maxPages; page++) {
    const url = new URL(`${SERVICE}/${operation}`, base);
    const docsStart = settings.docsStart === 'page' ? page : (page - 1) * settings.docsCount + 1;
    url.search = new URLSearchParams({ [param]: term, docsStart: String(docsStart), docsCount: String(settings.docsCount), patent: 'true', utility: 'true', accessKey: settings.key }).toString();
    let answer: KiprisPage;
    try {
      const onRetry = (attempt: number, reason: string, delayMs: number) => settings.onRetry?.(page, attempt, reason, delayMs);
      answer = await getText(url, settings.key, { ...settings, onRetry }, pacer, parsePage);
    } catch (error) {
      throw stoppedAt(error, page, startPage, id);
    }
    const { patents, rejected } = normalizePage(answer.records, page, summary, settings.maxRejections);
    const totalPages = answer.header.totalCount === null ? null : Math.ceil(answer.header.totalCount / settings.docsCount);
    const last = answer.records.length < settings.docsCount || (totalPages !== null && page >= totalPages);
    const counts = settings.dryRun
      ? compareOnly(store, patents, source)
      : store.db.transaction(() => {
          const stored = store.upsertPatents(patents, source);
          addCounts(pass, { pages: 1, fetched: answer.records.length, rejected, ...stored });
          Object.assign(pass, { pagesDone: page, totalCount: answer.header.totalCount, status: last ? 'done' : 'running', updatedAt: now() });
          writeSync(store.db, pass);
          return stored;
        }).immediate();
    addCounts(summary, { pages: 1, fetched: answer.records.length, rejected, ...counts });
    Object.assign(summary, { lastPage: page, totalCount: answer.header.totalCount, complete: last });
    settings.onPage?.(page, totalPages, summary);
    if (last) break;
  }
  return summary;
}

function checkQuery(query: KiprisQuery): { operation: string; param: string; term: string } {
  const [operation, param, raw] =
    'applicant' in query ? ['applicantNameSearchInfo', 'applicant', query.applicant] : ['freeSearchInfo', 'word', query.word];
  const term = typeof raw === 'string' ? raw.normalize('NFC').trim() : '';
  const flag = `--${param}`;
  if (term === '') throw new PatmatchError('invalid_input', `${flag}: give a non-empty ${param === 'word' ? 'search text' : 'applicant name or code'}`);
  if (term.length > 200) throw new PatmatchError('invalid_input', `${flag}: ${term.length} characters, more than the 200 a query may have`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(term)) throw new PatmatchError('invalid_input', `${flag}: holds control characters`);
  return { operation, param, term };
}

function checkBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PatmatchError('invalid_input', `--base-url: ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PatmatchError('invalid_input', `--base-url: ${url.protocol} is not http: or https:`);
  if (url.search || url.hash || url.username || url.password) throw new PatmatchError('invalid_input', '--base-url: give the address without a query, fragment or credentials');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** Normalises a page's records as `ingest` does, noting rejections in the summary. */
function normalizePage(records: readonly RawRecord[], page: number, summary: FetchSummary, maxRejections: number): { patents: Patent[]; rejected: number } {
  const patents: Patent[] = [];
  let rejected = 0;
  for (const record of records) {
    const result = record.problems ? null : normalizePatent(record.fields);
    if (result?.ok) {
      patents.push(result.patent);
      continue;
    }
    rejected++;
    const raw = record.fields.applicationNumber;
    const applicationNumber = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
    for (const problem of record.problems ?? (result && !result.ok ? result.problems : [])) {
      if (summary.rejections.length >= maxRejections) break;
      summary.rejections.push({ page, item: record.location.item ?? 0, ...(applicationNumber ? { applicationNumber } : {}), field: problem.field, reason: problem.reason });
    }
  }
  return { patents, rejected };
}

class Rollback extends Error {}

/** What storing the page would do, found by storing it in a transaction that is rolled back. */
function compareOnly(store: PatentStore, patents: readonly Patent[], source: string): UpsertCounts {
  let counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  try {
    store.db.transaction(() => {
      counts = store.upsertPatents(patents, source);
      throw new Rollback();
    })();
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return counts;
}

/** A dry run reads the sync record without creating its table. */
function readSyncIfMigrated(store: PatentStore, id: string): SyncRecord | null {
  const table = store.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kipris_sync'`).get();
  return table ? readSync(store.db, id) : null;
}

/** The error that stopped the run, saying which pages are stored and where the next run starts. */
function stoppedAt(error: unknown, page: number, startPage: number, id: string): unknown {
  if (!(error instanceof PatmatchError)) return error;
  const kept = page > startPage ? `pages ${startPage}–${page - 1} of this run are stored; ` : '';
  return new PatmatchError(error.code, `${error.message} — stopped at page ${page} of ${id}; ${kept}the next run resumes at page ${page}`, error.details);
}

function zeroCounts(): PassCounts {
  return { pages: 0, fetched: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
}

function addCounts(into: PassCounts, add: PassCounts): void {
  for (const key of Object.keys(add) as Array<keyof PassCounts>) into[key] += add[key];
}

function now(): string {
  return new Date().toISOString();
}
