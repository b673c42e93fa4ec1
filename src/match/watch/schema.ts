/** Match schema step of the demand watch (docs/matching.md, *Demand watch*). */
import type Database from 'better-sqlite3';

/**
 * The columns of `match_demands` the watch keeps: whether the demand watches for new patents, its
 * search filters (JSON; null = none), what scoring later patents needs (the query vector and its
 * model, the BM25 maxima `{abstract, title}` of its keyword scores; null until the first watch run
 * computes them), the store revision its recommendations reflect (null until the first run), and
 * when its owner last looked at them.
 */
const WATCH_COLUMNS: readonly [string, string][] = [
  ['watch', 'INTEGER NOT NULL DEFAULT 1 CHECK (watch IN (0, 1))'],
  ['filters', 'TEXT CHECK (filters IS NULL OR json_valid(filters))'],
  ['query_vector', 'BLOB'],
  ['vector_model', 'TEXT'],
  ['lexical_max', 'TEXT CHECK (lexical_max IS NULL OR json_valid(lexical_max))'],
  ['watched_revision', 'INTEGER'],
  ['seen_at', 'TEXT'],
];

/**
 * Adds the watch's columns to `match_demands` (those it does not have yet, so the step can run
 * again on a database whose version was set back) and the index the watch pages demands by.
 *
 * @example
 * migrate(db, 'match', [...earlierSteps, addWatchColumns]);
 */
export function addWatchColumns(db: Database.Database): void {
  const present = new Set((db.prepare(`SELECT name FROM pragma_table_info('match_demands')`).all() as { name: string }[]).map((row) => row.name));
  for (const [name, definition] of WATCH_COLUMNS) {
    if (!present.has(name)) db.exec(`ALTER TABLE match_demands ADD COLUMN ${name} ${definition}`);
  }
  db.exec('CREATE INDEX IF NOT EXISTS match_demands_watch ON match_demands(watched_revision, id) WHERE watch = 1');
}
