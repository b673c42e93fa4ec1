import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchMode } from '../../domain/index.js';
import { PatmatchError } from '../../domain/errors.js';
import type { Recommendation } from '../../match/watch/index.js';
import { openStore } from '../../store/index.js';

/** What a kept `--work-dir` of `bench watch` holds once prepared, so a later run times the watch again without rebuilding. */
export interface PreparedWatchHome {
  docs: number;
  demands: number;
  added: number;
  model: string | null;
  modes: Partial<Record<SearchMode, number>>;
  /** Seconds `index` took for the added patents. */
  indexSeconds: number;
  /** The store revision the demands were registered at (before the additions). */
  revision: number;
}

const MANIFEST = 'bench-watch.json';

/**
 * The prepared home of a `--work-dir`, or null when it holds none (a new folder); throws when it
 * was prepared for other sizes.
 *
 * @example
 * readPrepared('/tmp/bw', { docs: 100_000, demands: 10_000, added: 10_000 }) // { revision: 100000, … }
 */
export function readPrepared(workDir: string, sizes: Pick<PreparedWatchHome, 'docs' | 'demands' | 'added'>): PreparedWatchHome | null {
  let prepared: PreparedWatchHome;
  try {
    prepared = JSON.parse(readFileSync(join(workDir, MANIFEST), 'utf8')) as PreparedWatchHome;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PatmatchError('invalid_input', `--work-dir ${workDir}: ${MANIFEST} is unreadable (${(error as Error).message}); name a new folder`);
  }
  const differs = (['docs', 'demands', 'added'] as const).filter((size) => prepared[size] !== sizes[size]);
  if (differs.length > 0) {
    const was = differs.map((size) => `--${size} ${prepared[size]}`).join(' ');
    throw new PatmatchError('invalid_input', `--work-dir ${workDir} was prepared with ${was}; pass the same sizes or name a new folder`);
  }
  return prepared;
}

/**
 * Records a prepared home in its `--work-dir` (the last step of preparing it).
 *
 * @example
 * writePrepared('/tmp/bw', prepared);
 */
export function writePrepared(workDir: string, prepared: PreparedWatchHome): void {
  writeFileSync(join(workDir, MANIFEST), `${JSON.stringify(prepared, null, 2)}\n`);
}

/**
 * Sets every demand back to what registering it stored (watching, at `revision`, without the
 * recommendations a watch added) and drops the digests, so the next watch run does the same work.
 *
 * @example
 * resetDemands('/tmp/bw', 100_000);
 */
export function resetDemands(workDir: string, revision: number): void {
  const store = openStore(workDir);
  try {
    const db = store.db;
    const rows = db.prepare('SELECT id, recommendations FROM match_demands').all() as { id: number; recommendations: string }[];
    const update = db.prepare('UPDATE match_demands SET watch = 1, watched_revision = ?, recommendations = ? WHERE id = ?');
    db.transaction(() => {
      for (const row of rows) {
        const original = (JSON.parse(row.recommendations) as Recommendation[]).filter((hit) => hit.addedAt === null);
        update.run(revision, JSON.stringify(original), row.id);
      }
      db.prepare(`DELETE FROM match_outbox WHERE kind = 'watch-digest'`).run();
    })();
  } finally {
    store.close();
  }
}
