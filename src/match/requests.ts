// Requesting recommended patents: one match per organisation of the applicants' known managers, or one in the admin queue.
// The public methods of MatchService delegate here and carry the doc comments.
import type { SearchHit } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import type { User } from './accounts.js';
import type { Manager } from './managers.js';
import { hasMatchFor, insertMatch, matchRow, ownDemand, type MatchContext } from './context.js';
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
      if (hasMatchFor(ctx, demandId, number)) throw new PatmatchError('conflict', `patent ${number} is already requested for demand ${demandId}`);
      const managers: Array<Manager | null> = ctx.managers.lookupAll(hit.applicants);
      return (managers.length > 0 ? managers : [null]).map((manager) => {
        const row = insertMatch(ctx, {
          demandId,
          applicationNumber: number,
          title: hit.title,
          applicants: JSON.stringify(hit.applicants),
          manager,
          status: 'requested',
          origin: 'demander',
        });
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
