/**
 * Browser test of routing by applicant: a demander requests a co-applied patent and sees both
 * organisations' matches in its row; each organisation's manager logs in and sees only theirs.
 * Real server, SMTP server, SQLite and Debian's Chromium (playwright-core).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS as artifacts, launchBrowser, type TestBrowser } from '../api/test-support/browser.js';
import type { Manager } from './index.js';
import { logIn, matchDashboard, type MatchDashboard } from './test-support/dashboard.js';

const PASSWORD = 'correct horse battery';
const CO_APPLIED = '1020160138184'; // 인천대학교 산학협력단 | 에이치씨테크(주)
const MANAGERS: Manager[] = [
  { applicant: '인천대학교 산학협력단', name: '인천대 담당자', email: 'tlo@inu.example', organization: '인천대학교 산학협력단' },
  { applicant: '에이치씨테크(주)', name: '에이치씨테크 담당자', email: 'ip@hctech.example', organization: '에이치씨테크 주식회사' },
];

describe('dashboard: a co-applied patent reaches the manager of each applicant', () => {
  let dashboard: MatchDashboard;
  const managerBrowsers: TestBrowser[] = [];

  before(async () => {
    dashboard = await matchDashboard({ managers: () => false });
    const { accounts, managers } = dashboard.fixture.match.service;
    managers.upsert(MANAGERS);
    await accounts.create({ email: 'buyer@corp.example', password: PASSWORD, role: 'demander' });
    for (const manager of MANAGERS) await accounts.create({ email: manager.email, password: PASSWORD, role: 'manager', organization: manager.organization });
  });

  after(async () => {
    for (const browser of managerBrowsers) await browser.close();
    await dashboard?.close();
  });

  test('the demander sees both organisations in one row; each manager sees only their match', async () => {
    const { page, base, smtp, fixture, pageErrors } = dashboard;
    await logIn(page, base, 'buyer@corp.example', PASSWORD);
    await page.fill('#demand-name', '슈퍼커패시터용 그래핀 전극');
    await page.fill('#demand-description', '3차원 그래핀 구조체로 비표면적이 큰 슈퍼커패시터 전극을 대량생산하는 방법');
    await page.click('.demand-form button[type="submit"]');
    await page.locator(`.recommendations tbody tr[data-application-number="${CO_APPLIED}"] input[type="checkbox"]`).check();
    await page.click('.request-button');

    const row = page.locator(`.patent-request[data-application-number="${CO_APPLIED}"]`);
    await row.locator('.match-card >> nth=1').waitFor();
    assert.equal(await page.locator('.patent-request').count(), 1, 'one row for the patent');
    assert.deepEqual(
      await row.locator('.match-card').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-organization'))),
      MANAGERS.map((manager) => manager.organization),
    );
    assert.match((await row.locator('header').textContent()) ?? '', /공동출원 · 2개 기관에 요청/);
    await smtp.waitUntil((mails) => MANAGERS.every((m) => mails.some((mail) => mail.to === m.email && mail.text.includes(CO_APPLIED))), 'an email to each manager');
    await page.screenshot({ path: join(artifacts, 'match-routing-demander.png'), fullPage: true });

    for (const manager of MANAGERS) {
      const browser = await launchBrowser(); // a profile of its own: its own session cookie
      managerBrowsers.push(browser);
      browser.page.on('pageerror', (error) => pageErrors.push(error.message));
      await logIn(browser.page, base, manager.email, PASSWORD);
      const card = browser.page.locator('.match-card');
      await card.locator('xpath=self::*[@data-status="viewed"]').waitFor();
      assert.equal(await card.count(), 1, `${manager.email} sees one match`);
      assert.match((await card.textContent()) ?? '', new RegExp(CO_APPLIED));
      const shown = Number(await card.getAttribute('data-match-id'));
      const { organization } = fixture.store.db.prepare('SELECT organization FROM match_requests WHERE id = ?').get(shown) as { organization: string };
      assert.equal(organization, manager.organization, 'and it is their organisation’s');
    }

    // Each manager's viewing shows up in the demander's row, organisation by organisation.
    await page.reload();
    await row.locator('.match-card[data-status="viewed"] >> nth=1').waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
