/**
 * The marketplace side of the match workflow: public demands ranked for a technology manager's
 * organisation by how its patents answer them (scored as each demand's own search scores them),
 * and the manager's proposals of their patents (docs/matching.md, *Managers find demanders*).
 */
import type { MatchContext } from '../context.js';
import type { rankingCache } from './ranking.js';

export { listMarketDemands, getMarketDemand, type MarketPage, type MarketDemandView, type MarketPatentView, type MarketQuery } from './demands.js';
export { proposePatents } from './proposals.js';
export { rankingCache, marketRanking, PATENTS_PER_DEMAND, type MarketRanking, type RankedDemand } from './ranking.js';
export { addMarketplace } from './schema.js';

/** What the market verbs use of `MatchService`: the match context and its cache of rankings. */
export type MarketContext = MatchContext & { rankings: ReturnType<typeof rankingCache> };
