// A match's status machine and what moves it: status changes, timeline messages, signed email links and delivered (or only logged) request emails.
// The public methods of MatchService delegate here and carry the doc comments.
import { PatmatchError } from '../domain/errors.js';
import type { User } from './accounts.js';
import { matchRow, notFound, visibleMatch, type MatchContext, type MatchRow } from './context.js';
import { LOGGED_NOTICE } from './emails.js';
import { matchBodies } from './inputs.js';
import type { LinkAction, LinkClaim } from './links.js';
import { enqueueManagerMessage, enqueueProposalAnswer, enqueueStatusUpdate, enqueueWithdrawal } from './notify.js';
import type { OutboxEntry } from './outbox.js';
import type { MatchStatus } from './schema.js';
import { appendEvent, matchView, matchWithDemand, type MatchView } from './views.js';
import { parseInput } from '../util/validate.js';

/** Who changes a match: a logged-in user, the manager holding a signed link, or patmatch itself. */
export type Actor = { user: User } | { link: LinkClaim } | { system: string };

/** Where each status may go next. */
const NEXT: Record<MatchStatus, readonly MatchStatus[]> = {
  proposed: ['accepted', 'declined', 'closed'],
  requested: ['notified', 'viewed', 'accepted', 'declined', 'closed'],
  notified: ['viewed', 'accepted', 'declined', 'closed'],
  viewed: ['accepted', 'declined', 'closed'],
  accepted: ['negotiating', 'closed'],
  declined: [],
  negotiating: ['transferred', 'closed'],
  transferred: [],
  closed: [],
};
/** Statuses a demander may set on their own match (withdrawing it); managers set the rest, except the answer to a proposal. */
const DEMANDER_STATUSES: readonly MatchStatus[] = ['closed'];
/** What the demander answers to a manager's proposal; its manager can only withdraw it (closed). */
const PROPOSAL_ANSWERS: readonly MatchStatus[] = ['accepted', 'declined'];
const LINK_STATUS: Record<Exclude<LinkAction, 'question'>, MatchStatus> = { accept: 'accepted', decline: 'declined' };

export function changeStatus(ctx: MatchContext, actor: Actor, id: number, input: unknown): MatchView {
  const body = parseInput(matchBodies.status, input, `status of match ${id}`);
  withMatch(ctx, actor, id, (row) => {
    checkMayChange(roleOf(actor), row, body.status);
    transition(ctx, actor, row, body.status, body.message ?? null);
  });
  return matchView(ctx, matchRow(ctx, id));
}

export function postMessage(ctx: MatchContext, actor: Actor, id: number, input: unknown): MatchView {
  const { message } = parseInput(matchBodies.message, input, `message on match ${id}`);
  withMatch(ctx, actor, id, (row) => {
    if (NEXT[row.status].length === 0) {
      throw new PatmatchError('conflict', `match ${id} is ${row.status}; it takes no more messages`);
    }
    const role = roleOf(actor);
    const who = actorName(actor, row);
    if (role === 'manager' && (row.status === 'requested' || row.status === 'notified')) {
      transition(ctx, actor, row, 'viewed', message);
      return;
    }
    appendEvent(ctx, row.id, row.status, who, message);
    if (role !== 'demander') enqueueStatusUpdate(ctx, row, row.status, who, message);
    else if (row.manager_email) enqueueManagerMessage(ctx, row, message);
  });
  return matchView(ctx, matchRow(ctx, id));
}

export function respondByLink(ctx: MatchContext, claim: LinkClaim, signature: string, message: string | undefined): MatchView {
  verifyLink(ctx, claim, signature);
  const actor = { link: claim };
  if (claim.action === 'question') return postMessage(ctx, actor, claim.matchId, { message });
  return changeStatus(ctx, actor, claim.matchId, { status: LINK_STATUS[claim.action], ...(message && { message }) });
}

export function linkedMatch(ctx: MatchContext, claim: LinkClaim, signature: string): MatchView {
  verifyLink(ctx, claim, signature);
  return matchWithDemand(ctx, matchRow(ctx, claim.matchId));
}

export function emailSent(ctx: MatchContext, entry: OutboxEntry): void {
  if (entry.kind !== 'manager-request' || entry.matchId === null) return;
  const row = matchRow(ctx, entry.matchId);
  if (row.status === 'requested') transition(ctx, { system: 'patmatch (email delivered)' }, row, 'notified', null);
}

export function emailLogged(ctx: MatchContext, entry: OutboxEntry): void {
  if (entry.kind !== 'manager-request' || entry.matchId === null) return;
  if (matchRow(ctx, entry.matchId).status === 'requested') appendEvent(ctx, entry.matchId, 'requested', 'patmatch', LOGGED_NOTICE);
}

function verifyLink(ctx: MatchContext, claim: LinkClaim, signature: string): void {
  if (!ctx.signer.verify(claim, signature)) {
    throw new PatmatchError('forbidden', 'this link is not valid or has expired; ask the requester for a new one');
  }
}

function withMatch(ctx: MatchContext, actor: Actor, id: number, change: (row: MatchRow) => void): void {
  // IMMEDIATE: the write lock is taken before the read, so a concurrent writer in another server
  // process makes this wait (busy timeout) rather than fail with SQLITE_BUSY on upgrade.
  ctx.db.transaction(() => {
    const row = 'user' in actor ? visibleMatch(ctx, actor.user, id) : matchRow(ctx, id);
    if ('link' in actor && actor.link.matchId !== id) throw notFound('match', id);
    change(row);
  }).immediate();
  ctx.options.onEnqueue();
}

function transition(ctx: MatchContext, actor: Actor, row: MatchRow, status: MatchStatus, message: string | null): void {
  const who = actorName(actor, row);
  if (!NEXT[row.status].includes(status)) {
    throw new PatmatchError('conflict', `match ${row.id} is ${row.status}; it cannot become ${status}`);
  }
  ctx.db.transaction(() => {
    ctx.db.prepare('UPDATE match_requests SET status = ?, updated_at = ? WHERE id = ?').run(status, new Date().toISOString(), row.id);
    appendEvent(ctx, row.id, status, who, message);
    if (row.status === 'proposed' && PROPOSAL_ANSWERS.includes(status)) enqueueProposalAnswer(ctx, row, status, who, message);
    else enqueueStatusUpdate(ctx, row, status, who, message);
    // A manager who has (or will get) the request hears that the demander withdrew it.
    if (status === 'closed' && row.manager_email && 'user' in actor && actor.user.role === 'demander') enqueueWithdrawal(ctx, row, message);
  })();
}

/** The role an actor acts in: a signed link is its match's manager, patmatch itself acts as an admin. */
function roleOf(actor: Actor): User['role'] {
  return 'link' in actor ? 'manager' : 'user' in actor ? actor.user.role : 'admin';
}

/** Refuses a change the actor's role may not make: demanders withdraw, or answer a proposal; a proposal's manager only withdraws it. */
function checkMayChange(role: User['role'], row: MatchRow, status: MatchStatus): void {
  const answering = row.status === 'proposed' && PROPOSAL_ANSWERS.includes(status);
  if (role === 'demander' && !answering && !DEMANDER_STATUSES.includes(status)) {
    throw new PatmatchError('forbidden', `a demander can only close a match or answer a proposal, not set match ${row.id} to ${status}`);
  }
  if (role === 'manager' && answering) {
    throw new PatmatchError('forbidden', `match ${row.id} is a proposal: the demander accepts or declines it; its manager can only withdraw it (closed)`);
  }
}

function actorName(actor: Actor, row: MatchRow): string {
  if ('user' in actor) return `${actor.user.email} (${actor.user.role})`;
  if ('system' in actor) return actor.system;
  return `${row.manager_name ?? 'manager'} <${row.manager_email ?? '?'}> (email link)`;
}
