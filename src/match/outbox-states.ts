import type Database from 'better-sqlite3';
import { OUTBOX_STATES } from './outbox.js';

const STATE_CHECK = /CHECK \(state IN \([^)]*\)\)/;

/**
 * Match schema step: lets `match_outbox.state` be every state of `OUTBOX_STATES` (adds `logged`).
 * SQLite cannot alter a CHECK constraint, so the table is rebuilt the way SQLite documents it
 * (https://sqlite.org/lang_altertable.html#otheralter): a new table from the stored definition with
 * only the CHECK changed (so columns other steps added stay), every row copied, the old table
 * dropped, the new one renamed, its indexes recreated. It runs inside the migration's transaction;
 * nothing references match_outbox, and a foreign key check afterwards refuses to commit a table
 * whose `match_id`s point nowhere.
 *
 * @example
 * migrate(db, 'match', [...earlierSteps, allowLoggedEmails]);
 */
export function allowLoggedEmails(db: Database.Database): void {
  const { sql } = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'match_outbox'`).get() as { sql: string };
  if (!STATE_CHECK.test(sql)) throw new Error(`match schema: cannot find the state CHECK of match_outbox in ${sql}`);
  const indexes = db
    .prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'match_outbox' AND sql IS NOT NULL`)
    .all() as { sql: string }[];
  const states = OUTBOX_STATES.map((state) => `'${state}'`).join(', ');
  const rebuilt = sql.replace(/^CREATE TABLE "?match_outbox"?/, 'CREATE TABLE match_outbox_new').replace(STATE_CHECK, `CHECK (state IN (${states}))`);
  db.exec(rebuilt);
  const copied = db.prepare('INSERT INTO match_outbox_new SELECT * FROM match_outbox').run().changes;
  const before = (db.prepare('SELECT count(*) AS n FROM match_outbox').get() as { n: number }).n;
  if (copied !== before) throw new Error(`match schema: copied ${copied} of ${before} outbox emails; nothing was changed`);
  db.exec('DROP TABLE match_outbox; ALTER TABLE match_outbox_new RENAME TO match_outbox;');
  for (const index of indexes) db.exec(index.sql);
  const broken = db.prepare('PRAGMA foreign_key_check(match_outbox)').all();
  if (broken.length > 0) throw new Error(`match schema: ${broken.length} outbox emails refer to matches that do not exist; nothing was changed`);
}
