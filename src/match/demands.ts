// Demands: register one with its recommendation snapshot, list them, read one (watch/owner.ts changes their settings).
// The public methods of MatchService delegate here and carry the doc comments.
import type { User } from './accounts.js';
import { ownDemand, type DemandRow, type MatchContext } from './context.js';
import { matchBodies } from './inputs.js';
import { demandView, type DemandListItem, type DemandView } from './views.js';
import { parseInput } from '../util/validate.js';
import { SEARCH_LIMITS, validateFilters } from '../search/engine.js';

export async function createDemand(ctx: MatchContext, user: User, input: unknown): Promise<DemandView> {
  const demand = parseInput(matchBodies.demand, input, 'demand');
  if (demand.filters) demand.filters = validateFilters(demand.filters, 'demand, filters.');
  // The description may be longer than a search query may be; its start says the most.
  const query = `${demand.name}\n${demand.description}`.slice(0, SEARCH_LIMITS.maxQueryLength);
  // Read before the search, so that the watch never skips a patent the search did not see.
  const watchedRevision = await ctx.options.indexRevision();
  const result = await ctx.options.search.search(query, {
    top: demand.top ?? ctx.options.recommendations,
    ...(demand.mode && { mode: demand.mode }),
    ...(demand.filters && { filters: demand.filters }),
  });
  const row = ctx.db
    .prepare(
      `INSERT INTO match_demands (user_id, name, description, field, transfer_kind, contact, query, mode, model, recommendations, translations, created_at,
         filters, watched_revision, visibility)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(
      user.id,
      demand.name,
      demand.description,
      demand.field || null,
      demand.transferKind || null,
      demand.contact || null,
      query,
      result.mode,
      result.model,
      JSON.stringify(result.hits.map((hit) => ({ ...hit, addedAt: null, build: null }))),
      result.translations ? JSON.stringify(result.translations) : null,
      new Date().toISOString(),
      demand.filters && Object.keys(demand.filters).length > 0 ? JSON.stringify(demand.filters) : null,
      watchedRevision,
      demand.visibility ?? 'private',
    ) as DemandRow;
  return demandView(ctx, row);
}

export function listDemands(ctx: MatchContext, user: User): DemandListItem[] {
  // New recommendations are counted in SQL (as demandView marks them `new`), so the list parses no snapshot.
  const rows = ctx.db
    .prepare(
      `SELECT *, (SELECT count(*) FROM json_each(recommendations) WHERE json_extract(value, '$.addedAt') > coalesce(seen_at, '')) AS new_recommendations
       FROM match_demands WHERE ? OR user_id = ? ORDER BY id DESC`,
    )
    .all(user.role === 'admin' ? 1 : 0, user.id) as (DemandRow & { new_recommendations: number })[];
  return rows.map(({ new_recommendations, ...row }) => {
    const { recommendations: _snapshot, ...view } = demandView(ctx, { ...row, recommendations: '[]' });
    return { ...view, newRecommendations: new_recommendations };
  });
}

export function getDemand(ctx: MatchContext, user: User, id: number): DemandView {
  return demandView(ctx, ownDemand(ctx, user, id));
}
