/**
 * `patmatch serve` without and then with `--smtp`, as a user meets it: the start-up warning, a
 * manager request that is only logged (the match stays `requested`, the timeline says so), and the
 * admin's resend once a real SMTP server is configured, which then notifies as usual.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildTestHome, type TestHome } from '../api/test-support/home.js';
import { logRecords, spawnServingCli, type ServingCli } from '../cli/spawn.js';
import { openStore } from '../store/index.js';
import { Accounts, ManagerDirectory, migrateMatch, type DemandView, type OutboxEntry } from './index.js';
import { LOGGED_NOTICE } from './emails.js';
import { NO_SMTP_WARNING } from './serve.js';
import { sampleManagers } from './test-support/fixture.js';
import { startSmtpServer, type TestSmtpServer } from './test-support/smtp.js';

describe('serve: mail that tells the truth', () => {
  let testHome: TestHome;
  let smtp: TestSmtpServer;
  const tokens = { demander: '', admin: '' };
  /** Recommended patents whose applicants the directory knows (their requests go to a manager). */
  let routable: string[] = [];
  let demandId = 0;

  before(async () => {
    testHome = await buildTestHome();
    smtp = await startSmtpServer();
    const store = openStore(testHome.home, { writes: true });
    try {
      migrateMatch(store.db);
      new ManagerDirectory(store.db).upsert(await sampleManagers());
      const accounts = new Accounts(store.db);
      tokens.demander = accounts.createApiToken((await accounts.create({ email: 'buyer@corp.example', password: 'correct horse battery', role: 'demander' })).id);
      tokens.admin = accounts.createApiToken((await accounts.create({ email: 'ops@patmatch.example', password: 'correct horse battery', role: 'admin' })).id);
    } finally {
      store.close();
    }
  });
  after(async () => {
    await smtp?.close();
    await testHome?.cleanup();
  });

  const serve = (flags: string[] = []) =>
    spawnServingCli(['--home', testHome.home, 'serve', '--port', '0', '--reload-interval', '0', '--web-root', '/nonexistent', ...flags]);
  const api = async <T>(cli: ServingCli, who: keyof typeof tokens, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${cli.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const demand = async (cli: ServingCli) => (await api<DemandView>(cli, 'demander', 'GET', `/api/demands/${demandId}`)).body;
  const matchOf = async (cli: ServingCli, applicationNumber: string) => (await demand(cli)).matches.find((m) => m.applicationNumber === applicationNumber)!;
  /** Polls the demand until `done` holds (the worker sends in the background). */
  const until = async (cli: ServingCli, what: string, done: (view: DemandView) => boolean): Promise<DemandView> => {
    for (let i = 0; i < 200; i++) {
      const view = await demand(cli);
      if (done(view)) return view;
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${what}:\n${JSON.stringify(await demand(cli), null, 1)}\n${cli.stderr()}`);
  };
  const outbox = async (cli: ServingCli, state: string) => (await api<{ emails: OutboxEntry[] }>(cli, 'admin', 'GET', `/api/admin/outbox?state=${state}`)).body.emails;

  test('without --smtp: a warning at start, the manager request is logged, and the match is not notified', async () => {
    const cli = await serve();
    try {
      const warnings = logRecords(cli.stderr()).filter((line) => line.msg === NO_SMTP_WARNING);
      assert.deepEqual(warnings.map((line) => [line.level, line.smtp]), [['warn', null]]);

      const created = await api<DemandView>(cli, 'demander', 'POST', '/api/demands', { name: '해수 담수화', description: '해수를 담수로 만드는 막 여과 장치', mode: 'lexical' });
      assert.equal(created.status, 201);
      demandId = created.body.id;
      const directory = await sampleManagers();
      const known = new Set(directory.map((manager) => manager.applicant));
      routable = created.body.recommendations.filter((hit) => hit.applicants.some((name) => known.has(name))).map((hit) => hit.applicationNumber);
      assert.ok(routable.length >= 2, `two recommendations with a known manager (${routable.length})`);

      const requested = await api(cli, 'demander', 'POST', `/api/demands/${demandId}/matches`, { applicationNumbers: [routable[0]] });
      assert.equal(requested.status, 201);
      const view = await until(cli, 'the logged notice', (v) => v.matches[0]!.timeline.some((event) => event.message === LOGGED_NOTICE));
      const [match] = view.matches;
      assert.equal(match!.status, 'requested');
      assert.deepEqual(match!.timeline.map((event) => [event.status, event.actor, event.message]).slice(1), [['requested', 'patmatch', LOGGED_NOTICE]]);
      assert.ok(!JSON.stringify(view).includes('notified'), 'nothing on the demand says notified');
      const [logged] = (await outbox(cli, 'logged')).filter((email) => email.kind === 'manager-request');
      assert.equal(logged!.matchId, match!.id);
      assert.deepEqual(await outbox(cli, 'sent'), []);
      // Resending without a mail server would only log it again.
      const refused = await api<{ detail: string }>(cli, 'admin', 'POST', `/api/admin/outbox/${logged!.id}/retry`);
      assert.equal(refused.status, 409);
      assert.match(refused.body.detail, /only logged.*--smtp/);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  test('with --smtp: no warning, the logged request can be resent and notifies, a new request is sent and notified', async () => {
    const cli = await serve(['--smtp', smtp.url]);
    try {
      assert.ok(!cli.stderr().includes(NO_SMTP_WARNING));
      const [logged] = (await outbox(cli, 'logged')).filter((email) => email.kind === 'manager-request');
      const resent = await api<OutboxEntry>(cli, 'admin', 'POST', `/api/admin/outbox/${logged!.id}/retry`);
      assert.equal(resent.status, 200);
      await until(cli, 'the resent request notifies', (v) => v.matches[0]!.status === 'notified');
      await smtp.waitUntil((mails) => mails.some((received) => received.messageId === logged!.messageId), 'the resent request');
      const mail = smtp.received.find((received) => received.messageId === logged!.messageId);
      assert.match(mail!.text, /\/match\/respond\/\d+\/accept\?expires=/, 'the manager gets the request with response links');
      assert.deepEqual((await matchOf(cli, routable[0]!)).timeline.map((event) => event.status), ['requested', 'requested', 'notified']);

      await api(cli, 'demander', 'POST', `/api/demands/${demandId}/matches`, { applicationNumbers: [routable[1]] });
      const view = await until(cli, 'the new request notifies', (v) => v.matches[1]?.status === 'notified');
      assert.deepEqual(view.matches[1]!.timeline.map((event) => [event.status, event.message]), [['requested', null], ['notified', null]]);
      const sent = (await outbox(cli, 'sent')).filter((email) => email.kind === 'manager-request');
      assert.deepEqual(sent.map((email) => email.matchId).sort(), view.matches.map((m) => m.id).sort());
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });
});
