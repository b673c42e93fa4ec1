import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { PATENT_MIGRATIONS } from '../store/index.js';
import { migrate } from '../store/schema.js';
import { MATCH_MIGRATIONS, migrateMatch } from './schema.js';

test('match schema step 3: request and snapshot applicants become lists, from the store when it holds the patent', () => {
  const db = new Database(':memory:');
  migrate(db, 'patents', PATENT_MIGRATIONS);
  migrate(db, 'match', MATCH_MIGRATIONS.slice(0, 2));
  db.prepare(
    `INSERT INTO patents (application_number, kind, title, abstract, ipc, applicants, source, revision)
     VALUES ('1020160000001', 'patent', '제목', '요약', '[]', '["삼성전자주식회사","서울대학교산학협력단"]', 'x', 1)`,
  ).run();
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO match_users (email, password_hash, role, created_at) VALUES ('buyer@corp.example', 'x', 'demander', ?)`).run(now);
  const snapshot = [
    { rank: 1, applicationNumber: '1020160000001', title: '제목', applicant: '삼성전자주식회사|서울대학교산학협력단', score: 0.5 },
    { rank: 2, applicationNumber: '1020160000002', title: '다른 제목', applicant: '지오씨 주식회사 인천대학교 산학협력단', score: 0.4 },
  ];
  db.prepare(
    `INSERT INTO match_demands (user_id, name, description, query, mode, model, recommendations, created_at)
     VALUES (1, '수요', '설명', '질의', 'seed', 'm', ?, ?)`,
  ).run(JSON.stringify(snapshot), now);
  const request = db.prepare(
    `INSERT INTO match_requests (demand_id, application_number, title, applicant, status, created_at, updated_at) VALUES (1, ?, ?, ?, 'requested', ?, ?)`,
  );
  request.run('1020160000001', '제목', '삼성전자주식회사|서울대학교산학협력단', now, now);
  request.run('1020160000002', '다른 제목', '지오씨 주식회사 인천대학교 산학협력단', now, now);

  migrateMatch(db);

  const requests = db.prepare('SELECT application_number, applicants FROM match_requests ORDER BY id').all() as Array<{ application_number: string; applicants: string }>;
  assert.deepEqual(
    requests.map((row) => JSON.parse(row.applicants)),
    [
      ['삼성전자주식회사', '서울대학교산학협력단'],
      ['지오씨 주식회사', '인천대학교 산학협력단'],
    ],
  );
  const columns = (db.prepare(`SELECT name FROM pragma_table_info('match_requests')`).all() as Array<{ name: string }>).map((c) => c.name);
  assert.ok(!columns.includes('applicant'));
  const hits = JSON.parse((db.prepare('SELECT recommendations FROM match_demands').get() as { recommendations: string }).recommendations) as Array<Record<string, unknown>>;
  assert.deepEqual(
    hits.map((hit) => [hit.applicants, 'applicant' in hit, hit.score]),
    [
      [['삼성전자주식회사', '서울대학교산학협력단'], false, 0.5],
      [['지오씨 주식회사', '인천대학교 산학협력단'], false, 0.4],
    ],
  );
  db.close();
});
