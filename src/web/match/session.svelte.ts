/**
 * The match pages' calls: the session (login, logout, who am I) and JSON writes that carry the
 * session's CSRF token. Reads use the dashboard's `getJson`.
 */
import { ApiError, getJson } from '../api.js';
import type { User } from '../../match/accounts.js';
import type { DemandListItem, DemandView, MatchView, TimelineEvent } from '../../match/views.js';
import type { OutboxEntry, OutboxState } from '../../match/outbox.js';
import type { Visibility } from '../../match/schema.js';
import type { MarketDemandView, MarketPage, MarketPatentView } from '../../match/market/index.js';
import type { HitDetails } from '../../api/hits.js';

export type { User, DemandListItem, DemandView, MatchView, TimelineEvent, OutboxEntry, OutboxState, Visibility };
export { STATUS_LABELS } from '../../match/emails.js';

/** A patent the market matches to a demand, with its evaluation and KIPRIS link. */
export type MarketPatent = MarketPatentView & HitDetails;
/** A public demand as `/api/manager/demands` lists it. */
export type MarketDemand = Omit<MarketDemandView, 'patents'> & { patents: MarketPatent[] };
/** A page of `/api/manager/demands`. */
export type MarketList = Omit<MarketPage, 'demands'> & { demands: MarketDemand[] };

/** A manager's proposal the demander has not answered yet. */
export const isOpenProposal = (match: MatchView): boolean => match.origin === 'manager' && match.status === 'proposed';

/** The logged-in user and the CSRF token their writes must carry; `user` is null when logged out. */
export const session = $state<{ user: User | null; csrfToken: string | null; checked: boolean; ended: boolean }>({
  user: null,
  csrfToken: null,
  checked: false,
  /** The server ended the session while the page was open (shown above the login form). */
  ended: false,
});

/**
 * Sends JSON with the CSRF header and returns the JSON answer (or nothing for 204).
 *
 * @example
 * const demand = await sendJson<DemandView>('POST', '/api/demands', { name, description });
 */
export async function sendJson<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(session.csrfToken && { 'x-csrf-token': session.csrfToken }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, '서버에 연결할 수 없습니다. 서버가 실행 중인지 확인하세요.');
  }
  if (response.status === 204) return undefined as T;
  const answer = (await response.json().catch(() => null)) as (T & { detail?: string }) | null;
  if (!response.ok) throw new ApiError(response.status, answer?.detail ?? `${response.status} ${response.statusText}`);
  return answer as T;
}

/** Finds out whether a session cookie is already there. */
export async function loadSession(): Promise<void> {
  try {
    const me = await getJson<{ user: User; csrfToken: string | null }>('/api/auth/me');
    Object.assign(session, { user: me.user, csrfToken: me.csrfToken });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
    Object.assign(session, { user: null, csrfToken: null });
  } finally {
    session.checked = true;
  }
}

/** Logs in; the server sets the httpOnly cookie, the CSRF token is kept in memory. */
export async function login(email: string, password: string): Promise<void> {
  const answer = await sendJson<{ user: User; csrfToken: string }>('POST', '/api/auth/login', { email, password });
  Object.assign(session, { user: answer.user, csrfToken: answer.csrfToken, ended: false });
}

export async function logout(): Promise<void> {
  await sendJson<void>('POST', '/api/auth/logout');
  Object.assign(session, { user: null, csrfToken: null });
}

/** A readable message for any failure. */
export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One action at a time for a view: `busy` while it runs, `error` when it (or a refresh) failed.
 *
 * @example
 * const action = new ActionState();
 * await action.run(() => sendJson('POST', '/api/demands', body));
 */
export class ActionState {
  busy = $state(false);
  error = $state<string | null>(null);
  /** Whether `error` came from a background load, which the next successful load clears. */
  #fromLoad = false;

  /** Runs a background load: a failure is shown until a later load succeeds; an action's message stays. */
  async load(task: () => Promise<unknown>): Promise<void> {
    try {
      await task();
      if (this.#fromLoad) this.error = null;
      this.#fromLoad = false;
    } catch (reason) {
      this.#fail(reason, true);
    }
  }

  /** Runs what the user asked for: busy meanwhile, its failure replaces any earlier message. */
  async run(action: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await action();
    } catch (reason) {
      this.#fail(reason, false);
    } finally {
      this.busy = false;
    }
  }

  #fail(reason: unknown, fromLoad: boolean): void {
    this.#fromLoad = fromLoad;
    if (reason instanceof ApiError && reason.status === 401) endSession();
    this.error = describeError(reason);
  }
}

/**
 * Forgets a session the server no longer knows (logged out elsewhere, expired): the match page
 * then shows the login form and says why.
 */
export function endSession(): void {
  Object.assign(session, { user: null, csrfToken: null, ended: true });
}

/**
 * Calls `refresh` now and then every `intervalMs`; returns the stop function, so it fits `$effect`.
 *
 * @example
 * $effect(() => poll(refresh));
 */
export function poll(refresh: () => Promise<void>, intervalMs = 10_000): () => void {
  void refresh();
  const timer = setInterval(() => void refresh(), intervalMs);
  return () => clearInterval(timer);
}
