/**
 * Browser test of the market in the dashboard: a demander registers a 공개 and a 비공개 demand
 * through the form; a technology manager finds the public one in 수요 매칭 (never the private one)
 * with the organisation's matching patents and why they match, and proposes one; the demander
 * accepts it under 제안받은 특허; the manager then sees the match accepted with the demander's
 * contact. Real server, SMTP server, SQLite, indexed home and Debian's Chromium (playwright-core).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS as artifacts, launchBrowser, type TestBrowser } from '../../api/test-support/browser.js';
import { assertMarksMatch } from '../../api/test-support/marks.js';
import type { User } from '../index.js';
import { logIn, matchDashboard, type MatchDashboard } from '../test-support/dashboard.js';
import { marketHome } from '../test-support/market.js';

const PASSWORD = 'correct horse battery';
const CONTACT = '홍길동 010-1234-5678';
const DESCRIPTION = '3차원 그래핀 구조체로 비표면적이 큰 슈퍼커패시터 전극을 대량생산하는 방법';
const OPEN_NAME = '슈퍼커패시터용 그래핀 전극';
const HIDDEN_NAME = '비공개 그래핀 전극 수요';
const ORGANIZATION = '인천대학교 산학협력단';

describe('dashboard: managers find demanders (수요 매칭), propose, and the demander accepts', () => {
  let dashboard: MatchDashboard;
  let demander: Page;
  let managerBrowser: TestBrowser;
  let manager: Page;
  let tlo: User;
  const ids = { open: 0, hidden: 0 };

  before(async () => {
    dashboard = await matchDashboard({ open: (smtp) => marketHome({ smtp }) });
    demander = dashboard.page;
    const { accounts } = dashboard.fixture.match.service;
    await accounts.create({ email: 'buyer@corp.example', password: PASSWORD, role: 'demander' });
    tlo = await accounts.create({ email: 'tlo@org0093.example', password: PASSWORD, role: 'manager', organization: ORGANIZATION });
    managerBrowser = await launchBrowser(); // a profile of its own: its own session cookie
    manager = managerBrowser.page;
    manager.on('pageerror', (error) => dashboard.pageErrors.push(error.message));
  });

  after(async () => {
    await managerBrowser?.close();
    await dashboard?.close();
  });

  const demandIdOf = (page: Page): number => Number(/demand=(\d+)/.exec(new URL(page.url()).hash)![1]);
  const register = async (name: string, visibility: 'private' | 'public' | null): Promise<number> => {
    await demander.goto(`${dashboard.base}/#/match`);
    await demander.fill('#demand-name', name);
    await demander.fill('#demand-description', DESCRIPTION);
    await demander.fill('#demand-field', '에너지 저장');
    await demander.fill('#demand-contact', CONTACT);
    if (visibility) await demander.check(`input[name="demand-visibility"][value="${visibility}"]`);
    await demander.click('.demand-form button[type="submit"]');
    await demander.waitForSelector('.demand-detail .demand-visibility');
    return demandIdOf(demander);
  };
  const marketCard = (id: number) => manager.locator(`.market-demand[data-demand-id="${id}"]`);
  const openMarket = async () => {
    await manager.click('.staff-tabs a:text-is("수요 매칭")');
    await manager.locator('.market-total').waitFor();
  };
  const listedNames = () => manager.locator('.market-demand h4').allTextContents();

  test('the form explains both visibilities, defaults to 비공개, and the demand page shows the choice', async () => {
    await logIn(demander, dashboard.base, 'buyer@corp.example', PASSWORD);
    await demander.waitForSelector('.visibility-choice');
    const choice = (await demander.textContent('.visibility-choice')) ?? '';
    assert.match(choice, /비공개 — 본인과 관리자만 봅니다/);
    assert.match(choice, /공개 — 특허가 맞는 기관의 기술이전 담당자가 수요의 이름·설명·분야를 볼 수 있습니다\. 연락처는 제안을 수락하기 전까지 보이지 않습니다\./);
    assert.ok(await demander.isChecked('input[name="demand-visibility"][value="private"]'), '비공개 by default');

    ids.hidden = await register(HIDDEN_NAME, null);
    assert.equal(await demander.getAttribute('.demand-visibility', 'data-visibility'), 'private');
    ids.open = await register(OPEN_NAME, 'public');
    assert.equal(await demander.getAttribute('.demand-visibility', 'data-visibility'), 'public');
    assert.match((await demander.textContent('.demand-visibility')) ?? '', /공개.*비공개로 바꾸기/s);
  });

  test('수요 매칭 lists the public demand with its matching patents, explained; never the private one or the contact', async () => {
    await logIn(manager, dashboard.base, tlo.email, PASSWORD);
    await openMarket();
    assert.deepEqual(await listedNames(), [OPEN_NAME], 'the private demand is not listed');
    const shown = await dashboard.fixture.match.service.getMarketDemand(tlo, ids.open);
    const card = marketCard(ids.open);
    assert.match((await card.textContent()) ?? '', new RegExp(`에너지 저장.*${DESCRIPTION}`, 's'));
    const rows = card.locator('.market-patents > li');
    assert.deepEqual(await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-application-number'))), shown.patents.map((p) => p.applicationNumber));
    assert.ok(shown.patents.length > 0);
    // The best patent's band styles the demand's score, as on the search page.
    assert.equal(await card.locator('header .score').getAttribute('data-band'), shown.patents[0]!.band ?? 'none');
    for (const summary of await rows.locator('details.why summary').all()) await summary.click();
    for (const [i, patent] of shown.patents.entries()) {
      await assertMarksMatch(rows.nth(i), patent);
      assert.equal(await rows.nth(i).locator('a[target="_blank"]').getAttribute('href'), `https://doi.org/10.8080/${patent.applicationNumber}`);
    }
    const text = (await manager.textContent('.market')) ?? '';
    for (const secret of [CONTACT, 'buyer@corp.example']) assert.ok(!text.includes(secret), `the market never shows ${secret}`);
    await manager.screenshot({ path: join(artifacts, 'market-01-list.png'), fullPage: true });
  });

  test('the manager proposes a patent; it shows as proposed, also after a reload', async () => {
    const card = marketCard(ids.open);
    const first = card.locator('.market-patents > li').first();
    const number = (await first.getAttribute('data-application-number'))!;
    await first.locator('input[type="checkbox"]').check();
    await card.locator('textarea').fill('샘플 제공 가능합니다');
    assert.equal((await card.locator('.propose-button').textContent())?.trim(), '선택한 특허 1건 제안하기');
    await card.locator('.propose-button').click();
    await card.locator(`.proposal-result li:has(.mono:text-is("${number}"))`).waitFor();
    await card.locator(`li[data-application-number="${number}"][data-match-status="proposed"]`).waitFor();
    await manager.reload();
    const proposed = marketCard(ids.open).locator(`li[data-application-number="${number}"]`);
    await proposed.locator('.badge.status').waitFor();
    assert.equal(await proposed.getAttribute('data-match-status'), 'proposed');
    assert.ok(await proposed.locator('input[type="checkbox"]').isDisabled(), 'a proposed patent cannot be proposed again');
    assert.match((await proposed.locator('.badge.status').textContent()) ?? '', /제안함/);
  });

  test('the demander sees the proposal with its message and accepts it; the manager then sees the contact', async () => {
    await demander.goto(`${dashboard.base}/#/match?demand=${ids.open}`);
    const proposal = demander.locator('.proposals .proposal');
    await proposal.waitFor();
    const number = (await proposal.getAttribute('data-application-number'))!;
    assert.match((await proposal.textContent()) ?? '', new RegExp(`${number}.*${ORGANIZATION}.*샘플 제공 가능합니다`, 's'));
    assert.equal(await demander.locator('.patent-request').count(), 0, 'an open proposal is not yet among the matches');
    await demander.screenshot({ path: join(artifacts, 'market-02-proposal.png'), fullPage: true });
    await proposal.locator('button:text-is("수락")').click();
    const card = demander.locator(`.patent-request[data-application-number="${number}"] .match-card`);
    await card.locator('xpath=self::*[@data-status="accepted"]').waitFor();
    assert.equal(await demander.locator('.proposals').count(), 0);
    assert.deepEqual(await card.locator('.timeline li').evaluateAll((items) => items.map((item) => item.getAttribute('data-status'))), ['proposed', 'accepted']);

    await manager.click('.staff-tabs a:text-is("기술이전 요청")');
    const inbox = manager.locator(`.match-card:has(.mono:text-is("${number}"))`);
    await inbox.locator('xpath=self::*[@data-status="accepted"]').waitFor();
    assert.match((await inbox.textContent()) ?? '', new RegExp(`${CONTACT}.*buyer@corp\\.example`, 's'));
    await openMarket();
    assert.match((await marketCard(ids.open).locator(`li[data-application-number="${number}"] .badge.status`).textContent()) ?? '', /수락/);
  });

  test('a demand made 비공개 leaves 수요 매칭, and proposing to it from a stale page says why it failed', async () => {
    const card = marketCard(ids.open);
    const other = card.locator('li[data-match-status="none"]').first();
    await demander.goto(`${dashboard.base}/#/match?demand=${ids.open}`);
    await demander.click('.visibility-switch');
    await demander.locator('.demand-visibility[data-visibility="private"]').waitFor();

    await other.locator('input[type="checkbox"]').check();
    await card.locator('.propose-button').click();
    const alert = card.locator('[role="alert"]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', new RegExp(`제안하지 못했습니다: .*demand ${ids.open}`));
    await manager.reload();
    await manager.locator('.market-total').waitFor();
    assert.deepEqual(await listedNames(), [], 'neither demand is listed once both are private');
    assert.deepEqual(dashboard.pageErrors, []);
  });
});
