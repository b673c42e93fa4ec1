/**
 * Match schema step: a patent requested for a demand gets one match per organisation of its
 * applicants, so `match_requests` stops being unique per (demand, patent).
 */
import type Database from 'better-sqlite3';

/** The table constraint the first schema step wrote, which only a rebuild of the table can drop. */
const PER_PATENT = /,\s*UNIQUE \(demand_id, application_number\)/;

/**
 * Rebuilds `match_requests` without `UNIQUE (demand_id, application_number)` and adds a unique index
 * on (demand, patent, organisation) instead; a match still waiting for an admin has no organisation,
 * and counts as one (a table without the constraint already only gets the index). The new table is
 * written from the stored definition, so columns that other steps added survive, and so do their
 * indexes and triggers. `match_events` and `match_outbox` reference the table: with
 * `defer_foreign_keys` their rows may point nowhere between the drop and the copy back, and the copy
 * goes into the renamed table, so each reference is found again before the commit checks them (a
 * reference still dangling then fails the commit, and the step with it).
 *
 * @example
 * migrate(db, 'match', [...earlierSteps, matchPerOrganisation]);
 */
export function matchPerOrganisation(db: Database.Database): void {
  const schema = db.prepare<[], { type: string; sql: string }>(
    `SELECT type, sql FROM sqlite_master WHERE tbl_name = 'match_requests' AND sql IS NOT NULL ORDER BY type DESC`,
  ).all();
  const table = schema.find((entry) => entry.type === 'table')!.sql;
  if (PER_PATENT.test(table)) rebuildWithout(db, table, schema.filter((entry) => entry.type !== 'table').map((entry) => entry.sql));
  db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS match_requests_organization
    ON match_requests(demand_id, application_number, coalesce(organization_key, ''))`);
}

function rebuildWithout(db: Database.Database, table: string, dependents: string[]): void {
  db.pragma('defer_foreign_keys = ON');
  db.exec(`CREATE TEMP TABLE match_requests_rows AS SELECT * FROM match_requests`);
  db.exec(table.replace(PER_PATENT, '').replace(/^CREATE TABLE "?match_requests"?/, 'CREATE TABLE match_requests_rebuilt'));
  db.exec(`DROP TABLE match_requests;
    ALTER TABLE match_requests_rebuilt RENAME TO match_requests;
    INSERT INTO match_requests SELECT * FROM temp.match_requests_rows;
    DROP TABLE temp.match_requests_rows;`);
  for (const sql of dependents) db.exec(sql);
}
