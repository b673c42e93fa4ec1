// Reverse matching: the public demands ranked for an organisation by how well its patents answer
// them, each patent scored as the demand's own search scores it (`SearchEngine.scorePatents`).
import { LRUCache } from 'lru-cache';
import type { SearchFilters, SearchMode } from '../../domain/index.js';
import type { PatentScore } from '../../search/types.js';
import type { MatchContext } from '../context.js';
import { organisationKeys, organisationPatents, type OrganisationPatent } from './organisation.js';

/** Matching patents kept per demand (the best ones). */
export const PATENTS_PER_DEMAND = 5;

/** A public demand and the organisation's patents that match it, best first; its score is the best patent's. */
export interface RankedDemand {
  demandId: number;
  score: number;
  patents: PatentScore[];
}

/** An organisation's ranking of the public demands and its patents. */
export interface MarketRanking {
  organization: string;
  patents: ReadonlyMap<string, OrganisationPatent>;
  demands: RankedDemand[];
}

/** What is kept per organisation and index build: its patents, and each demand scored so far (null: none of the patents matches). */
interface Scored {
  patents: ReadonlyMap<string, OrganisationPatent>;
  demands: Map<number, RankedDemand | null>;
}

/** Scored demands kept, per (organisation, index build). */
export const rankingCache = (): LRUCache<string, Scored> => new LRUCache({ max: 64 });

/** A match of the search's own sense: the `related` band or better, or any keyword candidate (no bands). */
const matches = (patent: PatentScore): boolean => patent.score > 0 && patent.band !== 'weak';

/**
 * The public demands the organisation's patents match, best first (ties by older demand). A
 * demand's query and mode never change, so its scores are kept per organisation and index build
 * (model and store revision): only demands not scored yet (new, or newly public) are scored, and a
 * new build scores them all again.
 *
 * @example
 * const { demands } = await marketRanking(ctx, cache, '인천대학교 산학협력단');
 */
export async function marketRanking(ctx: MatchContext, cache: ReturnType<typeof rankingCache>, organization: string): Promise<MarketRanking> {
  const publicDemands = ctx.db.prepare(`SELECT id, query, mode, filters FROM match_demands WHERE visibility = 'public' ORDER BY id`).all() as {
    id: number;
    query: string;
    mode: SearchMode;
    filters: string | null;
  }[];
  const revision = (ctx.db.prepare('SELECT max(revision) AS revision FROM patents').get() as { revision: number | null }).revision ?? 0;
  const keys = organisationKeys(ctx, organization);
  const key = JSON.stringify([keys[0], ctx.options.search.model, revision]);
  let scored = cache.get(key);
  if (!scored) {
    scored = { patents: new Map(organisationPatents(ctx, keys).map((patent) => [patent.applicationNumber, patent])), demands: new Map() };
    cache.set(key, scored);
  }
  const missing = publicDemands.filter((demand) => !scored.demands.has(demand.id));
  const lists = missing.length > 0 && scored.patents.size > 0 ? await ctx.options.search.scorePatents(
          missing.map(({ query, mode, filters }) => ({ query, mode, filters: filters === null ? null : (JSON.parse(filters) as SearchFilters) })),
          [...scored.patents.keys()],
        ) : [];
  missing.forEach((demand, i) => {
    const matching = (lists[i] ?? []).filter(matches).slice(0, PATENTS_PER_DEMAND);
    scored.demands.set(demand.id, matching.length > 0 ? { demandId: demand.id, score: matching[0]!.score, patents: matching } : null);
  });
  const demands = publicDemands.flatMap((demand) => scored.demands.get(demand.id) ?? []);
  demands.sort((a, b) => b.score - a.score || a.demandId - b.demandId);
  return { organization, patents: scored.patents, demands };
}
