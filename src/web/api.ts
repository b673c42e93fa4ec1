/**
 * The dashboard's only way to the server: typed GETs whose failures become `ApiError`s carrying the
 * problem document's detail, so every page can say what went wrong.
 */
import type { ApiEvaluation, ApiHit, ApiSearchResult } from '../api/hits.js';
import type { Patent } from '../domain/index.js';
import type { ClassDistribution } from '../store/index.js';

export type { ApiEvaluation, ApiHit, ApiSearchResult, ClassDistribution };

/** A patent as `/api/patents/{applicationNumber}` returns it. */
export interface ApiPatent extends Patent {
  evaluation: ApiEvaluation | null;
  kiprisUrl: string;
}

/** A failed request: HTTP status (0 when the server could not be reached) and a readable reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * GETs JSON from the API; query values that are undefined or empty are left out.
 *
 * @example
 * const page = await getJson<ApiSearchResult>('/api/search', { q: '그래핀 전극', page: 2 });
 */
export async function getJson<T>(path: string, query: Record<string, string | number | undefined> = {}, signal?: AbortSignal): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const url = params.size > 0 ? `${path}?${params}` : path;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, '서버에 연결할 수 없습니다. 서버가 실행 중인지 확인하세요.');
  }
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => null)) as { detail?: string } | null;
  throw new ApiError(response.status, body?.detail ?? `${response.status} ${response.statusText}`);
}

/** Search options besides the demand, as `/api/search` takes them; empty ones are left out. */
export interface SearchOptions {
  mode?: string;
  ipc?: string;
  from?: string;
  to?: string;
  applicant?: string;
}

/** The option names, in the order the form shows them. */
export const SEARCH_OPTION_KEYS = ['mode', 'ipc', 'from', 'to', 'applicant'] as const;

/** The URL of the CSV export of one results page, with the same options. */
export function exportUrl(query: string, page: number, top: number, options: SearchOptions = {}): string {
  const params = new URLSearchParams({ q: query, page: String(page), top: String(top), format: 'csv' });
  for (const key of SEARCH_OPTION_KEYS) if (options[key]) params.set(key, options[key]);
  return `/api/export?${params}`;
}

const distributions = new Map<string, Promise<ClassDistribution>>();

/**
 * One 6T class's index values, fetched once per page load.
 *
 * @example
 * const it = await classDistribution('IT'); it.pqi.length === it.count
 */
export function classDistribution(tech6t: string): Promise<ClassDistribution> {
  let pending = distributions.get(tech6t);
  if (!pending) {
    pending = getJson<ClassDistribution>(`/api/classes/${encodeURIComponent(tech6t)}/distribution`);
    pending.catch(() => distributions.delete(tech6t));
    distributions.set(tech6t, pending);
  }
  return pending;
}
