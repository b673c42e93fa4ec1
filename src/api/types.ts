import type { FastifyPluginAsync } from 'fastify';
import type { SearchEngine } from '../search/types.js';
import type { PatentStore } from '../store/index.js';
import type { SearchCacheOptions } from './cache.js';

/**
 * The read side of the patent store the API needs; a PatentStore is one, and anything else that
 * answers these three questions can stand in.
 *
 * @example
 * const reader: PatentReader = openStore('.patmatch');
 */
export type PatentReader = Pick<PatentStore, 'getByApplicationNumber' | 'getEvaluations' | 'classDistribution'>;

/** Per-client request limit; `false` turns it off (the loopback benchmark does). */
export type RateLimitOptions = { max: number; timeWindowMs: number } | false;

/**
 * Everything `buildServer` needs. Only `engine` and `store` are required; the rest is merged over
 * `defaultServerOptions`.
 *
 * @example
 * const app = await buildServer({ engine, store, logger: false });
 */
export interface ServerOptions {
  engine: SearchEngine;
  store: PatentReader;
  /** Extra routes (match, demands, auth …), registered after the built-in ones and sharing their error handling. */
  plugins: FastifyPluginAsync[];
  /** KIPRIS detail page; `{applicationNumber}` is replaced by the 13-digit number. */
  kiprisUrlTemplate: string;
  rateLimit: RateLimitOptions;
  /** Result pages kept in memory for repeated searches (paging back, CSV export of the page shown). */
  searchCache: SearchCacheOptions;
  /** `true` = JSON lines at info level (shaped like `logLine`'s), `false` = silent, or the level to log at. */
  logger: boolean | { level: string };
  /** Folder of the built dashboard (`dist/web`); `null` serves the API only. */
  webRoot: string | null;
  /**
   * Addresses or CIDR ranges of reverse proxies (or `loopback`, `linklocal`, `uniquelocal`) whose
   * `X-Forwarded-For`/`-Proto`/`-Host` are believed: the client address they name is then the one
   * rate limits count and logs show. Empty: none, every request is its connection's peer.
   */
  trustProxy: readonly string[];
  /**
   * Told of every response: the route template (`/api/patents/:applicationNumber`, undefined for a
   * path no route takes), method, status and seconds taken (metrics count them).
   */
  onResponse?: (route: string | undefined, method: string, status: number, seconds: number) => void;
}
