import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../store/schema.js';
import { MATCH_MIGRATIONS, migrateMatch } from '../schema.js';
import { addMarketplace } from './schema.js';

test('marketplace step: existing demands become private, matches demander-made, rows and foreign keys survive, proposed is allowed', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  const before = MATCH_MIGRATIONS.indexOf(addMarketplace);
  migrate(db, 'match', MATCH_MIGRATIONS.slice(0, before));
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO match_users (email, password_hash, role, created_at) VALUES ('buyer@corp.example', 'x', 'demander', ?)`).run(now);
  db.prepare(`INSERT INTO match_demands (user_id, name, description, query, mode, model, recommendations, created_at) VALUES (1, '수요', '설명', '질의', 'seed', 'm', '[]', ?)`).run(now);
  db.prepare(`INSERT INTO match_requests (demand_id, application_number, title, status, created_at, updated_at) VALUES (1, '1020160000001', '제목', 'notified', ?, ?)`).run(now, now);
  db.prepare(`INSERT INTO match_events (match_id, status, actor, at) VALUES (1, 'requested', 'buyer@corp.example', ?), (1, 'notified', 'patmatch', ?)`).run(now, now);
  db.prepare(`INSERT INTO match_outbox (message_id, kind, match_id, recipient, subject, body, state, next_attempt_at, created_at) VALUES ('<a@x>', 'manager-request', 1, 'tlo@x.example', 's', 'b', 'sent', 0, 0)`).run();

  migrateMatch(db);

  assert.deepEqual(db.prepare('SELECT visibility FROM match_demands').all(), [{ visibility: 'private' }]);
  assert.deepEqual(db.prepare('SELECT id, status, origin FROM match_requests').all(), [{ id: 1, status: 'notified', origin: 'demander' }]);
  assert.equal((db.prepare('SELECT count(*) AS n FROM match_events WHERE match_id = 1').get() as { n: number }).n, 2);
  assert.equal((db.prepare('SELECT count(*) AS n FROM match_outbox WHERE match_id = 1').get() as { n: number }).n, 1);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).all() as { name: string }[]).map((row) => row.name);
  for (const index of ['match_requests_org', 'match_events_match', 'match_outbox_due']) assert.ok(indexes.includes(index), `${index} is recreated`);

  db.prepare(`INSERT INTO match_requests (demand_id, application_number, title, status, origin, created_at, updated_at) VALUES (1, '1020160000002', '제목 2', 'proposed', 'manager', ?, ?)`).run(now, now);
  db.prepare(`INSERT INTO match_events (match_id, status, actor, at) VALUES (2, 'proposed', 'tlo@x.example (manager)', ?)`).run(now);
  assert.throws(() => db.prepare(`UPDATE match_demands SET visibility = 'everyone'`).run(), /CHECK constraint failed/);
  assert.throws(() => db.prepare(`INSERT INTO match_events (match_id, status, actor, at) VALUES (99, 'proposed', 'x', ?)`).run(now), /FOREIGN KEY/);
});
