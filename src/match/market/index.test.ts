/**
 * The market over HTTP with its authorisation rules: managers see public demands only, with their
 * organisation's patents scored as the demand's own search scores them and never the owner's
 * contact; proposals go to the demander, who alone answers them. Real server, SQLite, engine and SMTP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/index.js';
import type { DemandView, MatchView } from '../index.js';
import type { MatchFixture } from '../test-support/fixture.js';
import { marketHome } from '../test-support/market.js';
import { startSmtpServer, type TestSmtpServer } from '../test-support/smtp.js';
import type { MarketDemandView, MarketPage } from './index.js';

const CONTACT = '홍길동 010-1234-5678';
const DEMAND = { name: '슈퍼커패시터용 그래핀 전극', description: '3차원 그래핀 구조체로 비표면적이 큰 슈퍼커패시터 전극을 대량생산하는 방법', field: '에너지 저장', contact: CONTACT };

describe('market API: public demands, proposals and who sees what', () => {
  let smtp: TestSmtpServer;
  let market: MatchFixture;
  let app: FastifyInstance;
  let base: string;
  const tokens = {} as Record<'buyer' | 'rival' | 'inu' | 'kimm' | 'admin', string>;
  let open: DemandView;
  let hidden: DemandView;

  const call = async (who: keyof typeof tokens | null, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(who && { authorization: `Bearer ${tokens[who]}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as any };
  };

  before(async () => {
    smtp = await startSmtpServer();
    market = await marketHome({ smtp: smtp.url });
    app = await buildServer({ engine: market.engine, store: market.store, logger: false, rateLimit: false, webRoot: null, plugins: [market.match.plugin] });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const { accounts } = market.match.service;
    const users = {
      buyer: { email: 'buyer@corp.example', role: 'demander' },
      rival: { email: 'rival@corp.example', role: 'demander' },
      inu: { email: 'tlo@org0093.example', role: 'manager', organization: '인천대학교 산학협력단' },
      kimm: { email: 'tlo@org0182.example', role: 'manager', organization: '한국기계연구원' },
      admin: { email: 'ops@patmatch.example', role: 'admin' },
    } as const;
    for (const [who, user] of Object.entries(users)) {
      const created = await accounts.create({ ...user, password: 'correct horse battery' });
      tokens[who as keyof typeof tokens] = accounts.createApiToken(created.id);
    }
    open = (await call('buyer', 'POST', '/api/demands', { ...DEMAND, visibility: 'public' })).body;
    hidden = (await call('buyer', 'POST', '/api/demands', { ...DEMAND, name: '비공개 그래핀 전극' })).body;
  });

  after(async () => {
    await app?.close();
    await market?.close();
    await smtp?.close();
  });

  test('a demand is private unless its owner makes it public; only the owner (or an admin) changes it', async () => {
    assert.equal(open.visibility, 'public');
    assert.equal(hidden.visibility, 'private');
    assert.equal((await call('rival', 'PATCH', `/api/demands/${hidden.id}`, { visibility: 'public' })).status, 404);
    assert.equal((await call('inu', 'PATCH', `/api/demands/${hidden.id}`, { visibility: 'public' })).status, 404);
    const bad = await call('buyer', 'PATCH', `/api/demands/${hidden.id}`, { visibility: 'everyone' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /visibility/);
    assert.match((await call('buyer', 'PATCH', `/api/demands/${hidden.id}`, {})).body.detail, /at least one field/);
    assert.match((await call('buyer', 'PATCH', `/api/demands/${hidden.id}`, { visible: true })).body.detail, /visible/);
    const both = await call('buyer', 'PATCH', `/api/demands/${hidden.id}`, { visibility: 'public' });
    assert.equal(both.body.visibility, 'public');
    assert.equal((await call('admin', 'PATCH', `/api/demands/${hidden.id}`, { visibility: 'private' })).body.visibility, 'private');
  });

  test("a manager sees the public demands their organisation's patents match, scored as the demand's search scores them, without the owner's contact", async () => {
    const reply = await call('inu', 'GET', '/api/manager/demands');
    assert.equal(reply.status, 200);
    const page = reply.body as MarketPage;
    assert.equal(page.organization, '인천대학교 산학협력단');
    assert.deepEqual(page.demands.map((demand) => demand.id), [open.id], 'the private demand is not listed');
    const [listed] = page.demands as [MarketDemandView];
    assert.equal(listed.name, DEMAND.name);
    assert.ok(listed.patents.length > 0 && listed.patents.length <= 5);
    assert.equal(listed.score, listed.patents[0]!.score);
    const { hits } = await market.engine.search(open.query, { mode: open.mode, top: 100 });
    for (const patent of listed.patents) {
      assert.ok(patent.applicants.includes('인천대학교 산학협력단'), `${patent.applicationNumber} is the organisation's`);
      const hit = hits.find((candidate) => candidate.applicationNumber === patent.applicationNumber);
      assert.ok(hit, `${patent.applicationNumber} is among the demand's own results`);
      assert.equal(patent.score, hit.score, 'both directions give the same score');
      assert.deepEqual(patent.explanation, hit.explanation, 'explained as the search explains it');
    }
    for (const secret of [CONTACT, 'buyer@corp.example', '010-1234']) assert.ok(!reply.text.includes(secret), `the list never shows ${secret}`);
    assert.deepEqual((await call('kimm', 'GET', '/api/manager/demands')).body.demands.map((demand: MarketDemandView) => demand.id).includes(hidden.id), false);
  });

  test('the list is paginated, its query checked, and only for managers and admins', async () => {
    const page = (await call('inu', 'GET', '/api/manager/demands?limit=1&offset=1')).body as MarketPage;
    assert.deepEqual([page.total, page.limit, page.offset, page.demands.length], [1, 1, 1, 0]);
    for (const [query, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=1e1', 'limit'], ['offset=-1', 'offset'], ['color=red', 'color']] as const) {
      const reply = await call('inu', 'GET', `/api/manager/demands?${query}`);
      assert.equal(reply.status, 400, query);
      assert.match(reply.body.detail, new RegExp(field), query);
    }
    assert.equal((await call('inu', 'GET', '/api/manager/demands?organization=한국기계연구원')).status, 403);
    assert.equal((await call('buyer', 'GET', '/api/manager/demands')).status, 403);
    assert.equal((await call(null, 'GET', '/api/manager/demands')).status, 401);
    const all = (await call('admin', 'GET', '/api/manager/demands')).body as MarketPage;
    assert.deepEqual(all.demands.map((demand) => [demand.id, demand.score]), [[open.id, null]]);
    assert.equal((await call('admin', 'GET', '/api/manager/demands?organization=인천대학교 산학협력단')).body.demands[0].score, (await call('inu', 'GET', '/api/manager/demands')).body.demands[0].score);
  });

  test('a private demand is invisible to managers: not listed, not readable, no proposals', async () => {
    assert.equal((await call('inu', 'GET', `/api/manager/demands/${hidden.id}`)).status, 404);
    assert.equal((await call('inu', 'GET', `/api/demands/${hidden.id}`)).status, 404);
    const number = (await call('inu', 'GET', `/api/manager/demands/${open.id}`)).body.patents[0].applicationNumber;
    const refused = await call('inu', 'POST', `/api/manager/demands/${hidden.id}/proposals`, { applicationNumbers: [number] });
    assert.equal(refused.status, 404);
    assert.equal((await call('inu', 'GET', `/api/demands/${open.id}`)).status, 404, 'the public demand page itself stays its owner’s');
  });

  test("proposals: only the organisation's own patents; the demander alone answers; accepting shares the contact with that manager only", async () => {
    const shown = (await call('inu', 'GET', `/api/manager/demands/${open.id}`)).body as MarketDemandView;
    const number = shown.patents[0]!.applicationNumber;
    const kimmPatent = market.store.db.prepare(`SELECT application_number FROM patents WHERE applicants = '["한국기계연구원"]' LIMIT 1`).pluck().get() as string;
    const foreign = await call('inu', 'POST', `/api/manager/demands/${open.id}/proposals`, { applicationNumbers: [number, kimmPatent] });
    assert.equal(foreign.status, 403);
    assert.match(foreign.body.detail, new RegExp(kimmPatent));
    assert.equal((await call('buyer', 'POST', `/api/manager/demands/${open.id}/proposals`, { applicationNumbers: [number] })).status, 403);
    assert.equal((await call('inu', 'POST', `/api/manager/demands/${open.id}/proposals`, { applicationNumbers: ['12'] })).status, 400);

    const proposed = await call('inu', 'POST', `/api/manager/demands/${open.id}/proposals`, { applicationNumbers: [number], message: '샘플 제공 가능합니다' });
    assert.equal(proposed.status, 201);
    const match = proposed.body.matches[0] as MatchView;
    assert.deepEqual([match.status, match.origin, match.manager?.organization], ['proposed', 'manager', '인천대학교 산학협력단']);
    assert.deepEqual([match.demand?.contact, match.demand?.requesterEmail], [null, null], 'no contact before the demander accepts');
    assert.equal((await call('inu', 'POST', `/api/manager/demands/${open.id}/proposals`, { applicationNumbers: [number] })).status, 409);
    await smtp.waitUntil((mails) => mails.some((m) => m.subject.includes('특허 제안')), 'the proposal email');
    const email = smtp.received.find((m) => m.subject.includes('특허 제안'))!;
    assert.equal(email.to, 'buyer@corp.example');
    assert.match(email.text, /샘플 제공 가능합니다/);
    assert.ok(email.text.includes(`/#/match?demand=${open.id}`));

    assert.equal((await call('inu', 'GET', `/api/manager/demands/${open.id}`)).body.patents[0].match.status, 'proposed');
    assert.ok(!(await call('kimm', 'GET', '/api/matches')).body.matches.some((m: MatchView) => m.id === match.id), 'another organisation never sees the proposal');
    assert.equal((await call('kimm', 'GET', `/api/matches/${match.id}`)).status, 404);
    assert.equal((await call('rival', 'GET', `/api/matches/${match.id}`)).status, 404);
    assert.equal((await call('rival', 'GET', `/api/demands/${open.id}`)).status, 404);
    assert.ok(!(await call('rival', 'GET', '/api/demands')).body.demands.some((d: DemandView) => d.id === open.id));
    assert.equal((await call('rival', 'POST', `/api/matches/${match.id}/status`, { status: 'accepted' })).status, 404);

    const ownAnswer = await call('inu', 'POST', `/api/matches/${match.id}/status`, { status: 'accepted' });
    assert.equal(ownAnswer.status, 403);
    assert.match(ownAnswer.body.detail, /demander accepts or declines/);
    const demandPage = (await call('buyer', 'GET', `/api/demands/${open.id}`)).body as DemandView;
    assert.deepEqual(demandPage.matches.map((m) => [m.id, m.status, m.origin]), [[match.id, 'proposed', 'manager']]);
    assert.equal((await call('buyer', 'POST', `/api/matches/${match.id}/status`, { status: 'negotiating' })).status, 403);
    const accepted = await call('buyer', 'POST', `/api/matches/${match.id}/status`, { status: 'accepted', message: '연락 주세요' });
    assert.equal(accepted.body.status, 'accepted');
    await smtp.waitUntil((mails) => mails.some((m) => m.to === 'tlo@org0093.example' && m.subject.includes('수락')), 'the answer email to the manager');
    const seen = (await call('inu', 'GET', `/api/matches/${match.id}`)).body as MatchView;
    assert.deepEqual([seen.demand?.contact, seen.demand?.requesterEmail], [CONTACT, 'buyer@corp.example']);
    assert.deepEqual(seen.timeline.map((event) => event.status), ['proposed', 'accepted']);
    assert.equal((await call('inu', 'POST', `/api/matches/${match.id}/status`, { status: 'negotiating' })).body.status, 'negotiating', 'then a normal match');
  });
});
