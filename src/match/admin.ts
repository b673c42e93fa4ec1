// Admin verbs: the queue of unrouted matches, routing one to a manager, re-sending a failed or only logged email.
// The public methods of MatchService delegate here and carry the doc comments.
import { PatmatchError } from '../domain/errors.js';
import { nameKey } from '../domain/names/index.js';
import type { User } from './accounts.js';
import { demandRow, matchRow, type MatchContext, type MatchRow } from './context.js';
import { matchBodies } from './inputs.js';
import { demanderMessages, enqueueManagerRequest, managerRequest, WAITING_FOR_MANAGER } from './notify.js';
import type { OutboxEntry } from './outbox.js';
import { appendEvent, matchView, matchWithDemand, type MatchView } from './views.js';
import { parseInput } from '../util/validate.js';

export function adminQueue(ctx: MatchContext, user: User): MatchView[] {
  requireAdmin(user);
  const rows = ctx.db
    .prepare(
      `SELECT * FROM match_requests r WHERE r.status = 'requested' AND (r.manager_email IS NULL OR (
         EXISTS (SELECT 1 FROM match_outbox o WHERE o.match_id = r.id AND o.kind = 'manager-request' AND o.state = 'failed')
         AND NOT EXISTS (SELECT 1 FROM match_outbox o WHERE o.match_id = r.id AND o.kind = 'manager-request' AND o.state <> 'failed')))
       ORDER BY r.id`,
    )
    .all() as MatchRow[];
  return rows.map((row) => matchWithDemand(ctx, row));
}

export function assignManager(ctx: MatchContext, user: User, id: number, input: unknown): MatchView {
  requireAdmin(user);
  const manager = parseInput(matchBodies.manager, input, `manager of match ${id}`);
  ctx.db.transaction(() => {
    const row = matchRow(ctx, id);
    if (row.status !== 'requested') {
      throw new PatmatchError('conflict', `match ${id} is ${row.status}: its manager ${row.manager_email ?? ''} already has the request`);
    }
    const organizationKey = nameKey(manager.organization);
    const sibling = ctx.db
      .prepare('SELECT id FROM match_requests WHERE demand_id = ? AND application_number = ? AND organization_key = ? AND id <> ?')
      .get(row.demand_id, row.application_number, organizationKey, id) as { id: number } | undefined;
    if (sibling) {
      throw new PatmatchError(
        'conflict',
        `match ${id}: patent ${row.application_number} of demand ${row.demand_id} already has match ${sibling.id} with ${manager.organization}; close this one or route it to another organisation`,
      );
    }
    if (ctx.outbox.cancelUnsent(id, 'manager-request', `cancelled: match ${id} was routed to ${manager.email}`) === 'sending') {
      throw new PatmatchError('conflict', `match ${id}: an email to ${row.manager_email} is being sent right now; try again in a minute`);
    }
    ctx.db
      .prepare(`UPDATE match_requests SET manager_name = ?, manager_email = ?, organization = ?, organization_key = ?, updated_at = ? WHERE id = ?`)
      .run(manager.name, manager.email.toLowerCase(), manager.organization, organizationKey, new Date().toISOString(), id);
    appendEvent(ctx, id, 'requested', user.email, `assigned to ${manager.name} <${manager.email}> (${manager.organization})`);
    const demand = demandRow(ctx, row.demand_id);
    enqueueManagerRequest(ctx, matchRow(ctx, id), demand, demanderMessages(ctx, id, demand));
  }).immediate();
  ctx.options.onEnqueue();
  return matchView(ctx, matchRow(ctx, id));
}

export function retryEmail(ctx: MatchContext, user: User, id: number): OutboxEntry {
  requireAdmin(user);
  const entry = ctx.db.transaction(() => {
    const email = ctx.outbox.get(id);
    if (email?.state === 'logged' && !ctx.options.mailServer) {
      throw new PatmatchError('conflict', `outbox email ${id} was only logged; start serve with --smtp to send it, as it would only be logged again`);
    }
    if (email?.kind !== 'manager-request' || email.matchId === null) return ctx.outbox.retry(id);
    const row = matchRow(ctx, email.matchId);
    if (!WAITING_FOR_MANAGER.includes(row.status)) {
      throw new PatmatchError('conflict', `outbox email ${id}: match ${row.id} is ${row.status}; its manager request is no longer needed`);
    }
    const demand = demandRow(ctx, row.demand_id);
    return ctx.outbox.retry(id, managerRequest(ctx, row, demand, demanderMessages(ctx, row.id, demand)));
  }).immediate();
  ctx.options.onEnqueue();
  return entry;
}

function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw new PatmatchError('forbidden', 'only admins can do this');
}
