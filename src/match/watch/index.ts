/**
 * The demand watch: after `patmatch index` (or the server noticing a new build), every watched
 * demand is compared with the patents indexed since, and those that enter its top N are added to
 * its recommendations with one digest email (docs/matching.md, *Demand watch*).
 */
import { readLexicalBuildId, readLexicalMeta } from '../../index/lexical/index.js';
import { readManifest } from '../../index/vectors/index.js';
import { openSearchComponents } from '../../search/index.js';
import { homeLayout } from '../../store/home.js';
import { openStore } from '../../store/index.js';
import { loadSecret } from '../links.js';
import { migrateMatch } from '../schema.js';
import { runWatch, type WatchOptions, type WatchReport } from './run.js';

export { runWatch, defaultWatchOptions, type WatchOptions, type WatchReport } from './run.js';
export { scoreSignals, entering, type LexicalMaxima, type PatentSignals } from './score.js';
export { watchDigestEmail, type DigestLinks } from './digest.js';
export type { Recommendation } from './demands.js';

/**
 * Runs the watch over a home's current indexes: opens them as search does, runs, closes them.
 *
 * @example
 * const report = await watchHome('.patmatch', { publicUrl: 'https://patmatch.example.org' });
 * report.emailsQueued // 3
 */
export async function watchHome(
  home: string,
  options: Partial<Omit<WatchOptions, 'components' | 'build' | 'secret'>> & Pick<WatchOptions, 'publicUrl'>,
): Promise<WatchReport> {
  if (!hasWatchedDemands(home)) return { demands: 0, newRecommendations: 0, emailsQueued: 0, revision: (await indexedRevision(home)) ?? 0, skipped: 0, seconds: 0 };
  const components = await openSearchComponents(home);
  try {
    const revision = Math.min(components.lexical.indexedRevision, components.dense?.vectors.manifest.revision ?? Number.POSITIVE_INFINITY);
    const build = `${readLexicalBuildId(homeLayout(home).lexical) ?? 'lexical'}@${revision}`;
    return await runWatch({ ...options, components, build, secret: await loadSecret(home) });
  } finally {
    await components.onClose();
  }
}

/** Whether any demand watches (without opening the indexes, which a home of 1.6M patents takes seconds to). */
function hasWatchedDemands(home: string): boolean {
  const store = openStore(home);
  try {
    if (!store.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'match_demands'`).get()) return false;
    migrateMatch(store.db);
    return store.db.prepare('SELECT 1 FROM match_demands WHERE watch = 1 LIMIT 1').get() !== undefined;
  } finally {
    store.close();
  }
}

/**
 * The store revision a home's indexes reflect now (the lower of the lexical index's and the
 * vectors'), or null without an index: a new demand's recommendations reflect it, so its watch
 * starts there.
 *
 * @example
 * await indexedRevision('.patmatch') // 2308
 */
export async function indexedRevision(home: string): Promise<number | null> {
  const layout = homeLayout(home);
  let lexical: number;
  try {
    lexical = readLexicalMeta(layout.lexical).indexedRevision;
  } catch {
    return null;
  }
  const manifest = await readManifest(layout.vectors).catch(() => null);
  return Math.min(lexical, manifest?.revision ?? Number.POSITIVE_INFINITY);
}
