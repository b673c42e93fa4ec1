import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MatchService } from './index.js';
import { csvSearchEngine } from './test-support/search.js';

const POSTER = fileURLToPath(new URL('./test-support/message-process.ts', import.meta.url));

describe('several server processes writing one match (serve --workers)', () => {
  let home: string;
  let dbPath: string;
  let db: Database.Database;
  let matchId: number;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'patmatch-concurrency-'));
    dbPath = join(home, 'patmatch.db');
    db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    const service = new MatchService({ db, search: csvSearchEngine(), secret: randomBytes(32), publicUrl: 'http://patmatch.test' });
    const demander = await service.accounts.create({ email: 'd@x.test', password: 'password123', role: 'demander' });
    const demand = await service.createDemand(demander, { name: '그래핀 전극', description: '슈퍼커패시터용 그래핀 전극 제조' });
    matchId = service.requestMatches(demander, demand.id, { applicationNumbers: [demand.recommendations[0]!.applicationNumber] })[0]!.id;
  });

  after(async () => {
    db.close();
    await rm(home, { recursive: true, force: true });
  });

  test('every message of three processes posting at once is stored: none fails with "database is locked"', async () => {
    const perProcess = 40;
    const children = [0, 1, 2].map(() => spawn(process.execPath, ['--import', 'tsx', POSTER, dbPath, String(matchId), 'd@x.test', String(perProcess)], { stdio: ['ignore', 'ignore', 'pipe'] }));
    const errors = children.map((child) => {
      let text = '';
      child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
      return () => text;
    });
    const codes = await Promise.all(children.map(async (child) => ((await once(child, 'exit')) as [number])[0]));
    assert.deepEqual(codes, [0, 0, 0], errors.map((read) => read()).join('\n'));
    const { n } = db.prepare(`SELECT count(*) AS n FROM match_events WHERE match_id = ? AND message LIKE 'message %'`).get(matchId) as { n: number };
    assert.equal(n, 3 * perProcess);
  });
});
