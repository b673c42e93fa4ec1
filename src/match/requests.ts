// Requesting recommended patents: one match per organisation of the applicants' known managers, or one in the admin queue.
// The public methods of MatchService delegate here and carry the doc comments.
import type { SearchHit } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import { nameKey } from '../domain/names/index.js';
import type { User } from './accounts.js';
import type { Manager } from './managers.js';
import { matchRow, ownDemand, type MatchContext, type MatchRow } from './context.js';
import { matchBodies } from './inputs.js';
import { enqueueManagerRequest } from './notify.js';
import { appendEvent, matchView, type MatchView } from './views.js';
import { parseInput } from '../util/validate.js';

export function requestMatches(ctx: MatchContext, user: User, demandId: number, input: unknown): MatchView[] {
  const body = parseInput(matchBodies.matches, input, `matches of demand ${demandId}`);
  const created = ctx.db.transaction(() => {
    const demand = ownDemand(ctx, user, demandId);
    const hits = new Map((JSON.parse(demand.recommendations) as SearchHit[]).map((hit) => [hit.applicationNumber, hit]));
    return [...new Set(body.applicationNumbers)].flatMap((number) => {
      const hit = hits.get(number);
      if (!hit) {
        throw new PatmatchError('invalid_input', `matches of demand ${demandId}, applicationNumbers: ${number} is not among its recommendations`);
      }
      const existing = ctx.db.prepare('SELECT id FROM match_requests WHERE demand_id = ? AND application_number = ?').get(demandId, number);
      if (existing) throw new PatmatchError('conflict', `patent ${number} is already requested for demand ${demandId}`);
      const managers: Array<Manager | null> = ctx.managers.lookupAll(hit.applicants);
      return (managers.length > 0 ? managers : [null]).map((manager) => {
        const now = new Date().toISOString();
        const row = ctx.db
          .prepare(
            `INSERT INTO match_requests (demand_id, application_number, title, applicants, manager_name, manager_email,
               organization, organization_key, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?) RETURNING *`,
          )
          .get(
            demandId,
            number,
            hit.title,
            JSON.stringify(hit.applicants),
            manager?.name ?? null,
            manager?.email ?? null,
            manager?.organization ?? null,
            manager ? nameKey(manager.organization) : null,
            now,
            now,
          ) as MatchRow;
        appendEvent(ctx, row.id, 'requested', user.email, body.message ?? null);
        if (manager) enqueueManagerRequest(ctx, row, demand, body.message ?? null);
        else appendEvent(ctx, row.id, 'requested', 'patmatch', 'no known manager: waiting in the admin queue');
        return row.id;
      });
    });
  }).immediate();
  ctx.options.onEnqueue();
  return created.map((id) => matchView(ctx, matchRow(ctx, id)));
}
