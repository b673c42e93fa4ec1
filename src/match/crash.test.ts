import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateMatch, Outbox, type OutboxEntry } from './index.js';
import { startSmtpServer, type TestSmtpServer } from './test-support/smtp.js';

const WORKER = fileURLToPath(new URL('./test-support/worker-process.ts', import.meta.url));
const LEASE_MS = 1_500;

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a mail worker process killed mid-send', () => {
  let home: string;
  let dbPath: string;
  let db: Database.Database;
  let outbox: Outbox;
  let smtp: TestSmtpServer | undefined;
  const children: ChildProcess[] = [];

  const startWorker = async (url: string, killAfterSend = 0): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dbPath, url, String(LEASE_MS), String(killAfterSend)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    assert.equal(line.toString().trim(), 'ready');
    return child;
  };
  const kill = async (child: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  const states = (emails: OutboxEntry[]): string[] => emails.map((email) => outbox.list().find((entry) => entry.id === email.id)!.state);

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'patmatch-'));
    dbPath = join(home, 'patmatch.db');
    db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    migrateMatch(db);
    outbox = new Outbox(db);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await kill(child, 'SIGKILL');
    await smtp?.close();
    db.close();
    await rm(home, { recursive: true, force: true });
  });

  const enqueue = (n: number): OutboxEntry[] =>
    Array.from({ length: n }, (_, i) => outbox.enqueue({ kind: 'test', matchId: null, to: `tlo${i}@univ.example`, subject: `요청 ${i}`, text: `본문 ${i}` }));

  test('SIGKILL while the server holds the 3rd message: after a restart every message arrives exactly once', async () => {
    smtp = await startSmtpServer((n) => (n === 3 ? { holdMs: 60_000 } : 'accept'));
    const emails = enqueue(5);
    const first = await startWorker(smtp.url);
    await smtp.waitForAttempt(3);
    await kill(first, 'SIGKILL');
    assert.deepEqual(states(emails), ['sent', 'sent', 'sending', 'pending', 'pending']);

    const second = await startWorker(smtp.url);
    await until('all sent', () => states(emails).every((state) => state === 'sent'));
    await kill(second, 'SIGTERM');
    assert.equal(second.exitCode, 0, 'SIGTERM stops the worker cleanly');
    assert.deepEqual([...smtp.acceptedIds].sort(), emails.map((email) => email.messageId).sort());
    assert.equal(outbox.list().find((entry) => entry.id === emails[2]!.id)!.attempts, 2);
  });

  test('SIGKILL after the server accepted but before the outbox recorded it: resent once, with the same Message-ID', async () => {
    smtp = await startSmtpServer(() => 'accept');
    const emails = enqueue(3);
    const first = await startWorker(smtp.url, 2);
    await once(first, 'exit');
    assert.equal(first.signalCode, 'SIGKILL');
    assert.deepEqual(states(emails), ['sent', 'sending', 'pending']);

    const second = await startWorker(smtp.url);
    await until('all sent', () => states(emails).every((state) => state === 'sent'));
    await kill(second, 'SIGTERM');
    // The documented at-least-once window: the second message went out twice, under one Message-ID,
    // so receivers that de-duplicate by Message-ID show it once. Nothing is lost.
    const counts = new Map<string, number>();
    for (const id of smtp.acceptedIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.deepEqual(
      emails.map((email) => counts.get(email.messageId)),
      [1, 2, 1],
    );
  });
});
