import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchService, nameKey, type ClaimedEmail, type DemandView, type User } from './index.js';
import { LOGGED_NOTICE } from './emails.js';
import { csvSearchEngine } from './test-support/search.js';

const DEMAND = { name: '슈퍼커패시터용 그래핀 전극', description: '3차원 그래핀 구조체로 비표면적이 큰 전극을 만드는 방법' };

/** The workflow without a mail worker: emails stay in the outbox, where the tests read them. */
describe('match workflow rules (MatchService on SQLite, outbox inspected)', () => {
  let home: string;
  let db: Database.Database;
  let service: MatchService;
  let demander: User;
  let admin: User;
  let demand: DemandView;
  const emailsTo = (to: string, kind?: string) => service.outbox.list().filter((e) => e.to === to && (!kind || e.kind === kind));
  const claim = (): ClaimedEmail | undefined => service.outbox.claim(60_000);

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'patmatch-service-'));
    db = new Database(join(home, 'patmatch.db'));
    service = new MatchService({ db, search: csvSearchEngine(), secret: randomBytes(32), publicUrl: 'http://patmatch.test' });
    demander = await service.accounts.create({ email: 'buyer@corp.example', password: 'correct horse battery', role: 'demander' });
    admin = await service.accounts.create({ email: 'ops@patmatch.example', password: 'correct horse battery', role: 'admin' });
    demand = await service.createDemand(demander, { ...DEMAND, description: `${DEMAND.description}\n\n\n\n수락 (accept): https://evil.example/x` });
  });

  after(async () => {
    db.close();
    await rm(home, { recursive: true, force: true });
  });

  test('demand filters are checked as a search checks them', async () => {
    const bad: [object, RegExp][] = [
      [{ filters: { ipc: 'zzz' } }, /demand, filters\.ipc: "zzz" is not an IPC prefix/],
      [{ filters: { from: '2020-01-01', to: '2010-01-01' } }, /demand, filters\.from: 2020-01-01 is after to/],
      [{ name: 'a\u0000b' }, /demand, name: must be one line/],
      [{ field: '에너지\n저장' }, /demand, field: must be one line/],
      [{ description: 'bell \u0007' }, /demand, description: must not contain control characters/],
    ];
    for (const [change, message] of bad) {
      await assert.rejects(service.createDemand(demander, { ...DEMAND, ...change }), message);
    }
    const lower = await service.createDemand(demander, { ...DEMAND, filters: { ipc: 'h01g' } });
    assert.ok(lower.recommendations.length > 0);
  });

  test('the manager email quotes what the demander wrote and puts the response links first', () => {
    const hit = demand.recommendations[0]!;
    service.managers.upsert([{ applicant: hit.applicants.join(' '), name: '담당자 1', email: 'tlo@univ.example', organization: '대학 산학협력단' }]);
    const [match] = service.requestMatches(demander, demand.id, { applicationNumbers: [hit.applicationNumber], message: '예산은\n\n\n\n\n1억' });
    const [email] = emailsTo('tlo@univ.example', 'manager-request');
    const text = email!.text;
    assert.ok(text.indexOf('/match/respond/') < text.indexOf('evil.example'), 'real links come before anything the demander wrote');
    assert.match(text, /^> 수락 \(accept\): https:\/\/evil\.example\/x$/m);
    assert.match(text, /^> 예산은\n>\n> 1억$/m, 'blank lines shrink to one, every line quoted');
    assert.equal(match!.status, 'requested');
    // Why this patent: the best sentence of the stored explanation, quoted, before the links.
    const best = hit.explanation.sentences[0]!;
    assert.equal(hit.abstract.slice(best.start, best.end), best.text);
    assert.ok(text.includes(`이 특허가 요청된 이유 (why this patent was requested: the sentence of its abstract closest to the demand):\n> ${best.text}\n`), text);
    assert.ok(text.indexOf('이 특허가 요청된 이유') < text.indexOf('/match/respond/'));
  });

  test('an admin note on a queued match neither marks it viewed nor takes it out of the queue', () => {
    const hit = demand.recommendations.find((h) => nameKey(h.applicants.join(' ')) !== nameKey(demand.recommendations[0]!.applicants.join(' ')))!;
    const [queued] = service.requestMatches(demander, demand.id, { applicationNumbers: [hit.applicationNumber], message: '통상실시권을 원합니다' });
    assert.deepEqual(service.adminQueue(admin).map((m) => m.id), [queued!.id]);
    const noted = service.postMessage({ user: admin }, queued!.id, { message: '담당자를 찾는 중입니다' });
    assert.equal(noted.status, 'requested');
    assert.deepEqual(service.adminQueue(admin).map((m) => m.id), [queued!.id]);

    // The demander's words reach the manager the admin routes it to.
    service.postMessage({ user: demander }, queued!.id, { message: '급합니다' });
    service.assignManager(admin, queued!.id, { name: '담당자 2', email: 'tlo2@inst.example', organization: '연구소' });
    const [email] = emailsTo('tlo2@inst.example', 'manager-request');
    assert.match(email!.text, /> 통상실시권을 원합니다\n>\n> 급합니다/);
    assert.doesNotMatch(email!.text, /담당자를 찾는 중입니다|no known manager/);
  });

  test('a request whose email bounced returns to the queue and can be routed to another manager', () => {
    // Both manager requests bounce for good.
    for (let next = claim(); next; next = claim()) service.outbox.markFailed(next, '550 no such user', null);
    const bounced = emailsTo('tlo2@inst.example', 'manager-request')[0]!;
    assert.ok(service.adminQueue(admin).some((m) => m.id === bounced.matchId));
    const rerouted = service.assignManager(admin, bounced.matchId!, { name: '담당자 3', email: 'tlo3@inst.example', organization: '연구소' });
    assert.equal(rerouted.manager?.email, 'tlo3@inst.example');
    assert.equal(emailsTo('tlo3@inst.example', 'manager-request').length, 1);
    assert.ok(!service.adminQueue(admin).some((m) => m.id === bounced.matchId));
  });

  test('withdrawing tells the manager; a finished match takes no more messages and its request is not re-sent', () => {
    const match = demand.matches.length > 0 ? demand.matches[0]! : service.getDemand(demander, demand.id).matches[0]!;
    const request = emailsTo('tlo@univ.example', 'manager-request')[0]!;
    assert.equal(request.state, 'failed');

    service.changeStatus({ user: demander }, match.id, { status: 'closed', message: '다른 기술을 찾았습니다' });
    const [withdrawal] = emailsTo('tlo@univ.example', 'withdrawal');
    assert.match(withdrawal!.text, /철회/);
    assert.match(withdrawal!.text, /> 다른 기술을 찾았습니다/);
    assert.throws(() => service.postMessage({ user: demander }, match.id, { message: '혹시' }), /match \d+ is closed; it takes no more messages/);
    assert.throws(() => service.retryEmail(admin, request.id), /match \d+ is closed; its manager request is no longer needed/);
  });

  test('a GET of a match changes nothing, whoever reads it', async () => {
    const manager = await service.accounts.create({ email: 'tlo3@inst.example', password: 'correct horse battery', role: 'manager', organization: '연구소' });
    const id = service.listManagedMatches(manager)[0]!.id;
    const before = service.getMatch(manager, id);
    assert.equal(before.status, 'requested');
    assert.equal(service.getMatch(manager, id).timeline.length, before.timeline.length);
  });
});

describe('demand explanations', () => {
  let home: string;
  let db: Database.Database;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'patmatch-explanations-'));
    db = new Database(join(home, 'patmatch.db'));
  });

  after(async () => {
    db.close();
    await rm(home, { recursive: true, force: true });
  });

  test('recommendations keep their explanation in the snapshot; snapshots from before get an empty one, and their email no reason', async () => {
    const service = new MatchService({ db, search: csvSearchEngine(), secret: randomBytes(32), publicUrl: 'http://patmatch.test' });
    const demander = await service.accounts.create({ email: 'x@corp.example', password: 'correct horse battery', role: 'demander' });
    const demand = await service.createDemand(demander, DEMAND);
    const stored = service.getDemand(demander, demand.id).recommendations;
    assert.ok(stored.every((hit) => hit.explanation.sentences.length > 0 || hit.abstract === ''));
    assert.deepEqual(stored, demand.recommendations);
    assert.ok(stored.some((hit) => hit.explanation.terms.some((t) => hit[t.field].slice(t.start, t.end) === '그래핀')));

    // A database whose snapshots predate explanations: opening it again gives each hit an empty one.
    db.exec(`UPDATE match_demands SET recommendations = (SELECT json_group_array(json_remove(value, '$.explanation') ORDER BY key) FROM json_each(recommendations));
             DROP INDEX match_demands_public; ALTER TABLE match_demands DROP COLUMN visibility; ALTER TABLE match_requests DROP COLUMN origin;
             UPDATE schema_versions SET version = 3 WHERE module = 'match'`);
    const upgraded = new MatchService({ db, search: csvSearchEngine(), secret: randomBytes(32), publicUrl: 'http://patmatch.test' });
    const old = upgraded.getDemand(demander, demand.id).recommendations;
    assert.deepEqual(old.map((hit) => hit.applicationNumber), stored.map((hit) => hit.applicationNumber), 'order kept');
    assert.ok(old.every((hit) => hit.explanation.sentences.length === 0 && hit.explanation.terms.length === 0));
    const hit = old[0]!;
    upgraded.managers.upsert([{ applicant: hit.applicants[0]!, name: '담당자', email: 'tlo@old.example', organization: '기관' }]);
    upgraded.requestMatches(demander, demand.id, { applicationNumbers: [hit.applicationNumber] });
    const [email] = upgraded.outbox.list().filter((e) => e.to === 'tlo@old.example');
    assert.doesNotMatch(email!.text, /요청된 이유/);
  });
});

describe('demand translations', () => {
  let home: string;
  let db: Database.Database;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'patmatch-translations-'));
    db = new Database(join(home, 'patmatch.db'));
  });

  after(async () => {
    db.close();
    await rm(home, { recursive: true, force: true });
  });

  test("a demand keeps the English words its keyword search also looked for in Korean; a database from before has them added", async () => {
    const base = csvSearchEngine();
    const translations = [{ english: 'graphene', korean: '그래핀' }];
    const translating = { ...base, search: async (query: string) => ({ ...(await base.search(query)), translations }) };
    const service = new MatchService({ db, search: translating, secret: randomBytes(32), publicUrl: 'http://patmatch.test' });
    const demander = await service.accounts.create({ email: 'en@corp.example', password: 'correct horse battery', role: 'demander' });
    const english = await service.createDemand(demander, { name: 'graphene electrode', description: 'graphene electrode for supercapacitors', mode: 'hybrid' });
    assert.deepEqual(english.translations, translations);
    assert.deepEqual(service.getDemand(demander, english.id).translations, translations, 'stored with the demand');
    assert.deepEqual(service.listDemands(demander)[0]!.translations, translations);
    const plain = await new MatchService({ db, search: base, secret: randomBytes(32), publicUrl: 'http://patmatch.test' }).createDemand(demander, DEMAND);
    assert.deepEqual(plain.translations, []);

    // A database whose match tables predate the column: opening it again adds the column, and its
    // demands show no translations.
    db.exec(`ALTER TABLE match_demands DROP COLUMN translations; ALTER TABLE match_requests DROP COLUMN applicants;
      ALTER TABLE match_requests ADD COLUMN applicant TEXT; DROP INDEX match_demands_public; ALTER TABLE match_demands DROP COLUMN visibility; ALTER TABLE match_requests DROP COLUMN origin;
      UPDATE schema_versions SET version = 1 WHERE module = 'match'`);
    const upgraded = new MatchService({ db, search: base, secret: randomBytes(32), publicUrl: 'http://patmatch.test' });
    assert.deepEqual(upgraded.getDemand(demander, english.id).translations, []);
    assert.deepEqual((await upgraded.createDemand(demander, DEMAND)).translations, []);
  });
});

describe('manager requests that were only logged', () => {
  let home: string;
  let db: Database.Database;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'patmatch-logged-'));
    db = new Database(join(home, 'patmatch.db'));
  });

  after(async () => {
    db.close();
    await rm(home, { recursive: true, force: true });
  });

  test('stay requested with a timeline note, and routing the match elsewhere cancels the logged email', async () => {
    const service = new MatchService({ db, search: csvSearchEngine(), secret: randomBytes(32), publicUrl: 'http://patmatch.test', mailServer: false });
    const demander = await service.accounts.create({ email: 'log@corp.example', password: 'correct horse battery', role: 'demander' });
    const admin = await service.accounts.create({ email: 'ops@corp.example', password: 'correct horse battery', role: 'admin' });
    const hit = (await service.createDemand(demander, DEMAND)).recommendations[0]!;
    service.managers.upsert([{ applicant: hit.applicants[0]!, name: '담당자', email: 'tlo@logged.example', organization: '기관' }]);
    const [match] = service.requestMatches(demander, service.listDemands(demander)[0]!.id, { applicationNumbers: [hit.applicationNumber] });
    const claimed = service.outbox.claim(60_000)!;
    assert.equal(claimed.kind, 'manager-request');
    service.outbox.markDone(claimed, 'logged', 'logged', service.onEmailLogged);
    const logged = service.getMatch(admin, match!.id);
    assert.equal(logged.status, 'requested');
    const { status, actor, message } = logged.timeline.at(-1)!;
    assert.deepEqual([status, actor, message], ['requested', 'patmatch', LOGGED_NOTICE]);
    assert.throws(() => service.retryEmail(admin, claimed.id), /was only logged; start serve with --smtp/);

    service.assignManager(admin, match!.id, { name: '담당자 2', email: 'tlo2@logged.example', organization: '기관' });
    const old = service.outbox.get(claimed.id)!;
    assert.deepEqual([old.state, old.lastError], ['failed', `cancelled: match ${match!.id} was routed to tlo2@logged.example`]);
    assert.equal(service.outbox.list('pending').filter((e) => e.to === 'tlo2@logged.example').length, 1);
  });
});
