/**
 * Browser test of the demander's flow in the dashboard: log in, register a demand, select
 * recommended patents, request them; the manager answers through the emailed link; the demander
 * sees the status timeline. Real server, SMTP server, SQLite and Debian's Chromium (playwright-core).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS as artifacts, launchBrowser, type TestBrowser } from '../api/test-support/browser.js';
import { samplePatent } from '../store/test-support.js';
import { assertMarksMatch } from '../api/test-support/marks.js';
import type { User } from './index.js';
import { logIn, matchDashboard, type MatchDashboard } from './test-support/dashboard.js';
import type { MatchFixture } from './test-support/fixture.js';
import type { TestSmtpServer } from './test-support/smtp.js';

describe('dashboard: demander flow from demand to status timeline', () => {
  let dashboard: MatchDashboard;
  let browser: TestBrowser;
  let smtp: TestSmtpServer;
  let fixture: MatchFixture;
  let base: string;
  let page: Page;
  let buyer: User;
  let pageErrors: string[];

  before(async () => {
    dashboard = await matchDashboard();
    ({ browser, smtp, fixture, base, page, pageErrors } = dashboard);
    buyer = await fixture.match.service.accounts.create({ email: 'buyer@corp.example', password: 'correct horse battery', role: 'demander' });
  });

  after(() => dashboard?.close());

  test('log in, register a demand, request two patents, see the manager’s answer in the timeline', async () => {
    await logIn(page, base, 'buyer@corp.example', 'correct horse battery');

    await page.fill('#demand-name', '슈퍼커패시터용 그래핀 전극');
    await page.fill('#demand-description', '3차원 그래핀 구조체로 비표면적이 큰 슈퍼커패시터 전극을 대량생산하는 방법');
    await page.fill('#demand-transfer', '통상실시권');
    await page.click('.demand-form button[type="submit"]');
    await page.waitForSelector('.recommendations tbody tr');
    assert.equal(await page.locator('.recommendations tbody tr').count(), 20);

    // What the demander decides on: the abstract (expandable), the evaluation with its sample label, the KIPRIS link.
    const firstRow = page.locator('.recommendations tbody tr').first();
    const number = (await firstRow.getAttribute('data-application-number'))!;
    fixture.store.upsertPatents([samplePatent(number)], 'test:evaluated');
    fixture.store.upsertEvaluations([{ applicationNumber: number, pqi: 0.72, rightsScore: 78, technologyScore: 86.2, commercialScore: 66.8, tech6t: 'IT', source: 'synthetic-sample' }]);
    await page.reload();
    await firstRow.locator('.evaluation .badge.sample').waitFor();
    assert.match((await firstRow.locator('.evaluation').textContent()) ?? '', /PQI 0\.72.*권리성 78.*6T IT/s);
    assert.match((await page.textContent('.demand-detail .sample-note')) ?? '', /샘플 데이터 \(synthetic-sample\)/);
    assert.equal(await page.locator('.recommendations tbody tr').nth(1).locator('.evaluation').textContent().then((text) => text?.trim()), '평가 없음');
    assert.equal(await firstRow.locator('a[target="_blank"]').getAttribute('href'), `https://doi.org/10.8080/${number}`);
    const demandId = new URL(page.url()).hash.match(/demand=(\d+)/)![1];
    const recommended = fixture.match.service.getDemand(fixture.match.service.accounts.findByEmail('buyer@corp.example')!, Number(demandId)).recommendations[0]!;
    assert.ok(!(await firstRow.locator('.abstract').isVisible()), 'the abstract starts folded');
    await firstRow.locator('summary').click();
    assert.equal(await firstRow.locator('.abstract').textContent(), recommended.abstract || '요약이 없습니다.');
    assert.equal((await page.textContent('.request-button'))?.trim(), '선택한 특허 0건 요청');
    // Each recommendation's explanation, from the stored snapshot, is marked at its offsets.
    const [demand] = fixture.match.service.listDemands(buyer);
    const snapshot = fixture.match.service.getDemand(buyer, demand!.id).recommendations;
    const rows = page.locator('.recommendations tbody tr');
    for (const summary of await rows.locator('details.why summary').all()) await summary.click();
    const termTexts: string[] = [];
    for (const [i, hit] of snapshot.entries()) {
      assert.equal(await rows.nth(i).locator('input[type="checkbox"]').getAttribute('value'), hit.applicationNumber);
      termTexts.push(...(await assertMarksMatch(rows.nth(i), hit)).map((mark) => mark.text));
    }
    assert.ok(termTexts.includes('그래핀'), termTexts.join(' '));
    await page.screenshot({ path: join(artifacts, 'match-01-recommendations.png'), fullPage: true });

    const boxes = page.locator('.recommendations tbody input[type="checkbox"]');
    const chosen = [await boxes.nth(0).getAttribute('value'), await boxes.nth(1).getAttribute('value')];
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    assert.equal((await page.textContent('.request-button'))?.trim(), '선택한 특허 2건 요청');
    await page.click('.request-button');
    await page.waitForSelector('.patent-request >> nth=1');
    assert.deepEqual(await page.locator('.patent-request header .mono').allTextContents(), chosen, 'one row per requested patent');
    assert.ok(await boxes.nth(0).isDisabled(), 'a requested patent cannot be requested again');

    // The manager of the first patent opens the emailed link and accepts.
    await smtp.waitUntil((mails) => mails.some((mail) => mail.text.includes(chosen[0]!)), 'the manager email');
    const mail = smtp.received.find((received) => received.text.includes(chosen[0]!))!;
    const reason = snapshot.find((hit) => hit.applicationNumber === chosen[0])!.explanation.sentences[0]!.text;
    assert.ok(mail.text.includes(`이 특허가 요청된 이유`) && mail.text.includes(`> ${reason.slice(0, 30)}`), 'the email quotes why the patent was requested');
    const [, accept, acceptedId] = /http:\/\/patmatch\.test(\/match\/respond\/(\d+)\/accept\?\S+)/.exec(mail.text)!;
    const managerPage = await browser.context.newPage();
    await managerPage.goto(`${base}${accept!}`);
    await managerPage.fill('textarea[name="message"]', '다음 주에 미팅 가능합니다');
    await managerPage.click('button[type="submit"]');
    await managerPage.waitForSelector('text=처리되었습니다');
    await managerPage.close();

    await page.reload();
    const first = page.locator(`.patent-request[data-application-number="${chosen[0]}"] .match-card[data-match-id="${acceptedId}"]`);
    await first.locator('[data-status="accepted"]').waitFor();
    assert.equal(await first.getAttribute('data-status'), 'accepted');
    const steps = await first.locator('.timeline li').evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
    assert.deepEqual(steps, ['requested', 'notified', 'accepted']);
    assert.match((await first.locator('.timeline li').last().textContent()) ?? '', /다음 주에 미팅 가능합니다/);
    await page.screenshot({ path: join(artifacts, 'match-02-timeline.png'), fullPage: true });

    // The manager of the second patent logs in to the dashboard: the request is in the inbox, and
    // showing it there marks it viewed, which the demander then sees.
    const second = fixture.store.db
      .prepare('SELECT organization FROM match_requests WHERE application_number = ?')
      .get(chosen[1]) as { organization: string };
    await fixture.match.service.accounts.create({
      email: 'tlo@univ.example',
      password: 'correct horse battery',
      role: 'manager',
      organization: second.organization,
    });
    const managerBrowser = await launchBrowser(); // a profile of its own: its own session cookie
    const inbox = managerBrowser.page;
    inbox.on('pageerror', (error) => pageErrors.push(error.message));
    await logIn(inbox, base, 'tlo@univ.example', 'correct horse battery');
    const card = inbox.locator(`.match-card:has(.mono:text-is("${chosen[1]}"))`);
    await card.locator('xpath=self::*[@data-status="viewed"]').waitFor();
    await inbox.screenshot({ path: join(artifacts, 'match-03-manager-inbox.png'), fullPage: true });
    await managerBrowser.close();
    await page.reload();
    const requested = page.locator(`.patent-request[data-application-number="${chosen[1]}"] .match-card`);
    await requested.locator('xpath=self::*[@data-status="viewed"]').waitFor();
    assert.deepEqual(
      await requested.locator('.timeline li').evaluateAll((items) => items.map((item) => item.getAttribute('data-status'))),
      ['requested', 'notified', 'viewed'],
    );
    assert.deepEqual(pageErrors, []);
  });

  test('a session ended elsewhere brings back the login form and says why', async () => {
    fixture.store.db.prepare(`DELETE FROM match_tokens WHERE kind = 'session'`).run();
    await page.click('.demand-list a.button-link'); // any page change refreshes, and the server answers 401
    await page.waitForSelector('.login-form');
    assert.match((await page.textContent('.login-form')) ?? '', /세션이 끝났습니다/);
    assert.equal(await page.locator('.session-bar').count(), 0);
  });
});
