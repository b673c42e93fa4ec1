/** The demand watch over HTTP: the count of new recommendations in the list, seen, the switch, requesting an added patent. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/index.js';
import type { DemandListItem, DemandView } from '../index.js';
import { matchFixture, type MatchFixture } from '../test-support/fixture.js';
import { arriveAndWatch } from '../test-support/watch.js';

describe('demand watch API (real home and indexes, buildServer + match plugin)', () => {
  let fixture: MatchFixture;
  let app: FastifyInstance;
  let base: string;
  let token: string;

  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const listed = async (id: number): Promise<DemandListItem> => (await call<{ demands: DemandListItem[] }>('GET', '/api/demands')).body.demands.find((d) => d.id === id)!;

  before(async () => {
    fixture = await matchFixture({ indexed: true, sendsMail: false });
    app = await buildServer({ engine: fixture.engine, store: fixture.store, logger: false, rateLimit: false, webRoot: null, plugins: [fixture.match.plugin] });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const owner = await fixture.match.service.accounts.create({ email: 'buyer@corp.example', password: 'correct horse battery', role: 'demander' });
    token = fixture.match.service.accounts.createApiToken(owner.id);
  });
  after(async () => {
    await app?.close();
    await fixture?.close();
  });

  test('GET /api/demands counts unseen new recommendations; seen resets it; an added patent can be requested', async () => {
    const created = await call<DemandView>('POST', '/api/demands', { name: '그래핀 전극', description: '슈퍼커패시터용 그래핀 전극 제조방법', top: 5 });
    assert.equal(created.status, 201);
    const demand = created.body;
    assert.equal((await listed(demand.id)).newRecommendations, 0);
    assert.ok(!('recommendations' in (await listed(demand.id))), 'the list leaves the recommendations out');

    const report = await arriveAndWatch(fixture, demand.recommendations[0]!, '1020990000301');
    assert.equal(report.newRecommendations, 1);
    assert.equal((await listed(demand.id)).newRecommendations, 1);
    const read = (await call<DemandView>('GET', `/api/demands/${demand.id}`)).body;
    assert.deepEqual(read.recommendations.filter((hit) => hit.new).map((hit) => hit.applicationNumber), ['1020990000301']);

    const seen = await call<DemandView>('POST', `/api/demands/${demand.id}/seen`);
    assert.equal(seen.status, 200);
    assert.equal((await listed(demand.id)).newRecommendations, 0);
    const again = (await call<DemandView>('GET', `/api/demands/${demand.id}`)).body.recommendations.find((hit) => hit.applicationNumber === '1020990000301')!;
    assert.deepEqual([again.new, typeof again.addedAt], [false, 'string'], 'seen, still added');

    const requested = await call<{ matches: unknown[] }>('POST', `/api/demands/${demand.id}/matches`, { applicationNumbers: ['1020990000301'] });
    assert.equal(requested.status, 201, JSON.stringify(requested.body));
    assert.equal(requested.body.matches.length, 1);
  });

  test('seen with `until` leaves later additions new; a bad `until` is a 400 naming the field', async () => {
    const created = (await call<DemandView>('POST', '/api/demands', { name: '그래핀 전극 2', description: '슈퍼커패시터용 그래핀 전극 제조방법', top: 5 })).body;
    await arriveAndWatch(fixture, created.recommendations[0]!, '1020990000302');
    const shown = (await call<DemandView>('GET', `/api/demands/${created.id}`)).body.recommendations.find((hit) => hit.new)!;
    const before = new Date(Date.parse(shown.addedAt!) - 1).toISOString();
    assert.equal((await call<DemandView>('POST', `/api/demands/${created.id}/seen`, { until: before })).status, 200);
    assert.equal((await listed(created.id)).newRecommendations, 1, 'added after `until`: still new');
    await call<DemandView>('POST', `/api/demands/${created.id}/seen`, { until: shown.addedAt });
    assert.equal((await listed(created.id)).newRecommendations, 0);
    await call<DemandView>('POST', `/api/demands/${created.id}/seen`, { until: before });
    assert.equal((await listed(created.id)).newRecommendations, 0, 'seen never moves back');
    const bad = await call<{ detail: string }>('POST', `/api/demands/${created.id}/seen`, { until: 'yesterday' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /until/);
  });

  test('PATCH {watch} switches the watch and GET shows it; a bad value is a 400 naming the field', async () => {
    const [item] = (await call<{ demands: DemandListItem[] }>('GET', '/api/demands')).body.demands;
    assert.equal((await call<DemandView>('PATCH', `/api/demands/${item!.id}`, { watch: false })).body.watch, false);
    assert.equal((await listed(item!.id)).watch, false);
    const bad = await call<{ detail: string }>('PATCH', `/api/demands/${item!.id}`, { watch: 'off' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /watch/);
    assert.equal((await call<DemandView>('PATCH', `/api/demands/${item!.id}`, { watch: true })).body.watch, true);
  });
});
