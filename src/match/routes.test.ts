import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/index.js';
import type { SearchHit } from '../domain/index.js';
import { nameKey, type DemandView, type MatchView } from './index.js';
import { matchFixture, type MatchFixture } from './test-support/fixture.js';
import { startSmtpServer, type TestSmtpServer } from './test-support/smtp.js';

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

const QUERY = { name: '슈퍼커패시터용 그래핀 전극', description: '3차원 그래핀 구조체로 비표면적이 큰 슈퍼커패시터 전극을 대량생산하는 방법', field: '에너지 저장', transferKind: '통상실시권', contact: '홍길동 02-000-0000' };

describe('match HTTP API (buildServer + match plugin, real SMTP and SQLite)', () => {
  let smtp: TestSmtpServer;
  let fixture: MatchFixture;
  let app: FastifyInstance;
  let base: string;
  const tokens: Record<'demander' | 'otherDemander' | 'manager' | 'otherManager' | 'admin', string> = {} as never;
  let demand: DemandView;
  let managed: SearchHit; // a recommendation whose applicant is in the directory
  let unmanaged: SearchHit; // one whose applicant is not

  const call = async (token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: type.includes('json') ? JSON.parse(text) : text, headers: response.headers };
  };
  const postForm = async (path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, body: text, headers: response.headers };
  };
  const linksIn = (text: string): Record<'accept' | 'decline' | 'question', string> => {
    const find = (action: string): string => {
      const match = new RegExp(`http://patmatch\\.test(/match/respond/\\d+/${action}\\?\\S+)`).exec(text);
      assert.ok(match, `email has a ${action} link`);
      return match[1]!;
    };
    return { accept: find('accept'), decline: find('decline'), question: find('question') };
  };
  const waitForStatus = async (token: string, matchId: number, status: string): Promise<MatchView> => {
    for (let i = 0; i < 200; i++) {
      const reply = await call(token, 'GET', `/api/demands/${demand.id}`);
      const found = (reply.body as DemandView).matches.find((m) => m.id === matchId);
      if (found?.status === status) return found;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`match ${matchId} never became ${status}`);
  };

  before(async () => {
    smtp = await startSmtpServer();
    // Find, with the same engine, one recommended patent whose applicant will be left out of the directory.
    const probe = await matchFixture();
    const hits = (await probe.engine.search(`${QUERY.name}\n${QUERY.description}`, { top: 20 })).hits;
    await probe.close();
    managed = hits[0]!;
    const keyOf = (hit: SearchHit) => nameKey(hit.applicants.join(' '));
    const managedKey = keyOf(managed);
    unmanaged = hits.find((hit) => keyOf(hit) !== managedKey)!;
    assert.ok(unmanaged, 'the recommendations include a patent of another applicant');
    const unmanagedKey = keyOf(unmanaged);
    fixture = await matchFixture({
      smtp: smtp.url,
      managers: (m) => nameKey(m.applicant) === managedKey || !unmanagedKey.includes(nameKey(m.applicant)),
    });

    app = await buildServer({ engine: fixture.engine, store: fixture.store, logger: false, rateLimit: { max: 1000, timeWindowMs: 60_000 }, webRoot: null, plugins: [fixture.match.plugin] });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const { accounts, managers } = fixture.match.service;
    const routedTo = managers.lookupAll(managed.applicants);
    assert.equal(routedTo.length, 1, 'the directory of this test knows one manager of the managed patent');
    const organization = routedTo[0]!.organization;
    const make = async (email: string, role: 'demander' | 'manager' | 'admin', org?: string): Promise<string> =>
      accounts.createApiToken((await accounts.create({ email, password: 'correct horse battery', role, organization: org })).id);
    tokens.demander = await make('buyer@corp.example', 'demander');
    tokens.otherDemander = await make('rival@corp.example', 'demander');
    tokens.manager = await make('tlo@inu.example', 'manager', organization);
    tokens.otherManager = await make('tlo@other.example', 'manager', '연세대학교 산학협력단');
    tokens.admin = await make('ops@patmatch.example', 'admin');
  });
  after(async () => {
    await app?.close();
    await fixture?.close();
    await smtp?.close();
  });

  test('POST /api/demands stores the recommendations as shown and GET returns that snapshot', async () => {
    const created = await call(tokens.demander, 'POST', '/api/demands', QUERY);
    assert.equal(created.status, 201);
    demand = created.body;
    assert.equal(typeof demand.id, 'number');
    assert.equal(demand.recommendations.length, 20);
    assert.equal(demand.model, 'test-bigram-overlap');
    // The snapshot as stored, with the evaluation (none here) and KIPRIS link the API adds when it is read.
    // The watch's fields: an original recommendation was added by no watch run, so it is not new.
    assert.deepEqual(demand.recommendations[0], {
      ...managed,
      addedAt: null,
      build: null,
      new: false,
      evaluation: null,
      kiprisUrl: `https://doi.org/10.8080/${managed.applicationNumber}`,
    });
    assert.equal(demand.watch, true);
    const read = await call(tokens.demander, 'GET', `/api/demands/${demand.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.recommendations, demand.recommendations);
    assert.equal(read.body.transferKind, QUERY.transferKind);
  });

  test('invalid demands and requests are refused with the field and reason', async () => {
    const empty = await call(tokens.demander, 'POST', '/api/demands', { name: ' ', description: 'x' });
    assert.equal(empty.status, 400);
    assert.match(empty.body.detail, /name: is empty/);
    const notRecommended = await call(tokens.demander, 'POST', `/api/demands/${demand.id}/matches`, { applicationNumbers: ['1099999999999'] });
    assert.equal(notRecommended.status, 400);
    assert.match(notRecommended.body.detail, /1099999999999 is not among its recommendations/);
    const anonymous = await call(null, 'GET', `/api/demands/${demand.id}`);
    assert.equal(anonymous.status, 401);
    const badToken = await call('pm_forged', 'GET', `/api/demands/${demand.id}`);
    assert.equal(badToken.status, 401);
    const hostile: [string, string, unknown][] = [
      ['POST', '/api/demands', ['not', 'an', 'object']],
      ['POST', '/api/demands', { name: 'x'.repeat(201), description: 'd' }],
      ['POST', '/api/demands', { name: 'n', description: 'd', filters: { ipc: 'H01', drop: 'table' } }],
      ['POST', `/api/demands/${demand.id}/matches`, { applicationNumbers: Array(51).fill('1020160138184') }],
      ['POST', `/api/demands/${demand.id}/matches`, { applicationNumbers: ["1'; DROP TABLE match_users;--"] }],
      ['GET', '/api/demands/abc', undefined],
      ['GET', '/api/demands/1e999', undefined],
      ['GET', '/match/respond/1/delete?expires=1&sig=x', undefined],
      ['GET', '/match/respond/1/accept?expires=NaN&sig=x', undefined],
    ];
    for (const [method, path, body] of hostile) {
      const reply = await call(tokens.demander, method, path, body);
      assert.equal(reply.status, 400, `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)}`);
    }
    const notJson = await fetch(`${base}/api/demands`, { method: 'POST', headers: { authorization: `Bearer ${tokens.demander}`, 'content-type': 'application/json' }, body: '{"name":' });
    assert.equal(notJson.status, 400);
  });

  test('a match request emails the manager of the applicant, queues unknown applicants, and notifies', async () => {
    const reply = await call(tokens.demander, 'POST', `/api/demands/${demand.id}/matches`, {
      applicationNumbers: [managed.applicationNumber, unmanaged.applicationNumber],
    });
    assert.equal(reply.status, 201);
    const [routed, queued] = reply.body.matches as MatchView[];
    const expected = fixture.match.service.managers.lookupAll(managed.applicants)[0]!;
    assert.equal(reply.body.matches.length, 2);
    assert.deepEqual(routed!.manager, { name: expected.name, email: expected.email, organization: expected.organization });
    assert.equal(queued!.manager, null);
    assert.deepEqual(routed!.timeline.map((event) => event.status), ['requested']);

    await smtp.waitForMessages(1);
    const mail = smtp.received[0]!;
    assert.equal(mail.to, expected.email);
    assert.match(mail.subject, new RegExp(managed.title.slice(0, 10)));
    for (const part of [QUERY.name, QUERY.description, QUERY.transferKind, QUERY.contact, managed.applicationNumber, managed.title, 'buyer@corp.example']) {
      assert.ok(mail.text.includes(part), `manager email mentions ${part}`);
    }
    linksIn(mail.text);

    const notified = await waitForStatus(tokens.demander, routed!.id, 'notified');
    assert.deepEqual(notified.timeline.map((event) => event.status), ['requested', 'notified']);
    await smtp.waitForMessages(2);
    const update = smtp.received[1]!;
    assert.equal(update.to, 'buyer@corp.example');
    assert.match(update.subject, /notified/);

    const again = await call(tokens.demander, 'POST', `/api/demands/${demand.id}/matches`, { applicationNumbers: [managed.applicationNumber] });
    assert.equal(again.status, 409);
  });

  test('email links show a confirmation page on GET and act only on POST', async () => {
    const routed = (await call(tokens.demander, 'GET', `/api/demands/${demand.id}`)).body.matches[0] as MatchView;
    const links = linksIn(smtp.received.find((mail) => mail.to === routed.manager!.email)!.text);
    const page = await call(null, 'GET', links.accept);
    assert.equal(page.status, 200);
    assert.match(page.body, /<form method="post">/);
    assert.ok(page.body.includes(QUERY.name));
    assert.equal((await call(tokens.demander, 'GET', `/api/demands/${demand.id}`)).body.matches[0].status, 'notified');

    const [path, query] = links.accept.split('?') as [string, string];
    const params = Object.fromEntries(new URLSearchParams(query));
    const done = await postForm(path, { ...params, message: '조건 협의 가능합니다' });
    assert.equal(done.status, 200);
    const accepted = await waitForStatus(tokens.demander, routed.id, 'accepted');
    const last = accepted.timeline.at(-1)!;
    assert.equal(last.message, '조건 협의 가능합니다');
    assert.match(last.actor, new RegExp(routed.manager!.email.replace('.', '\\.')));
    await smtp.waitForMessages(3);
    assert.equal(smtp.received[2]!.to, 'buyer@corp.example');
    assert.ok(smtp.received[2]!.text.includes('조건 협의 가능합니다'));

    const twice = await postForm(path, params);
    assert.equal(twice.status, 409, 'an accepted match cannot be accepted again');
  });

  test('forged, expired and re-targeted links are refused', async () => {
    const routed = (await call(tokens.demander, 'GET', `/api/demands/${demand.id}`)).body.matches[0] as MatchView;
    const { signer } = fixture.match.service;
    const expires = Date.now() + 60_000;
    const good = signer.sign({ matchId: routed.id, action: 'question', expires });
    const forged = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    const expiredAt = Date.now() - 1;
    const expired = signer.sign({ matchId: routed.id, action: 'question', expires: expiredAt });
    const cases: [string, Record<string, string>][] = [
      [`/match/respond/${routed.id}/question`, { expires: String(expires), sig: forged, message: 'q' }],
      [`/match/respond/${routed.id}/question`, { expires: String(expiredAt), sig: expired, message: 'q' }],
      [`/match/respond/${routed.id}/question`, { expires: String(expires + 1), sig: good, message: 'q' }],
      [`/match/respond/${routed.id}/decline`, { expires: String(expires), sig: good, message: 'q' }],
      [`/match/respond/${routed.id + 1}/question`, { expires: String(expires), sig: good, message: 'q' }],
    ];
    for (const [path, fields] of cases) {
      assert.equal((await postForm(path, fields)).status, 403, `${path} ${JSON.stringify(fields)}`);
      assert.equal((await call(null, 'GET', `${path}?${new URLSearchParams(fields)}`)).status, 403);
    }
    const valid = await postForm(`/match/respond/${routed.id}/question`, { expires: String(expires), sig: good, message: '샘플 제공 가능 여부?' });
    assert.equal(valid.status, 200);
    const after = (await call(tokens.demander, 'GET', `/api/demands/${demand.id}`)).body.matches[0] as MatchView;
    assert.equal(after.timeline.at(-1)!.message, '샘플 제공 가능 여부?');
  });

  test('demanders, managers and admins only see and change what is theirs', async () => {
    const [routed, queued] = (await call(tokens.demander, 'GET', `/api/demands/${demand.id}`)).body.matches as MatchView[];
    // Another demander: the demand and its matches do not exist for them.
    assert.equal((await call(tokens.otherDemander, 'GET', `/api/demands/${demand.id}`)).status, 404);
    assert.equal((await call(tokens.otherDemander, 'POST', `/api/demands/${demand.id}/matches`, { applicationNumbers: [unmanaged.applicationNumber] })).status, 404);
    assert.equal((await call(tokens.otherDemander, 'GET', `/api/matches/${routed!.id}`)).status, 404);
    assert.equal((await call(tokens.otherDemander, 'POST', `/api/matches/${routed!.id}/status`, { status: 'closed' })).status, 404);
    assert.equal((await call(tokens.otherDemander, 'POST', `/api/matches/${routed!.id}/messages`, { message: 'hi' })).status, 404);
    assert.deepEqual((await call(tokens.otherDemander, 'GET', '/api/demands')).body.demands, []);
    // A manager of another institution.
    assert.deepEqual((await call(tokens.otherManager, 'GET', '/api/matches')).body.matches, []);
    assert.equal((await call(tokens.otherManager, 'GET', `/api/matches/${routed!.id}`)).status, 404);
    assert.equal((await call(tokens.otherManager, 'POST', `/api/matches/${routed!.id}/status`, { status: 'negotiating' })).status, 404);
    // The right manager sees only their institution's request, and moves it on.
    const inbox = (await call(tokens.manager, 'GET', '/api/matches')).body.matches as MatchView[];
    assert.deepEqual(inbox.map((m) => m.id), [routed!.id]);
    assert.equal(inbox[0]!.demand?.name, QUERY.name);
    assert.equal((await call(tokens.manager, 'GET', `/api/matches/${queued!.id}`)).status, 404);
    const negotiating = await call(tokens.manager, 'POST', `/api/matches/${routed!.id}/status`, { status: 'negotiating', message: '미팅 일정 제안' });
    assert.equal(negotiating.status, 200);
    assert.equal(negotiating.body.status, 'negotiating');
    // The demander may withdraw but not decide for the manager.
    assert.equal((await call(tokens.demander, 'POST', `/api/matches/${routed!.id}/status`, { status: 'transferred' })).status, 403);
    // Admin-only endpoints.
    assert.equal((await call(tokens.demander, 'GET', '/api/admin/queue')).status, 403);
    assert.equal((await call(tokens.manager, 'GET', '/api/admin/outbox')).status, 403);
    assert.equal((await call(tokens.admin, 'GET', `/api/demands/${demand.id}`)).status, 200);
  });

  test('the admin queue holds unrouted requests until an admin assigns a manager', async () => {
    const queue = await call(tokens.admin, 'GET', '/api/admin/queue');
    assert.equal(queue.status, 200);
    assert.deepEqual((queue.body.matches as MatchView[]).map((m) => m.applicationNumber), [unmanaged.applicationNumber]);
    const id = (queue.body.matches as MatchView[])[0]!.id;
    const assigned = await call(tokens.admin, 'POST', `/api/admin/matches/${id}/manager`, { name: '담당자 X', email: 'x@tlo.example', organization: '어느 기관' });
    assert.equal(assigned.status, 200);
    assert.equal(assigned.body.manager.email, 'x@tlo.example');
    await smtp.waitUntil((mails) => mails.some((mail) => mail.to === 'x@tlo.example'), 'the assigned manager email');
    assert.ok(smtp.received.find((mail) => mail.to === 'x@tlo.example')!.text.includes(unmanaged.applicationNumber));
    assert.deepEqual((await call(tokens.admin, 'GET', '/api/admin/queue')).body.matches, []);

    // A manager of that organisation reads the request (a GET changes nothing: another site can trigger
    // one), then marks it viewed (once it was delivered).
    const { accounts } = fixture.match.service;
    const manager = await accounts.create({ email: 'x@tlo.example', password: 'correct horse battery', role: 'manager', organization: '어느 기관' });
    const token = accounts.createApiToken(manager.id);
    await waitForStatus(tokens.demander, id, 'notified');
    const read = await call(token, 'GET', `/api/matches/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.status, 'notified');
    assert.equal(read.body.demand.name, QUERY.name);
    const opened = await call(token, 'POST', `/api/matches/${id}/status`, { status: 'viewed' });
    assert.equal(opened.body.status, 'viewed');
    assert.deepEqual(
      (opened.body as MatchView).timeline.map((event) => [event.status, event.actor.split(' ')[0]]),
      [['requested', 'buyer@corp.example'], ['requested', 'patmatch'], ['requested', 'ops@patmatch.example'], ['notified', 'patmatch'], ['viewed', 'x@tlo.example']],
    );
  });

  test('timeline: every change is recorded with who, when and message, and emailed to the demander', async () => {
    const view = (await call(tokens.demander, 'GET', `/api/demands/${demand.id}`)).body as DemandView;
    const routed = view.matches[0]!;
    assert.deepEqual(
      routed.timeline.map((event) => event.status),
      ['requested', 'notified', 'accepted', 'accepted', 'negotiating'],
    );
    for (const event of routed.timeline) {
      assert.ok(!Number.isNaN(Date.parse(event.at)));
      assert.ok(event.actor.length > 0);
    }
    // notified, accepted, the question, negotiating; notified and viewed for the queued match once assigned.
    const toDemander = (mails: { to: string }[]): number => mails.filter((mail) => mail.to === 'buyer@corp.example').length;
    await smtp.waitUntil((mails) => toDemander(mails) >= 6, '6 emails to the demander');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(toDemander(smtp.received), 6);
    assert.equal(new Set(smtp.acceptedIds).size, smtp.acceptedIds.length, 'no email was sent twice');
  });

  test('cookie sessions: httpOnly SameSite cookie, CSRF token required for writes, login rate limited', async () => {
    const wrong = await call(null, 'POST', '/api/auth/login', { email: 'buyer@corp.example', password: 'nope' });
    assert.equal(wrong.status, 401);
    const login = await call(null, 'POST', '/api/auth/login', { email: 'BUYER@corp.example', password: 'correct horse battery' });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!;
    assert.match(cookie, /patmatch_session=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    const session = { cookie: cookie.split(';')[0]! };
    const me = await call(null, 'GET', '/api/auth/me', undefined, session);
    assert.equal(me.body.user.email, 'buyer@corp.example');
    assert.equal(me.body.csrfToken, login.body.csrfToken);
    assert.equal((await call(null, 'GET', `/api/demands/${demand.id}`, undefined, session)).status, 200);
    const noCsrf = await call(null, 'POST', '/api/demands', QUERY, session);
    assert.equal(noCsrf.status, 403);
    const badCsrf = await call(null, 'POST', '/api/demands', QUERY, { ...session, 'x-csrf-token': 'x'.repeat(32) });
    assert.equal(badCsrf.status, 403);
    const withCsrf = await call(null, 'POST', '/api/demands', QUERY, { ...session, 'x-csrf-token': login.body.csrfToken });
    assert.equal(withCsrf.status, 201);
    assert.equal((await call(null, 'POST', '/api/auth/logout', undefined, session)).status, 403);
    assert.equal((await call(null, 'POST', '/api/auth/logout', undefined, { ...session, 'x-csrf-token': login.body.csrfToken })).status, 204);
    assert.equal((await call(null, 'GET', '/api/auth/me', undefined, session)).status, 401);

    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await call(null, 'POST', '/api/auth/login', { email: 'rival@corp.example', password: `guess-${i}` })).status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
  });

  test('the OpenAPI document gives each match route its success status and problem answers', async () => {
    const { body } = await call(null, 'GET', '/api/openapi.json');
    const responses = (path: string, method: string) => Object.keys(body.paths[path][method].responses).sort();
    assert.deepEqual(responses('/api/demands', 'post'), ['201', '400', '401', '403', '404', '409']);
    assert.deepEqual(responses('/api/auth/logout', 'post'), ['204', '400', '401', '403', '404', '409']);
    assert.deepEqual(responses('/api/matches/{id}/status', 'post'), ['200', '400', '401', '403', '404', '409']);
  });

  test('the OpenAPI document describes each match body from its zod schema, and a body without a documented required field is refused', async () => {
    const { body: document } = await call(null, 'GET', '/api/openapi.json');
    const routed = (await call(tokens.demander, 'GET', `/api/demands/${demand.id}`)).body.matches[0] as MatchView;
    const bodies: Array<[string | null, string, string[], Record<string, unknown>]> = [
      [null, '/api/auth/login', ['email', 'password'], { email: 'openapi@corp.example', password: 'correct horse battery', next: '/' }],
      [tokens.demander, '/api/demands', ['description', 'name'], { ...QUERY, top: 5, mode: 'lexical', filters: { ipc: 'H01G' }, visibility: 'private' }],
      [tokens.demander, `/api/demands/${demand.id}/matches`, ['applicationNumbers'], { applicationNumbers: [managed.applicationNumber], message: '검토 부탁드립니다' }],
      [tokens.manager, `/api/matches/${routed.id}/status`, ['status'], { status: 'negotiating', message: '일정 제안' }],
      [tokens.manager, `/api/matches/${routed.id}/messages`, ['message'], { message: '샘플 제공 가능 여부?' }],
      [tokens.admin, `/api/admin/matches/${routed.id}/manager`, ['email', 'name', 'organization'], { name: '담당자', email: 'tlo@tlo.example', organization: '기관' }],
    ];
    for (const [token, path, required, sample] of bodies) {
      const documented = path.replace(/\/\d+\//, '/{id}/');
      const schema = document.paths[documented].post.requestBody.content['application/json'].schema;
      assert.deepEqual([...schema.required].sort(), required, `${documented} requires`);
      assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(sample).sort(), `${documented} documents every field`);
      for (const field of required) {
        const { [field]: _left, ...without } = sample;
        const reply = await call(token, 'POST', path, without);
        assert.equal(reply.status, 400, `${documented} without ${field}`);
        assert.match(reply.body.detail, new RegExp(`, ${field}: `), `${documented} without ${field}`);
      }
    }
    const demandSchema = document.paths['/api/demands'].post.requestBody.content['application/json'].schema;
    assert.deepEqual([demandSchema.properties.name.maxLength, demandSchema.properties.top.maximum], [200, 100]);
    assert.deepEqual(demandSchema.properties.mode.enum, ['seed', 'dense', 'hybrid', 'lexical']);
    assert.ok(document.paths['/api/auth/login'].post.requestBody.content['application/x-www-form-urlencoded'], 'the login form is documented');
    // OpenAPI 3.0 patterns are ECMA-262 regular expressions without flags: there \p{Cc} is the
    // letters p, C, c and braces, so a client validating the documented pattern refused "compact".
    const patterns = JSON.stringify(document.paths).match(/"pattern":"(?:[^"\\]|\\.)*"/g) ?? [];
    for (const pattern of patterns) assert.doesNotMatch(pattern, /\\p\{/, `${pattern}: no Unicode property escape`);
    assert.ok(new RegExp(demandSchema.properties.name.pattern).test('compact pouch cell'));
    assert.ok(!new RegExp(demandSchema.properties.name.pattern).test('two\nlines'));
    // Only zod checks bodies: a documented limit is enforced with zod's message, not Ajv's.
    const long = await call(tokens.demander, 'POST', '/api/demands', { ...QUERY, name: 'x'.repeat(201) });
    assert.equal(long.status, 400);
    assert.match(long.body.detail, /^demand, name: /);
  });

  test('the OpenAPI document describes every path parameter as its route checks it, and a bad one gets the documented problem', async () => {
    const { body: document } = await call(null, 'GET', '/api/openapi.json');
    type Parameter = { name: string; in: string; required?: boolean; schema: { pattern?: string; enum?: string[] } };
    const probes = ['1', '42', '0', '007', '-1', 'abc', '0x10', '1e1', '1.5', '999999999999999', '1000000000000000', '1020160138184', '3020160138184'];
    let probed = 0;
    for (const [template, operations] of Object.entries<Record<string, { parameters?: Parameter[]; responses: Record<string, unknown> }>>(document.paths)) {
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const [method, operation] of Object.entries(operations)) {
        const inPath = (operation.parameters ?? []).filter((p) => p.in === 'path');
        assert.deepEqual(inPath.map((p) => p.name).sort(), [...names].sort(), `${method} ${template} documents its path parameters`);
        for (const parameter of inPath) {
          const { pattern, enum: values } = parameter.schema;
          assert.equal(parameter.required, true, `${method} ${template} {${parameter.name}} is required`);
          assert.ok(pattern !== undefined || values !== undefined, `${method} ${template} {${parameter.name}} says which values it takes, not just "a string"`);
          if (names.length !== 1) continue;
          // What the document accepts must be what the route accepts: a refusal names the parameter.
          // Anonymous calls, so an accepted value only reaches a 401 and changes nothing.
          for (const value of [...probes, ...(values ?? []), 'XX']) {
            const documented = values ? values.includes(value) : new RegExp(pattern!).test(value);
            const reply = await call(null, method.toUpperCase(), template.replace(`{${parameter.name}}`, encodeURIComponent(value)), method === 'post' ? {} : undefined);
            const refused = reply.status === 400 && new RegExp(`(^|[ .])${parameter.name}: `).test(reply.body.detail);
            assert.equal(refused, !documented, `${method} ${template} with ${parameter.name} = ${JSON.stringify(value)}: ${reply.status} ${reply.body.detail ?? ''}`);
            probed++;
          }
        }
      }
    }
    assert.ok(probed > 100, `${probed} probes`);
    for (const template of ['/api/demands/{id}', '/api/matches/{id}', '/api/admin/outbox/{id}/retry', '/api/patents/{applicationNumber}', '/api/classes/{tech6t}/distribution']) {
      assert.ok(document.paths[template], `${template} is documented`);
    }

    const bad = await call(tokens.manager, 'GET', '/api/matches/0x10');
    const promised = document.paths['/api/matches/{id}'].get.responses['400'];
    assert.deepEqual(promised, { description: promised.description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type')!, /^application\/problem\+json/);
    for (const field of document.components.schemas.Problem.required) assert.ok(field in bad.body, `the problem has ${field}`);
    assert.deepEqual(bad.body, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'invalid_input',
      detail: 'match id, id: must be a positive whole number of at most 15 digits',
      instance: '/api/matches/0x10',
    });
  });

  test('the OpenAPI document describes the outbox query from the schema the route checks it with', async () => {
    const { body: document } = await call(null, 'GET', '/api/openapi.json');
    const [state, ...others] = document.paths['/api/admin/outbox'].get.parameters;
    assert.deepEqual(others, []);
    assert.deepEqual(state, { schema: { type: 'string', enum: ['pending', 'sending', 'sent', 'logged', 'failed'] }, in: 'query', name: 'state', required: false });
    for (const value of state.schema.enum) assert.equal((await call(tokens.admin, 'GET', `/api/admin/outbox?state=${value}`)).status, 200, value);
    const lost = await call(tokens.admin, 'GET', '/api/admin/outbox?state=lost');
    assert.equal(lost.status, 400);
    assert.match(lost.body.detail, /^outbox query, state: /);
  });

  test('form login: accepted only from this server\'s pages, and redirects only to a path on this server', async () => {
    const fields = { email: 'buyer@corp.example', password: 'correct horse battery' };
    // Another site posting the form would log the victim into the attacker's account.
    const crossSite = await postForm('/api/auth/login', { ...fields, next: '/#/match' }, { origin: 'http://evil.example' });
    assert.equal(crossSite.status, 403);
    assert.equal(crossSite.headers.get('set-cookie'), null);
    const korean = await postForm('/api/auth/login', { ...fields, next: '/#/?q=그래핀' }, { origin: base });
    assert.equal(korean.status, 303);
    assert.equal(korean.headers.get('location'), '/#/?q=%EA%B7%B8%EB%9E%98%ED%95%80');
    for (const next of ['/\\evil.example/x', '/\t/evil.example', '//evil.example']) {
      const reply = await postForm('/api/auth/login', { ...fields, next });
      assert.equal(reply.status, 200, `no redirect to ${JSON.stringify(next)}`);
    }
  });
});

test('login is limited per client address as well as per account: trying many accounts from one place is stopped', async () => {
  const fixture = await matchFixture({ routes: { loginLimit: { max: 3, perAddressMax: 5, timeWindowMs: 60_000 } } });
  const app = await buildServer({ engine: fixture.engine, store: fixture.store, logger: false, rateLimit: { max: 1000, timeWindowMs: 60_000 }, webRoot: null, plugins: [fixture.match.plugin] });
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    let last: Response | undefined;
    const login = async (email: string) => {
      last = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'guess' }) });
      return last.status;
    };
    const oneAccount = [];
    for (let i = 0; i < 4; i++) oneAccount.push(await login('buyer@corp.example'));
    assert.deepEqual(oneAccount, [401, 401, 401, 429], 'three tries per account');
    // Every account below is tried once: only the limit per address stops them (5, the 4 above included).
    const manyAccounts = [];
    for (let i = 0; i < 3; i++) manyAccounts.push(await login(`user${i}@corp.example`));
    assert.deepEqual(manyAccounts, [401, 429, 429]);
    const problem = (await last!.json()) as { code: string; detail: string };
    assert.equal(problem.code, 'rate_limited');
    assert.match(problem.detail, /^Too many logins from this address: at most 5 per 60 s; retry after \d+ s$/);
    assert.match(last!.headers.get('retry-after') ?? '', /^\d+$/);
  } finally {
    await app.close();
    await fixture.close();
  }
});
