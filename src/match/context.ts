import type { SearchMode } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import { nameKey } from '../domain/names/index.js';
import type { User } from './accounts.js';
import type { MatchOrigin, MatchStatus, Visibility } from './schema.js';
import type { MatchService } from './service.js';

/** What the verbs of the match workflow use of `MatchService`, which passes itself (internal to src/match). */
export type MatchContext = Pick<MatchService, 'options' | 'db' | 'accounts' | 'managers' | 'outbox' | 'signer'>;

/** A row of `match_demands`. */
export interface DemandRow {
  id: number;
  user_id: number;
  name: string;
  description: string;
  field: string | null;
  transfer_kind: string | null;
  contact: string | null;
  query: string;
  mode: SearchMode;
  model: string;
  recommendations: string;
  translations: string | null;
  visibility: Visibility;
  created_at: string;
  /** 1 while the demand watches for new patents. */
  watch: number;
  /** JSON of its search filters; null: none (or registered before filters were kept). */
  filters: string | null;
  /** When its owner last marked the recommendations seen. */
  seen_at: string | null;
}

/** A row of `match_requests`. */
export interface MatchRow {
  id: number;
  demand_id: number;
  application_number: string;
  title: string;
  /** JSON array of the applicants. */
  applicants: string;
  manager_name: string | null;
  manager_email: string | null;
  organization: string | null;
  organization_key: string | null;
  status: MatchStatus;
  origin: MatchOrigin;
  created_at: string;
  updated_at: string;
}

export const notFound = (what: string, id: number): PatmatchError => new PatmatchError('not_found', `${what} ${id} does not exist`);

/** The demand if this user owns it (or is an admin); `not_found` otherwise, so other demands stay invisible. */
export function ownDemand(ctx: MatchContext, user: User, id: number): DemandRow {
  const row = ctx.db.prepare('SELECT * FROM match_demands WHERE id = ?').get(id) as DemandRow | undefined;
  if (!row || (user.role !== 'admin' && row.user_id !== user.id)) throw notFound('demand', id);
  return row;
}

/** The demand of a match (which always exists: matches reference it). */
export function demandRow(ctx: MatchContext, id: number): DemandRow {
  return ctx.db.prepare('SELECT * FROM match_demands WHERE id = ?').get(id) as DemandRow;
}

export function matchRow(ctx: MatchContext, id: number): MatchRow {
  const row = ctx.db.prepare('SELECT * FROM match_requests WHERE id = ?').get(id) as MatchRow | undefined;
  if (!row) throw notFound('match', id);
  return row;
}

/** The match if this user may see it; `not_found` otherwise, so its existence does not leak. */
export function visibleMatch(ctx: MatchContext, user: User, id: number): MatchRow {
  const row = matchRow(ctx, id);
  const visible =
    user.role === 'admin' ||
    (user.role === 'manager' && row.organization_key !== null && row.organization_key === nameKey(user.organization ?? '')) ||
    (user.role === 'demander' && demandRow(ctx, row.demand_id).user_id === user.id);
  if (!visible) throw notFound('match', id);
  return row;
}

/** A new match: the patent it is for, who routes it (null: the admin queue) and where it starts. */
export interface NewMatch {
  demandId: number;
  applicationNumber: string;
  title: string;
  /** JSON array of the patent's applicants. */
  applicants: string;
  manager: { name: string; email: string; organization: string } | null;
  status: Extract<MatchStatus, 'requested' | 'proposed'>;
  origin: MatchOrigin;
}

/**
 * Inserts a match (inside the caller's transaction) and returns its row; the organisation key is
 * derived from the manager's organisation, as everywhere matches are looked up by it.
 *
 * @example
 * insertMatch(ctx, { demandId: 1, applicationNumber, title, applicants: '[]', manager: null, status: 'requested', origin: 'demander' })
 */
export function insertMatch(ctx: MatchContext, match: NewMatch): MatchRow {
  const now = new Date().toISOString();
  const { manager } = match;
  return ctx.db
    .prepare(
      `INSERT INTO match_requests (demand_id, application_number, title, applicants, manager_name, manager_email,
         organization, organization_key, status, origin, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(
      match.demandId,
      match.applicationNumber,
      match.title,
      match.applicants,
      manager?.name ?? null,
      manager?.email ?? null,
      manager?.organization ?? null,
      manager ? nameKey(manager.organization) : null,
      match.status,
      match.origin,
      now,
      now,
    ) as MatchRow;
}

/** Whether the demand already has a match (requested or proposed, any organisation) for the patent. */
export function hasMatchFor(ctx: MatchContext, demandId: number, applicationNumber: string): boolean {
  return ctx.db.prepare('SELECT 1 FROM match_requests WHERE demand_id = ? AND application_number = ?').get(demandId, applicationNumber) !== undefined;
}
