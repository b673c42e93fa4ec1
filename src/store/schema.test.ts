import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { migrate } from './schema.js';

const run = promisify(execFile);
const steps = Array.from({ length: 40 }, (_, i) => `CREATE TABLE t${i} (id INTEGER PRIMARY KEY) STRICT`);

test('migrate applies each step once when several processes open a fresh database at the same moment', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patmatch-migrate-'));
  try {
    const file = join(dir, 'store.db');
    const startAt = Date.now() + 1500;
    // Each process waits for the same instant, then migrates: without the write lock around the
    // version read, two of them see version 0 and one fails with "table t0 already exists".
    const script = `
      import Database from 'better-sqlite3';
      import { migrate } from ${JSON.stringify(new URL('./schema.ts', import.meta.url).href)};
      const db = new Database(process.argv[1]);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      while (Date.now() < ${startAt});
      migrate(db, 'race', ${JSON.stringify(steps)});
    `;
    const processes = Array.from({ length: 6 }, () =>
      run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script, file]),
    );
    const outcomes = await Promise.allSettled(processes);
    assert.deepEqual(
      outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String((outcome as PromiseRejectedResult).reason)),
      [],
    );
    const db = new Database(file);
    assert.deepEqual(db.prepare("SELECT version FROM schema_versions WHERE module = 'race'").get(), { version: 40 });
    db.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('migrate leaves the database as it was when a step fails, and says which module is too new', () => {
  const db = new Database(':memory:');
  assert.throws(() => migrate(db, 'broken', ['CREATE TABLE a (id INTEGER)', 'CREATE TABLE oops (']), /syntax error|incomplete/);
  assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").get(), undefined);
  migrate(db, 'ok', ['CREATE TABLE b (id INTEGER)', 'CREATE TABLE c (id INTEGER)']);
  assert.throws(() => migrate(db, 'ok', ['CREATE TABLE b (id INTEGER)']), /"ok" is version 2, newer than this patmatch \(1\)/);
  db.close();
});

test('a function step runs in the same transaction: its rows are kept with the version, or nothing is when it throws', () => {
  const db = new Database(':memory:');
  const fill = (database: Database.Database) => database.prepare('INSERT INTO t (v) VALUES (?), (?)').run('a', 'b');
  migrate(db, 'computed', ['CREATE TABLE t (v TEXT)', fill]);
  assert.deepEqual(db.prepare('SELECT v FROM t').all(), [{ v: 'a' }, { v: 'b' }]);
  const failing = (database: Database.Database) => {
    database.exec('CREATE TABLE half (id INTEGER)');
    throw new Error('computing rows failed');
  };
  assert.throws(() => migrate(db, 'computed', ['CREATE TABLE t (v TEXT)', fill, failing]), /computing rows failed/);
  assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get(), undefined);
  assert.deepEqual(db.prepare("SELECT version FROM schema_versions WHERE module = 'computed'").get(), { version: 2 });
  db.close();
});
