import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../store/schema.js';
import { matchPerOrganisation } from './per-organisation.js';
import { MATCH_MIGRATIONS } from './schema.js';

const rows = (db: Database.Database, table: string): unknown[] => db.prepare(`SELECT * FROM ${table} ORDER BY id`).all();

test('match schema step: match_requests is rebuilt unique per (demand, patent, organisation), keeping every row and reference', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 'match', MATCH_MIGRATIONS.slice(0, MATCH_MIGRATIONS.indexOf(matchPerOrganisation)));
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO match_users (email, password_hash, role, created_at) VALUES ('buyer@corp.example', 'x', 'demander', ?)`).run(now);
  db.prepare(
    `INSERT INTO match_demands (user_id, name, description, query, mode, model, recommendations, created_at) VALUES (1, '수요', '설명', '질의', 'seed', 'm', '[]', ?)`,
  ).run(now);
  const request = db.prepare(
    `INSERT INTO match_requests (demand_id, application_number, title, applicants, manager_name, manager_email, organization, organization_key, status, created_at, updated_at)
     VALUES (1, ?, '제목', '["인천대학교 산학협력단","에이치씨테크(주)"]', ?, ?, ?, ?, 'notified', ?, ?)`,
  );
  request.run('1020160138184', '담당자', 'tlo@inu.example', '인천대학교 산학협력단', '인천대학교산학협력단', now, now);
  request.run('1020160049842', null, null, null, null, now, now);
  assert.throws(() => request.run('1020160138184', '담당자', 'tlo@h.example', '에이치씨테크(주)', '에이치씨테크', now, now), /UNIQUE/, 'one match per patent before');
  for (const matchId of [1, 1, 2]) {
    db.prepare(`INSERT INTO match_events (match_id, status, actor, at) VALUES (?, 'requested', 'buyer@corp.example', ?)`).run(matchId, now);
  }
  db.prepare(
    `INSERT INTO match_outbox (message_id, kind, match_id, recipient, subject, body, state, next_attempt_at, created_at)
     VALUES ('<1@x>', 'manager-request', 1, 'tlo@inu.example', 's', 'b', 'sent', 0, 0)`,
  ).run();
  const before = Object.fromEntries(['match_requests', 'match_events', 'match_outbox'].map((table) => [table, rows(db, table)]));

  // Up to this step only: later steps may add columns (the marketplace's `origin`).
  migrate(db, 'match', MATCH_MIGRATIONS.slice(0, MATCH_MIGRATIONS.indexOf(matchPerOrganisation) + 1));

  for (const [table, kept] of Object.entries(before)) assert.deepEqual(rows(db, table), kept, `${table} keeps every row`);
  assert.deepEqual(db.prepare('PRAGMA foreign_key_check').all(), []);
  const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'match_requests' AND sql IS NOT NULL ORDER BY name`).all();
  assert.deepEqual(indexes, [{ name: 'match_requests_org' }, { name: 'match_requests_organization' }]);

  request.run('1020160138184', '담당자', 'tlo@h.example', '에이치씨테크(주)', '에이치씨테크', now, now);
  assert.throws(() => request.run('1020160138184', '담당자 2', 'tlo2@inu.example', '인천대학교 산학협력단', '인천대학교산학협력단', now, now), /UNIQUE/);
  assert.throws(() => request.run('1020160049842', null, null, null, null, now, now), /UNIQUE/, 'one match of a patent waits in the admin queue');
  assert.throws(() => db.prepare(`INSERT INTO match_events (match_id, status, actor, at) VALUES (99, 'requested', 'x', ?)`).run(now), /FOREIGN KEY/);
  db.close();
});
