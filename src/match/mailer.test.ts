import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logTransport, MailWorker, migrateMatch, Outbox, smtpTransport, type MailOutcome, type MailWorkerOptions, type OutboxEntry } from './index.js';
import { startSmtpServer, type SmtpBehaviour, type TestSmtpServer } from './test-support/smtp.js';

const FAST: Partial<MailWorkerOptions> = { backoffMs: 20, maxBackoffMs: 100, pollMs: 50, leaseMs: 5_000, maxAttempts: 5 };

async function until<T>(what: string, check: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('MailWorker against a real SMTP server', () => {
  let home: string;
  let db: Database.Database;
  let outbox: Outbox;
  const running: { worker?: MailWorker; smtp?: TestSmtpServer } = {};

  const open = (): Database.Database => {
    const connection = new Database(join(home, 'patmatch.db'));
    connection.pragma('journal_mode = WAL');
    connection.pragma('busy_timeout = 5000');
    migrateMatch(connection);
    return connection;
  };
  const enqueue = (n: number): OutboxEntry[] =>
    Array.from({ length: n }, (_, i) =>
      outbox.enqueue({ kind: 'test', matchId: null, to: `tlo${i}@univ.example`, subject: `기술이전 요청 ${i}`, text: `본문 ${i}: 슈퍼커패시터용 그래핀 전극` }),
    );
  const row = (id: number): OutboxEntry => outbox.list().find((entry) => entry.id === id)!;
  const startWorker = (url: string, options: Partial<MailWorkerOptions> = {}, timeouts = { socketTimeout: 2_000 }): MailWorker => {
    running.worker = new MailWorker(outbox, smtpTransport(url, timeouts), { from: 'patmatch <no-reply@patmatch.test>', ...FAST, ...options });
    running.worker.start();
    return running.worker;
  };
  const smtpWith = async (behaviour: SmtpBehaviour): Promise<TestSmtpServer> => (running.smtp = await startSmtpServer(behaviour));

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'patmatch-'));
    db = open();
    outbox = new Outbox(db);
  });
  afterEach(async () => {
    await running.worker?.stop();
    await running.smtp?.close();
    running.worker = undefined;
    running.smtp = undefined;
    db.close();
    await rm(home, { recursive: true, force: true });
  });

  test('delivers the stored subject, body and Message-ID, once each', async () => {
    const smtp = await smtpWith(() => 'accept');
    const emails = enqueue(3);
    startWorker(smtp.url);
    await smtp.waitForMessages(3);
    await until('all sent', () => outbox.list('sent').length === 3);
    for (const email of emails) {
      const received = smtp.received.filter((mail) => mail.messageId === email.messageId);
      assert.equal(received.length, 1);
      assert.equal(received[0]!.to, email.to);
      assert.equal(received[0]!.subject, email.subject);
      assert.equal(received[0]!.text.trim(), email.text);
      assert.match(row(email.id).smtpResponse!, /^250/);
      assert.equal(row(email.id).attempts, 1);
    }
  });

  test('a 4xx answer is retried with backoff and then delivered once', async () => {
    const smtp = await smtpWith((n) => (n <= 2 ? { code: 451, message: 'try again later' } : 'accept'));
    const [email] = enqueue(1);
    startWorker(smtp.url);
    await until('sent', () => row(email!.id).state === 'sent');
    assert.equal(smtp.attempts, 3);
    assert.equal(row(email!.id).attempts, 3);
    assert.deepEqual(smtp.acceptedIds, [email!.messageId]);
  });

  test('a 5xx answer fails permanently at once, is listed as failed, and an admin retry delivers it', async () => {
    let accept = false;
    const smtp = await smtpWith(() => (accept ? 'accept' : { code: 550, message: 'mailbox unavailable' }));
    const [email] = enqueue(1);
    const worker = startWorker(smtp.url);
    await until('failed', () => row(email!.id).state === 'failed');
    assert.equal(row(email!.id).attempts, 1);
    assert.match(row(email!.id).lastError!, /550 mailbox unavailable/);
    assert.deepEqual(outbox.list('failed').map((entry) => entry.id), [email!.id]);
    assert.equal(smtp.received.length, 0);

    accept = true;
    outbox.retry(email!.id);
    worker.wake();
    await until('sent after retry', () => row(email!.id).state === 'sent');
    assert.deepEqual(smtp.acceptedIds, [email!.messageId]);
    assert.throws(() => outbox.retry(email!.id), /only failed and logged emails can be sent again/);
  });

  test('without a mail server an email is only logged, never marked sent, and can be sent once a server is there', async () => {
    const written: string[] = [];
    const logged: number[] = [];
    const outcomes: MailOutcome[] = [];
    const [email] = enqueue(1);
    running.worker = new MailWorker(outbox, logTransport((text) => written.push(text)), {
      from: 'patmatch <no-reply@patmatch.test>',
      ...FAST,
      onSent: () => assert.fail('a logged email is not sent'),
      onLogged: (entry) => logged.push(entry.id),
      onAttempt: (outcome) => outcomes.push(outcome),
    });
    assert.equal(await running.worker.drain(), 1);
    assert.equal(row(email!.id).state, 'logged');
    assert.equal(row(email!.id).smtpResponse, 'logged');
    assert.ok(row(email!.id).sentAt !== null, 'the time it was logged');
    assert.deepEqual([logged, outcomes], [[email!.id], ['logged']]);
    assert.match(written.join(''), new RegExp(`to tlo0@univ\\.example\nSubject: 기술이전 요청 0`));
    assert.deepEqual(outbox.countByState(), { pending: 0, sending: 0, sent: 0, logged: 1, failed: 0 });
    await running.worker.stop();

    const smtp = await smtpWith(() => 'accept');
    assert.equal(outbox.retry(email!.id).state, 'pending');
    startWorker(smtp.url);
    await until('sent after the retry', () => row(email!.id).state === 'sent');
    assert.deepEqual(smtp.acceptedIds, [email!.messageId]);
  });

  test('gives up after maxAttempts temporary failures', async () => {
    const smtp = await smtpWith(() => ({ code: 421, message: 'busy' }));
    const [email] = enqueue(1);
    startWorker(smtp.url, { maxAttempts: 3 });
    await until('failed', () => row(email!.id).state === 'failed');
    assert.equal(row(email!.id).attempts, 3);
    assert.equal(smtp.attempts, 3);
  });

  test('a dropped connection and a server slower than the timeout are retried without duplicates', async () => {
    const smtp = await smtpWith((n) => (n === 1 ? 'close' : n === 2 ? { holdMs: 1_000 } : 'accept'));
    const [email] = enqueue(1);
    startWorker(smtp.url, {}, { socketTimeout: 300 });
    await until('sent', () => row(email!.id).state === 'sent');
    assert.equal(row(email!.id).attempts, 3);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // let the held reply of attempt 2 fire
    assert.deepEqual(smtp.acceptedIds, [email!.messageId]);
  });

  test('while the SMTP server is down nothing is lost; once it is up everything arrives once', async () => {
    const port = await freePort();
    const emails = enqueue(3);
    startWorker(`smtp://127.0.0.1:${port}`, { maxAttempts: 50 });
    await until('two refused attempts', () => row(emails[0]!.id).attempts >= 2 && row(emails[0]!.id).lastError?.includes('ECONNREFUSED'));
    assert.equal(outbox.list('sent').length, 0);
    running.smtp = await startSmtpServer(() => 'accept', port);
    await until('all sent', () => outbox.list('sent').length === 3);
    assert.deepEqual([...running.smtp.acceptedIds].sort(), emails.map((email) => email.messageId).sort());
  });

  test('two workers on two connections share the outbox without sending anything twice', async () => {
    const smtp = await smtpWith(() => ({ holdMs: 5 }));
    const emails = enqueue(20);
    const second = open();
    const other = new MailWorker(new Outbox(second), smtpTransport(smtp.url), { from: 'patmatch <no-reply@patmatch.test>', ...FAST });
    startWorker(smtp.url);
    other.start();
    try {
      await until('all sent', () => outbox.list('sent').length === 20);
    } finally {
      await other.stop();
      second.close();
    }
    assert.equal(smtp.acceptedIds.length, 20);
    assert.deepEqual(new Set(smtp.acceptedIds), new Set(emails.map((email) => email.messageId)));
  });

  test('a lease that expires hands the email to another worker; the first cannot record it afterwards', () => {
    const [email] = enqueue(1);
    const first = outbox.claim(1_000, 10_000_000_000_000)!;
    assert.equal(first.id, email!.id);
    assert.equal(outbox.claim(1_000, 10_000_000_000_500), undefined, 'leased');
    const second = outbox.claim(1_000, 10_000_000_001_001)!;
    assert.equal(second.id, email!.id);
    assert.equal(second.attempts, 2);
    assert.equal(outbox.markDone(first, 'sent', '250 late'), false);
    assert.equal(outbox.markDone(second, 'sent', '250 ok'), true);
    assert.equal(row(email!.id).smtpResponse, '250 ok');
  });
});
