import type { SearchHit, SearchMode, Translation } from '../domain/index.js';
import { demandRow, type DemandRow, type MatchContext, type MatchRow } from './context.js';
import type { DemandSummary, PatentSummary } from './emails.js';
import type { MatchOrigin, MatchStatus, Visibility } from './schema.js';

/** One line of a match's timeline. */
export interface TimelineEvent {
  status: MatchStatus;
  actor: string;
  message: string | null;
  at: string;
}

/** A match request with its manager (null while it waits in the admin queue) and timeline. */
export interface MatchView {
  id: number;
  demandId: number;
  applicationNumber: string;
  title: string;
  applicants: string[];
  manager: { name: string; email: string; organization: string } | null;
  status: MatchStatus;
  /** Who started it: the demander's request, or a manager's proposal. */
  origin: MatchOrigin;
  createdAt: string;
  updatedAt: string;
  timeline: TimelineEvent[];
  /**
   * The demand, for managers and admins who do not own it. On a manager's proposal, `contact` and
   * `requesterEmail` are null until the demander accepts it.
   */
  demand?: DemandSummary & { id: number };
}

/** A demand with the recommendation snapshot it was shown and the matches requested from it. */
export interface DemandView {
  id: number;
  name: string;
  description: string;
  field: string | null;
  transferKind: string | null;
  contact: string | null;
  /** Who may see it besides its owner and admins: nobody (`private`), or managers whose patents match (`public`). */
  visibility: Visibility;
  query: string;
  mode: SearchMode;
  model: string;
  createdAt: string;
  /** English words of the demand that keyword search (lexical, hybrid) also looked for in Korean. */
  translations: Translation[];
  /** Whether the demand watches for new patents (docs/matching.md, *Demand watch*). */
  watch: boolean;
  /** When its owner last marked the recommendations seen (null: never). */
  seenAt: string | null;
  recommendations: RecommendationView[];
  matches: MatchView[];
}

/** A demand in the list of demands: without its recommendations, with how many of them are `new`. */
export type DemandListItem = Omit<DemandView, 'recommendations'> & { newRecommendations: number };

/**
 * A recommendation as the owner sees it: the search hit, when and by which index build the watch
 * added it (null for the original snapshot), and whether it came after the owner last looked.
 */
export type RecommendationView = SearchHit & { addedAt: string | null; build: string | null; new: boolean };

/** Adds a line to a match's timeline. */
export function appendEvent(ctx: MatchContext, matchId: number, status: MatchStatus, actor: string, message: string | null): void {
  ctx.db
    .prepare('INSERT INTO match_events (match_id, status, actor, message, at) VALUES (?, ?, ?, ?, ?)')
    .run(matchId, status, actor, message, new Date().toISOString());
}

export function summaryOf(ctx: MatchContext, demand: DemandRow): DemandSummary {
  const owner = ctx.accounts.get(demand.user_id);
  return {
    name: demand.name,
    description: demand.description,
    field: demand.field,
    transferKind: demand.transfer_kind,
    contact: demand.contact,
    requesterEmail: owner?.email ?? '?',
  };
}

/**
 * The demand as a match's manager may see it: everything, except on a manager's proposal the
 * demander has not accepted, where their contact and email stay hidden.
 */
export function sharedSummary(ctx: MatchContext, row: MatchRow, demand: DemandRow = demandRow(ctx, row.demand_id)): DemandSummary {
  const summary = summaryOf(ctx, demand);
  return contactShared(ctx, row) ? summary : { ...summary, contact: null, requesterEmail: null };
}

/** Whether the demander shared their contact on this match: they requested it, or accepted the proposal. */
function contactShared(ctx: MatchContext, row: MatchRow): boolean {
  if (row.origin === 'demander') return true;
  return ctx.db.prepare(`SELECT 1 FROM match_events WHERE match_id = ? AND status = 'accepted'`).get(row.id) !== undefined;
}

export function patentOf(row: MatchRow): PatentSummary {
  return { applicationNumber: row.application_number, title: row.title, applicants: JSON.parse(row.applicants) as string[] };
}

export function matchView(ctx: MatchContext, row: MatchRow): MatchView {
  const timeline = ctx.db
    .prepare('SELECT status, actor, message, at FROM match_events WHERE match_id = ? ORDER BY id')
    .all(row.id) as TimelineEvent[];
  return {
    id: row.id,
    demandId: row.demand_id,
    applicationNumber: row.application_number,
    title: row.title,
    applicants: JSON.parse(row.applicants) as string[],
    manager: row.manager_email ? { name: row.manager_name ?? '', email: row.manager_email, organization: row.organization ?? '' } : null,
    status: row.status,
    origin: row.origin,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    timeline,
  };
}

/** The match with its demand, for managers and admins who do not own the demand. */
export function matchWithDemand(ctx: MatchContext, row: MatchRow): MatchView {
  return { ...matchView(ctx, row), demand: { id: row.demand_id, ...sharedSummary(ctx, row) } };
}

export function demandView(ctx: MatchContext, row: DemandRow): DemandView {
  const matches = ctx.db.prepare('SELECT * FROM match_requests WHERE demand_id = ? ORDER BY id').all(row.id) as MatchRow[];
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    field: row.field,
    transferKind: row.transfer_kind,
    contact: row.contact,
    visibility: row.visibility,
    query: row.query,
    mode: row.mode,
    model: row.model,
    createdAt: row.created_at,
    translations: row.translations === null ? [] : (JSON.parse(row.translations) as Translation[]),
    watch: row.watch === 1,
    seenAt: row.seen_at,
    recommendations: (JSON.parse(row.recommendations) as (SearchHit & { addedAt: string | null; build: string | null })[]).map((hit) => ({
      ...hit,
      new: hit.addedAt !== null && (row.seen_at === null || hit.addedAt > row.seen_at),
    })),
    matches: matches.map((match) => matchView(ctx, match)),
  };
}
