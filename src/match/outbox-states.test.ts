import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { PATENT_MIGRATIONS } from '../store/index.js';
import { migrate } from '../store/schema.js';
import { allowLoggedEmails } from './outbox-states.js';
import { MATCH_MIGRATIONS, migrateMatch } from './schema.js';

/** A database as the patmatch before the `logged` state left it, with a match and one outbox email in each old state. */
function olderDatabase(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 'patents', PATENT_MIGRATIONS);
  migrate(db, 'match', MATCH_MIGRATIONS.slice(0, MATCH_MIGRATIONS.indexOf(allowLoggedEmails)));
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO match_users (email, password_hash, role, created_at) VALUES ('buyer@corp.example', 'x', 'demander', ?)`).run(now);
  db.prepare(`INSERT INTO match_demands (user_id, name, description, query, mode, model, recommendations, created_at) VALUES (1, '수요', '설명', '질의', 'seed', 'm', '[]', ?)`).run(now);
  db.prepare(
    `INSERT INTO match_requests (demand_id, application_number, title, applicants, status, created_at, updated_at) VALUES (1, '1020160000001', '제목', '[]', 'requested', ?, ?)`,
  ).run(now, now);
  const email = db.prepare(
    `INSERT INTO match_outbox (message_id, kind, match_id, recipient, subject, body, state, attempts, next_attempt_at, claimed_at, claim_token, last_error, smtp_response, sent_at, created_at)
     VALUES (?, ?, ?, 'tlo@univ.example', ?, '본문', ?, ?, 100, ?, ?, ?, ?, ?, 50)`,
  );
  email.run('<a@x>', 'manager-request', 1, '요청', 'pending', 0, null, null, null, null, null);
  email.run('<b@x>', 'status-update', 1, '상태', 'sending', 1, 90, 'token', null, null, null);
  email.run('<c@x>', 'status-update', null, '보냄', 'sent', 1, 80, null, null, '250 ok', 81);
  email.run('<d@x>', 'manager-request', 1, '실패', 'failed', 3, 70, null, '550 no such user', null, null);
  return db;
}

const outboxRows = (db: Database.Database): unknown[] => db.prepare('SELECT * FROM match_outbox ORDER BY id').all();

test('the outbox state `logged` step keeps every email, its indexes and its foreign key', () => {
  const db = olderDatabase();
  const before = outboxRows(db);
  assert.throws(() => db.prepare(`UPDATE match_outbox SET state = 'logged' WHERE id = 1`).run(), /CHECK constraint failed/);

  migrateMatch(db);

  assert.deepEqual(outboxRows(db), before);
  assert.equal(before.length, 4);
  const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'match_outbox' AND sql IS NOT NULL`).pluck().all();
  assert.deepEqual(indexes, ['match_outbox_due']);
  db.prepare(`UPDATE match_outbox SET state = 'logged' WHERE id = 1`).run();
  assert.throws(() => db.prepare(`UPDATE match_outbox SET state = 'lost' WHERE id = 1`).run(), /CHECK constraint failed/);
  assert.throws(() => db.prepare(`UPDATE match_outbox SET match_id = 999 WHERE id = 1`).run(), /FOREIGN KEY constraint failed/);
  assert.throws(() => db.prepare('DELETE FROM match_requests WHERE id = 1').run(), /FOREIGN KEY constraint failed/);
  assert.deepEqual(db.prepare('PRAGMA foreign_key_check').all(), []);
  assert.equal(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'match_outbox_new'`).pluck().get(), 0);
  db.close();
});

test('the step refuses to commit an outbox whose emails point at missing matches (written with foreign keys off)', () => {
  const db = olderDatabase();
  db.pragma('foreign_keys = OFF');
  db.prepare('UPDATE match_outbox SET match_id = 999 WHERE id = 1').run();
  assert.throws(() => migrate(db, 'match', MATCH_MIGRATIONS), /1 outbox emails refer to matches that do not exist; nothing was changed/);
  assert.throws(() => db.prepare(`UPDATE match_outbox SET state = 'logged' WHERE id = 2`).run(), /CHECK constraint failed/, 'the old table is still there');
  assert.equal(outboxRows(db).length, 4);
  db.close();
});
