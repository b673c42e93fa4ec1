// What managers see of public demands: the ranked list for their organisation, and one demand.
// The public methods of MatchService delegate here and carry the doc comments.
import type { Explanation, ScoreBand, SearchMode } from '../../domain/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { nameKey } from '../../domain/names/index.js';
import type { User } from '../accounts.js';
import { notFound, type DemandRow, type MatchContext } from '../context.js';
import type { MatchStatus } from '../schema.js';
import { marketRanking, type MarketRanking, type RankedDemand } from './ranking.js';
import type { MarketContext } from './index.js';

/** A patent of the manager's organisation that matches a public demand, with why, and its match on that demand if there is one. */
export interface MarketPatentView {
  applicationNumber: string;
  title: string;
  abstract: string;
  applicants: string[];
  /** The scores of the demand's search (`PatentScore`): the cosines to the abstract and title, and the mode's score. */
  abstractScore: number;
  titleScore: number;
  score: number;
  band: ScoreBand | null;
  explanation: Explanation;
  match: { id: number; status: MatchStatus } | null;
}

/** A public demand as a manager sees it: never its owner's contact or email. */
export interface MarketDemandView {
  id: number;
  name: string;
  description: string;
  field: string | null;
  transferKind: string | null;
  mode: SearchMode;
  createdAt: string;
  /** The best matching patent's score; null when none matches (or an admin looks without an organisation). */
  score: number | null;
  patents: MarketPatentView[];
}

/** A page of the market. */
export interface MarketPage {
  organization: string | null;
  total: number;
  limit: number;
  offset: number;
  demands: MarketDemandView[];
}

/** Query of `GET /api/manager/demands`, already validated. */
export interface MarketQuery {
  limit: number;
  offset: number;
  /** Admins only: whose patents to match. */
  organization?: string | undefined;
}

export async function listMarketDemands(ctx: MarketContext, user: User, query: MarketQuery): Promise<MarketPage> {
  const organization = organisationOf(user, query.organization);
  const page = (total: number, demands: MarketDemandView[]): MarketPage => ({ organization, total, limit: query.limit, offset: query.offset, demands });
  if (organization === null) {
    const ids = ctx.db.prepare(`SELECT id FROM match_demands WHERE visibility = 'public' ORDER BY id DESC`).pluck().all() as number[];
    const shown = ids.slice(query.offset, query.offset + query.limit);
    return page(ids.length, await Promise.all(shown.map((id) => marketView(ctx, publicDemand(ctx, id), null, null))));
  }
  const ranking = await marketRanking(ctx, ctx.rankings, organization);
  const shown = ranking.demands.slice(query.offset, query.offset + query.limit);
  return page(ranking.demands.length, await Promise.all(shown.map((ranked) => marketView(ctx, publicDemand(ctx, ranked.demandId), ranking, ranked))));
}

export async function getMarketDemand(ctx: MarketContext, user: User, id: number, asked?: string): Promise<MarketDemandView> {
  const organization = organisationOf(user, asked);
  const demand = publicDemand(ctx, id);
  if (organization === null) return marketView(ctx, demand, null, null);
  const ranking = await marketRanking(ctx, ctx.rankings, organization);
  return marketView(ctx, demand, ranking, ranking.demands.find((ranked) => ranked.demandId === id) ?? null);
}

/** A public demand; `not_found` for a private one, as for one that does not exist. */
export function publicDemand(ctx: MatchContext, id: number): DemandRow {
  const row = ctx.db.prepare(`SELECT * FROM match_demands WHERE id = ? AND visibility = 'public'`).get(id) as DemandRow | undefined;
  if (!row) throw notFound('demand', id);
  return row;
}

/** The organisation whose patents are matched: a manager's own; an admin's choice, or none. */
function organisationOf(user: User, asked: string | undefined): string | null {
  if (user.role === 'demander') throw new PatmatchError('forbidden', 'only technology managers (and admins) look for demanders');
  if (user.role === 'admin') return asked ?? null;
  if (asked !== undefined && nameKey(asked) !== nameKey(user.organization ?? '')) {
    throw new PatmatchError('forbidden', `organization: managers see the demands matching their own organisation (${user.organization}), not ${asked}`);
  }
  return user.organization ?? '';
}

async function marketView(ctx: MatchContext, demand: DemandRow, ranking: MarketRanking | null, ranked: RankedDemand | null): Promise<MarketDemandView> {
  const scores = ranked?.patents ?? [];
  const numbers = scores.map((patent) => patent.applicationNumber);
  const explanations = numbers.length > 0 ? await ctx.options.search.explainPatents(demand.query, numbers) : [];
  const organizationKey = nameKey(ranking?.organization ?? '');
  const matchOf = ctx.db.prepare('SELECT id, status FROM match_requests WHERE demand_id = ? AND application_number = ? AND organization_key = ?');
  return {
    id: demand.id,
    name: demand.name,
    description: demand.description,
    field: demand.field,
    transferKind: demand.transfer_kind,
    mode: demand.mode,
    createdAt: demand.created_at,
    score: ranked?.score ?? null,
    patents: scores.map((score, i) => {
      const patent = ranking!.patents.get(score.applicationNumber)!;
      const match = matchOf.get(demand.id, score.applicationNumber, organizationKey) as { id: number; status: MatchStatus } | undefined;
      return { ...patent, ...score, explanation: explanations[i]!, match: match ?? null };
    }),
  };
}
