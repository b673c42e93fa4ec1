/**
 * Routing by applicant: a requested patent reaches the manager of each applicant the directory
 * knows, one match and one email each; the admin queue takes it when none is known.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchService, type DemandView, type Manager, type User } from './index.js';
import { matchFixture, type MatchFixture } from './test-support/fixture.js';
import { csvSearchEngine } from './test-support/search.js';
import { startSmtpServer, type TestSmtpServer } from './test-support/smtp.js';

const DEMAND = { name: '슈퍼커패시터용 그래핀 전극', description: '3차원 그래핀 구조체로 비표면적이 큰 전극을 만드는 방법' };
/** The example: its recommendation #1, applied for by a university and a company. */
const CO_APPLIED = '1020160138184';
const INU: Manager = { applicant: '인천대학교 산학협력단', name: '인천대 담당자', email: 'tlo@inu.example', organization: '인천대학교 산학협력단' };
const HCT: Manager = { applicant: '에이치씨테크(주)', name: '에이치씨테크 담당자', email: 'ip@hctech.example', organization: '에이치씨테크 주식회사' };
const PASSWORD = 'correct horse battery';

describe('routing by applicant: the issue’s example end to end (real SMTP)', () => {
  let smtp: TestSmtpServer;
  let fixture: MatchFixture;
  let service: MatchService;
  let demander: User;
  let demand: DemandView;

  before(async () => {
    smtp = await startSmtpServer();
    fixture = await matchFixture({ smtp: smtp.url, managers: () => false });
    service = fixture.match.service;
    service.managers.upsert([INU, HCT]);
    demander = await service.accounts.create({ email: 'buyer@corp.example', password: PASSWORD, role: 'demander' });
    demand = await service.createDemand(demander, DEMAND);
  });
  after(async () => {
    await fixture?.close();
    await smtp?.close();
  });

  test('a co-applied patent with both applicants known: two matches, two emails, each manager sees only theirs', async () => {
    const hit = demand.recommendations.find((h) => h.applicationNumber === CO_APPLIED)!;
    assert.deepEqual(hit.applicants, ['인천대학교 산학협력단', '에이치씨테크(주)']);
    const matches = service.requestMatches(demander, demand.id, { applicationNumbers: [CO_APPLIED], message: '공동 출원 특허입니다' });
    assert.deepEqual(
      matches.map((m) => [m.applicationNumber, m.manager?.email]),
      [
        [CO_APPLIED, INU.email],
        [CO_APPLIED, HCT.email],
      ],
    );
    assert.deepEqual(service.getDemand(demander, demand.id).matches.map((m) => m.id), matches.map((m) => m.id), 'both shown on the demand');

    await smtp.waitUntil((mails) => [INU.email, HCT.email].every((to) => mails.some((mail) => mail.to === to)), 'both manager emails');
    for (const manager of [INU, HCT]) {
      const mails = smtp.received.filter((mail) => mail.to === manager.email);
      assert.equal(mails.length, 1, `one email to ${manager.email}`);
      assert.ok(mails[0]!.text.includes(CO_APPLIED) && mails[0]!.text.includes('> 공동 출원 특허입니다'));
    }

    const [inuMatch, hctMatch] = matches as [(typeof matches)[0], (typeof matches)[0]];
    for (const [manager, own, other] of [
      [INU, inuMatch, hctMatch],
      [HCT, hctMatch, inuMatch],
    ] as const) {
      const user = await service.accounts.create({ email: manager.email, password: PASSWORD, role: 'manager', organization: manager.organization });
      assert.deepEqual(service.listManagedMatches(user).map((m) => m.id), [own.id], `${manager.email} sees only their organisation's match`);
      assert.equal(service.getMatch(user, own.id).id, own.id);
      assert.throws(() => service.getMatch(user, other.id), /match \d+ does not exist/);
      assert.throws(() => service.changeStatus({ user }, other.id, { status: 'accepted' }), /match \d+ does not exist/);
      assert.throws(() => service.postMessage({ user }, other.id, { message: '저희 건인가요?' }), /match \d+ does not exist/);
    }
    assert.throws(() => service.requestMatches(demander, demand.id, { applicationNumbers: [CO_APPLIED] }), /already requested/);
  });
});

/** The workflow without a mail worker: emails stay in the outbox, where the tests count them. */
describe('routing by applicant: how many matches a request makes (outbox inspected)', () => {
  let home: string;
  let db: Database.Database;
  let service: MatchService;
  let demander: User;
  let admin: User;
  const directory = (managers: Manager[]): void => {
    db.prepare('DELETE FROM match_managers').run();
    service.managers.upsert(managers);
  };
  /** Requests the co-applied patent on a demand of its own and returns its matches and the manager emails queued. */
  const request = async (): Promise<{ matches: ReturnType<MatchService['requestMatches']>; emails: string[] }> => {
    const demand = await service.createDemand(demander, DEMAND);
    const matches = service.requestMatches(demander, demand.id, { applicationNumbers: [CO_APPLIED] });
    const ids = new Set(matches.map((m) => m.id));
    const emails = service.outbox.list().filter((e) => e.kind === 'manager-request' && ids.has(e.matchId!));
    return { matches, emails: emails.map((e) => e.to) };
  };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'patmatch-routing-'));
    db = new Database(join(home, 'patmatch.db'));
    service = new MatchService({ db, search: csvSearchEngine(), secret: randomBytes(32), publicUrl: 'http://patmatch.test' });
    demander = await service.accounts.create({ email: 'buyer@corp.example', password: PASSWORD, role: 'demander' });
    admin = await service.accounts.create({ email: 'ops@patmatch.example', password: PASSWORD, role: 'admin' });
  });
  after(async () => {
    db.close();
    await rm(home, { recursive: true, force: true });
  });

  test('one applicant known: one match, one email', async () => {
    directory([HCT]);
    const { matches, emails } = await request();
    assert.deepEqual(matches.map((m) => m.manager?.organization), [HCT.organization]);
    assert.deepEqual(emails, [HCT.email]);
  });

  test('none known: one match, in the admin queue, no email', async () => {
    directory([]);
    const { matches, emails } = await request();
    assert.equal(matches.length, 1);
    assert.equal(matches[0]!.manager, null);
    assert.deepEqual(emails, []);
    assert.ok(service.adminQueue(admin).some((m) => m.id === matches[0]!.id));
  });

  test('the same organisation twice in the directory: one match', async () => {
    directory([INU, { ...INU, applicant: '인천대학교 산학협력단 에이치씨테크(주)', email: 'joint@inu.example' }]);
    const { matches, emails } = await request();
    assert.deepEqual(matches.map((m) => m.manager?.email), [INU.email]);
    assert.deepEqual(emails, [INU.email]);
  });

  test('an admin cannot route a queued match to an organisation that already has that patent on that demand', async () => {
    directory([INU, HCT]);
    const { matches } = await request();
    const [inuMatch, hctMatch] = matches as [(typeof matches)[0], (typeof matches)[0]];
    // The company's request bounces for good: its match goes back to the admin queue.
    for (let email = service.outbox.claim(60_000); email; email = service.outbox.claim(60_000)) {
      if (email.matchId === hctMatch.id) service.outbox.markFailed(email, '550 no such user', null);
    }
    assert.ok(service.adminQueue(admin).some((m) => m.id === hctMatch.id));
    assert.throws(
      () => service.assignManager(admin, hctMatch.id, { name: '다른 담당자', email: 'other@inu.example', organization: '인천대학교 산학협력단' }),
      new RegExp(`match ${hctMatch.id}: patent ${CO_APPLIED} of demand \\d+ already has match ${inuMatch.id} with 인천대학교 산학협력단`),
    );
    const rerouted = service.assignManager(admin, hctMatch.id, { name: '새 담당자', email: 'new@hctech.example', organization: HCT.organization });
    assert.equal(rerouted.manager?.email, 'new@hctech.example');
  });
});
