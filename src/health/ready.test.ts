import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/index.js';
import { buildTestHome, type TestHome } from '../api/test-support/home.js';
import { spawnServingCli, type ServingCli } from '../cli/spawn.js';
import { writeCharModel } from '../embed/test-support/index.js';
import { buildIndexes } from '../index/build/index.js';
import { MailWorker, migrateMatch, Outbox, smtpTransport } from '../match/index.js';
import { startSmtpServer } from '../match/test-support/smtp.js';
import { openReloadingEngine, openSearchEngine, type ReloadingEngine } from '../search/index.js';
import { samplePatent } from '../store/test-support.js';
import { openStore, type PatentStore } from '../store/index.js';
import { readyRoutes } from './index.js';

let home: TestHome;
let store: PatentStore;
let engine: ReloadingEngine;
let app: FastifyInstance;
let outbox: Outbox;

before(async () => {
  home = await buildTestHome();
  const reader = openStore(home.home);
  await writeCharModel(join(home.home, 'models', 'default'), [...reader.iterate()].flat().flatMap((p) => [p.title, p.abstract]));
  reader.close();
  await buildIndexes(home.home);
  store = openStore(home.home, { writes: true });
  migrateMatch(store.db);
  outbox = new Outbox(store.db);
  // Reloads only when told to, so a new build on disk stays unsearched until then.
  engine = await openReloadingEngine(home.home, () => openSearchEngine(home.home), { intervalMs: 0 });
  app = await buildServer({ engine, store, logger: false, rateLimit: false, webRoot: null, plugins: [readyRoutes({ home: home.home, store, engine, smtpOutbox: outbox })] });
});

after(async () => {
  await app.close();
  await engine.close();
  store.close();
  await home.cleanup();
});

async function readiness(): Promise<{ status: number; reasons: string[] }> {
  const response = await app.inject('/api/ready');
  const body = response.json<{ ready?: boolean; reasons?: string[] }>();
  const reasons = body.reasons ?? [];
  if (response.statusCode === 200) assert.deepEqual(body, { ready: true });
  else assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  return { status: response.statusCode, reasons };
}

test('an indexed home with nothing failing is ready', async () => {
  assert.deepEqual(await readiness(), { status: 200, reasons: [] });
});

test('new patents make it not ready until `index` ran and serve searches the new build', async () => {
  const revision = store.currentRevision;
  store.upsertPatents([samplePatent('1020990000777', { title: '준비 상태 시험 특허' })], 'test:ready');
  const behind = await readiness();
  assert.equal(behind.status, 503);
  assert.deepEqual(behind.reasons.map((reason) => reason.split(':')[0]), ['index_behind', 'index_behind']);
  assert.match(behind.reasons[0]!, new RegExp(`^index_behind: the lexical index reflects store revision ${revision}, the store is at ${revision + 1}; run \`patmatch index\``));
  assert.match(behind.reasons[1]!, /^index_behind: the vector index reflects store revision/);

  await buildIndexes(home.home);
  const notLoaded = await readiness();
  assert.equal(notLoaded.status, 503);
  assert.equal(notLoaded.reasons.length, 1);
  assert.match(notLoaded.reasons[0]!, /^index_not_loaded: a new index build is on disk and not searched yet \(.*; reloading is off: restart serve\)$/);

  assert.equal(await engine.reload(), true);
  assert.deepEqual(await readiness(), { status: 200, reasons: [] });
});

test('an unreadable vectors manifest or a missing lexical index is named', async () => {
  const manifest = join(home.home, 'vectors', 'manifest.json');
  const kept = await readFile(manifest);
  await writeFile(manifest, '{ not json');
  try {
    const { status, reasons } = await readiness();
    assert.equal(status, 503);
    assert.ok(reasons.some((reason) => /^index_unreadable: the vector index cannot be read \(.*manifest\.json: not a valid manifest/.test(reason)), reasons.join('\n'));
  } finally {
    await writeFile(manifest, kept);
  }
  const link = join(home.home, 'lexical.db');
  const target = await readlink(link);
  await rm(link);
  try {
    const { status, reasons } = await readiness();
    assert.equal(status, 503);
    assert.ok(reasons.includes('index_missing: there is no lexical index; run `patmatch index`'), reasons.join('\n'));
  } finally {
    await symlink(target, link);
  }
  assert.equal((await readiness()).status, 200);
});

test('with --smtp, a failed last attempt makes it not ready until an email goes through', async () => {
  const smtp = await startSmtpServer((attempt) => (attempt === 1 ? { code: 451, message: 'mailbox busy, try later' } : 'accept'));
  const worker = new MailWorker(outbox, smtpTransport(smtp.url), { from: 'patmatch <no-reply@patmatch.localhost>', backoffMs: 200, maxBackoffMs: 200 });
  try {
    outbox.enqueue({ kind: 'status-update', matchId: null, to: 'someone@example.org', subject: 's', text: 't' });
    assert.equal(await worker.drain(), 1);
    const { status, reasons } = await readiness();
    assert.equal(status, 503);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!, /^smtp_failing: the last email attempt \(\d{4}-\d\d-\d\dT[\d:.]+Z\) failed: .*451 mailbox busy, try later/);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the retry is due after 150–250 ms
    assert.equal(await worker.drain(), 1);
    assert.equal(smtp.acceptedIds.length, 1);
    assert.deepEqual(await readiness(), { status: 200, reasons: [] });
  } finally {
    await worker.stop();
    await smtp.close();
  }
});

test('a home that stops being writable under a running serve is named (store_not_writable)', async (t) => {
  // Root writes whatever the permissions say: the server runs as nobody, owning the home, and then loses the write permission.
  if (process.getuid?.() !== 0) return t.skip('needs root, to serve as nobody and take the permission away');
  const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];
  const storeFile = join(home.home, 'patmatch.db');
  const chownAll = (uid: number) => spawnSync('chown', ['-R', `${uid}:${uid}`, home.home]).status === 0;
  if (spawnSync(asNobody[0]!, [...asNobody.slice(1), 'true']).status !== 0 || !chownAll(65534)) return t.skip('no setpriv or chown here');
  let cli: ServingCli | undefined;
  try {
    cli = await spawnServingCli(['--home', home.home, 'serve', '--port', '0', '--reload-interval', '0'], { ...process.env, HOME: tmpdir() }, asNobody);
    const ready = async () => {
      const response = await fetch(`${cli!.url}/api/ready`);
      return { status: response.status, reasons: ((await response.json()) as { reasons?: string[] }).reasons ?? [] };
    };
    assert.deepEqual(await ready(), { status: 200, reasons: [] }, cli.stderr());
    await chmod(home.home, 0o555);
    await chmod(storeFile, 0o444);
    assert.deepEqual(await ready(), {
      status: 503,
      reasons: [`store_not_writable: ${home.home} is not writable (EACCES)`, `store_not_writable: ${storeFile} is not writable (EACCES)`],
    });
  } finally {
    await chmod(home.home, 0o700);
    await chmod(storeFile, 0o644);
    assert.equal(await cli?.stop(), 0);
    chownAll(0);
  }
});
