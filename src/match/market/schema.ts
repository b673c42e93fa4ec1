/**
 * Match schema step of the marketplace: demands get a visibility, matches an origin, and a match a
 * manager proposed starts as `proposed`, which the status checks of `match_requests` and
 * `match_events` must allow.
 */
import type Database from 'better-sqlite3';

/** The match tables that hold a status, and the outbox, which references matches (rebuilt with them). */
const REBUILT = ['match_requests', 'match_events', 'match_outbox'] as const;
const STATUS_CHECK = 'CHECK (status IN (';

/**
 * Adds `match_demands.visibility` ('private' for every existing demand), `match_requests.origin`
 * ('demander' for every existing match) and the status `proposed`. SQLite cannot change a CHECK
 * constraint, so the tables are rebuilt from their own CREATE statements (whatever columns and
 * indexes earlier steps gave them), with `proposed` added to each status list. The tables that
 * reference `match_requests` are rebuilt with it and dropped before it: dropping a parent table
 * that still has children fails the foreign keys at commit, even deferred.
 *
 * @example
 * migrate(db, 'match', [...earlierSteps, addMarketplace]);
 */
export function addMarketplace(db: Database.Database): void {
  db.exec(`ALTER TABLE match_demands ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public'));
    CREATE INDEX match_demands_public ON match_demands(id) WHERE visibility = 'public';
    ALTER TABLE match_requests ADD COLUMN origin TEXT NOT NULL DEFAULT 'demander' CHECK (origin IN ('demander', 'manager'));`);
  db.pragma('defer_foreign_keys = ON');
  const rebuilt = (table: string): string => `${table}_rebuilt`;
  const schema = REBUILT.map((table) => {
    const { sql } = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) as { sql: string };
    const indexes = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`).all(table) as { sql: string }[];
    let created = sql.replace(/^CREATE TABLE\s+"?\w+"?/, `CREATE TABLE ${rebuilt(table)}`).replace(/REFERENCES\s+"?match_requests"?\s*\(/g, `REFERENCES ${rebuilt('match_requests')}(`);
    if (table !== 'match_outbox') {
      if (!created.includes(STATUS_CHECK)) throw new Error(`match schema: ${table} has no status check to add 'proposed' to`);
      created = created.replaceAll(STATUS_CHECK, `${STATUS_CHECK}'proposed', `);
    }
    return { table, created, indexes: indexes.map((index) => index.sql) };
  });
  for (const { table, created } of schema) db.exec(`${created}; INSERT INTO ${rebuilt(table)} SELECT * FROM ${table};`);
  for (const { table } of [...schema].reverse()) db.exec(`DROP TABLE ${table}`);
  for (const { table, indexes } of schema) db.exec(`ALTER TABLE ${rebuilt(table)} RENAME TO ${table}; ${indexes.join(';\n')}`);
}
