// Reverse matching: the public demands ranked for an organisation by how well its patents answer
// them, each patent scored as the demand's own search scores it (`SearchEngine.scorePatents`).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { SearchMode } from '../../domain/index.js';
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

/** An organisation's ranking of the public demands and its patents, as computed for one state of the indexes and demands. */
export interface MarketRanking {
  organization: string;
  patents: ReadonlyMap<string, OrganisationPatent>;
  demands: RankedDemand[];
}

/** Rankings kept, per (organisation, index build, public demand set). */
export const rankingCache = (): LRUCache<string, Promise<MarketRanking>> => new LRUCache({ max: 64 });

/** A match of the search's own sense: the `related` band or better, or any keyword candidate (no bands). */
const matches = (patent: PatentScore): boolean => patent.score > 0 && patent.band !== 'weak';

/**
 * The public demands the organisation's patents match, best first (ties by older demand). Computed
 * once per organisation, index build (model and store revision) and set of public demands; a
 * change to any of them computes it again.
 *
 * @example
 * const { demands } = await marketRanking(ctx, cache, '인천대학교 산학협력단');
 */
export function marketRanking(ctx: MatchContext, cache: ReturnType<typeof rankingCache>, organization: string): Promise<MarketRanking> {
  const publicDemands = ctx.db.prepare(`SELECT id, query, mode FROM match_demands WHERE visibility = 'public' ORDER BY id`).all() as {
    id: number;
    query: string;
    mode: SearchMode;
  }[];
  const revision = (ctx.db.prepare('SELECT max(revision) AS revision FROM patents').get() as { revision: number | null }).revision ?? 0;
  const demandSet = createHash('sha256').update(publicDemands.map((demand) => demand.id).join(',')).digest('base64url');
  const keys = organisationKeys(ctx, organization);
  const key = JSON.stringify([keys[0], ctx.options.search.model, revision, demandSet]);
  let ranking = cache.get(key);
  if (!ranking) {
    ranking = rank(ctx, organization, keys, publicDemands);
    cache.set(key, ranking);
    ranking.catch(() => cache.delete(key));
  }
  return ranking;
}

async function rank(ctx: MatchContext, organization: string, keys: string[], publicDemands: { id: number; query: string; mode: SearchMode }[]): Promise<MarketRanking> {
  const patents = new Map(organisationPatents(ctx, keys).map((patent) => [patent.applicationNumber, patent]));
  const lists = patents.size === 0 ? [] : await ctx.options.search.scorePatents(publicDemands, [...patents.keys()]);
  const demands = lists.flatMap((list, i) => {
    const matching = list.filter(matches).slice(0, PATENTS_PER_DEMAND);
    return matching.length > 0 ? [{ demandId: publicDemands[i]!.id, score: matching[0]!.score, patents: matching }] : [];
  });
  demands.sort((a, b) => b.score - a.score || a.demandId - b.demandId);
  return { organization, patents, demands };
}
