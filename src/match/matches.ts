// Reading matches: one as its demander, manager or an admin sees it, and a manager's inbox.
// The public methods of MatchService delegate here and carry the doc comments.
import { PatmatchError } from '../domain/errors.js';
import { nameKey } from '../domain/names/index.js';
import type { User } from './accounts.js';
import { visibleMatch, type MatchContext, type MatchRow } from './context.js';
import { matchWithDemand, type MatchView } from './views.js';

export function getMatch(ctx: MatchContext, user: User, id: number): MatchView {
  return matchWithDemand(ctx, visibleMatch(ctx, user, id));
}

export function listManagedMatches(ctx: MatchContext, user: User): MatchView[] {
  if (user.role === 'demander') throw new PatmatchError('forbidden', 'only managers and admins have an inbox of match requests');
  const rows = ctx.db
    .prepare(`SELECT * FROM match_requests WHERE ? OR organization_key = ? ORDER BY id DESC`)
    .all(user.role === 'admin' ? 1 : 0, nameKey(user.organization ?? '')) as MatchRow[];
  return rows.map((row) => matchWithDemand(ctx, row));
}
