/**
 * Browser test of the demand watch in the dashboard: a new patent enters a demand's top N, the
 * demander sees it in the 새 추천 group (date, emphasis), the emphasis goes on the next visit, the
 * watch is switched off and on, and the added patent is requested like any recommendation.
 * Real home and indexes, server, SQLite and Debian's Chromium (playwright-core).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS as artifacts } from '../api/test-support/browser.js';
import type { DemandView, User } from './index.js';
import { logIn, matchDashboard, type MatchDashboard } from './test-support/dashboard.js';
import { arriveAndWatch } from './test-support/watch.js';

const PASSWORD = 'correct horse battery';
const ARRIVED = '1020990000401';

describe('dashboard: the demand watch (새 추천, seen, watch switch)', () => {
  let dashboard: MatchDashboard;
  let owner: User;
  let demand: DemandView;

  before(async () => {
    dashboard = await matchDashboard({ indexed: true, sendsMail: false });
    const { service } = dashboard.fixture.match;
    owner = await service.accounts.create({ email: 'buyer@corp.example', password: PASSWORD, role: 'demander' });
    demand = await service.createDemand(owner, { name: '그래핀 전극', description: '슈퍼커패시터용 그래핀 전극 제조방법', top: 5 });
    const report = await arriveAndWatch(dashboard.fixture, demand.recommendations[0]!, ARRIVED);
    assert.equal(report.newRecommendations, 1, 'the new patent enters the demand’s top 5');
  });

  after(() => dashboard?.close());

  test('new recommendations are grouped first with their date, emphasised until seen, and can be requested', async () => {
    const { page, base, fixture, pageErrors } = dashboard;
    const addedAt = fixture.match.service.getDemand(owner, demand.id).recommendations.find((hit) => hit.applicationNumber === ARRIVED)!.addedAt!;
    await logIn(page, base, 'buyer@corp.example', PASSWORD);
    const seen = page.waitForResponse((response) => response.url().endsWith(`/api/demands/${demand.id}/seen`) && response.ok());
    await page.goto(`${base}/#/match?demand=${demand.id}`);

    const group = page.locator('.new-recommendations');
    const row = group.locator(`tbody tr[data-application-number="${ARRIVED}"]`);
    await row.waitFor();
    assert.equal(await group.locator('tbody tr').count(), 1);
    assert.equal(await row.getAttribute('data-new'), 'true');
    assert.match((await group.locator('h4').textContent()) ?? '', /새 추천 \(1건\)/);
    const shownDate = await page.evaluate((at) => new Date(at).toLocaleString('ko-KR'), addedAt);
    assert.equal((await row.locator('.added time').textContent())?.trim(), shownDate);
    assert.equal(await row.locator('.added time').getAttribute('datetime'), addedAt);
    assert.match((await page.locator(`.demand-list li:has(a[href="#/match?demand=${demand.id}"])`).textContent()) ?? '', /새 추천 1/);
    // The snapshot below keeps its patents, order and ranks.
    const snapshot = page.locator('.demand-detail > .table-scroll .recommendations tbody tr');
    assert.deepEqual(
      await snapshot.evaluateAll((rows) => rows.map((tr) => [tr.getAttribute('data-application-number'), tr.querySelector('td.num')?.textContent?.trim()])),
      demand.recommendations.map((hit) => [hit.applicationNumber, String(hit.rank)]),
    );

    await seen;
    assert.equal(fixture.match.service.getDemand(owner, demand.id).recommendations.some((hit) => hit.new), false, 'marked seen on the server');
    // Requested from the 새 추천 group like any recommendation; the page reloads the demand (now seen) and keeps the emphasis.
    await row.locator('input[type="checkbox"]').check();
    await page.click('.request-button');
    await page.locator(`.patent-request[data-application-number="${ARRIVED}"]`).waitFor();
    assert.equal(await row.locator('input[type="checkbox"]').isDisabled(), true, 'shown as requested');
    assert.equal(await row.getAttribute('data-new'), 'true', 'this visit keeps the emphasis');
    await page.screenshot({ path: join(artifacts, 'match-watch-new.png'), fullPage: true });

    await page.reload();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-new'), 'false', 'the next visit shows it plainly');
    assert.equal((await row.locator('.added time').textContent())?.trim(), shownDate, 'still grouped, with its date');

    assert.deepEqual(pageErrors, []);
  });

  test('the watch switch: off and on, stored, shown after reload; a failed change says so and shows the stored state', async () => {
    const { page, base, pageErrors } = dashboard;
    const toggle = page.locator('#demand-watch');
    const api = () => page.evaluate(async (id) => ((await (await fetch(`/api/demands/${id}`)).json()) as { watch: boolean }).watch, demand.id);
    const patched = () => page.waitForResponse((response) => response.request().method() === 'PATCH' && response.ok());
    await page.goto(`${base}/#/match?demand=${demand.id}`);
    assert.equal(await toggle.isChecked(), true);
    assert.match((await page.locator('#demand-watch-help').textContent()) ?? '', /상위 추천에 들어오면 추천에 추가하고 메일로 알려 드립니다/);

    const off = patched();
    await toggle.uncheck();
    await off;
    assert.equal(await api(), false);
    await page.reload();
    await page.locator('#demand-watch:not(:checked)').waitFor();

    await page.route(`**/api/demands/${demand.id}`, (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, detail: '잠시 후 다시 시도하세요' }) })
        : route.fallback(),
    );
    await toggle.click();
    const alert = page.locator('.watch-toggle [role="alert"]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /알림 설정을 바꾸지 못했습니다: 잠시 후 다시 시도하세요/);
    assert.equal(await toggle.isChecked(), false, 'the box shows the stored state');
    await page.unroute(`**/api/demands/${demand.id}`);

    const on = patched();
    await toggle.check();
    await on;
    assert.equal(await api(), true);
    assert.equal(await page.locator('.watch-toggle [role="alert"]').count(), 0, 'the error goes with a change that worked');
    await page.reload();
    await page.locator('#demand-watch:checked').waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
