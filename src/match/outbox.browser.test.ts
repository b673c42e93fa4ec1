/**
 * Browser test of the admin's 메일 발송함 (outbox page): every email with its state, reason,
 * attempts and time; the state filter; 다시 보내기 for failed and only-logged emails, which then
 * reach a real SMTP server. Real server, SQLite and Debian's Chromium (playwright-core).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS as artifacts } from '../api/test-support/browser.js';
import { logTransport, MailWorker, type OutboxEntry } from './index.js';
import { logIn, matchDashboard, type MatchDashboard } from './test-support/dashboard.js';

describe('dashboard: the admin outbox', () => {
  let dashboard: MatchDashboard;
  let page: Page;
  const emails: Record<'logged' | 'failed' | 'pending', OutboxEntry> = {} as never;

  before(async () => {
    // The test sends (drains) the outbox itself, so every state is there when the page looks.
    dashboard = await matchDashboard({ sendsMail: false });
    page = dashboard.page;
    const { fixture } = dashboard;
    const { outbox } = fixture.match.service;
    const enqueue = (to: string, subject: string) => outbox.enqueue({ kind: 'status-update', matchId: null, to, subject, text: '본문' });
    // Logged by an earlier run of the server without --smtp.
    emails.logged = enqueue('logged@corp.example', '기록만 된 메일');
    assert.equal(await new MailWorker(outbox, logTransport(() => {}), { from: 'patmatch <no-reply@patmatch.test>' }).drain(), 1);
    emails.failed = enqueue('nobody@corp.example', '실패한 메일');
    outbox.markFailed(outbox.claim(60_000)!, '550 5.1.1 mailbox unavailable', null);
    emails.pending = enqueue('later@corp.example', '대기 중인 메일');
    await fixture.match.service.accounts.create({ email: 'ops@patmatch.example', password: 'correct horse battery', role: 'admin' });
  });

  after(() => dashboard?.close());

  const rows = () => page.locator('.outbox-table tbody tr[data-outbox-id]');
  const rowOf = (email: OutboxEntry) => page.locator(`.outbox-table tr[data-outbox-id="${email.id}"]`);
  /** Chooses a state in the filter and waits until the table shows `shown` (CSP allows no string predicates). */
  const filterBy = async (state: string, shown: () => Promise<unknown>) => {
    await page.selectOption('#outbox-state', state);
    await shown();
    assert.match(new URL(page.url()).hash, new RegExp(`[?&]state=${state}\\b`), 'the filter is in the address');
  };

  test('lists every email with its state, reason and attempts, filters by state, and sends failed and logged mail again', async () => {
    const { fixture, smtp } = dashboard;
    await logIn(page, dashboard.base, 'ops@patmatch.example', 'correct horse battery');
    await page.click('.staff-tabs a:text-is("메일 발송함")');
    await rows().nth(2).waitFor();

    assert.deepEqual(
      await rows().evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-state'), tr.querySelectorAll('td')[3]!.textContent])),
      [
        ['pending', 'later@corp.example'],
        ['failed', 'nobody@corp.example'],
        ['logged', 'logged@corp.example'],
      ],
    );
    const failedCells = await rowOf(emails.failed).locator('td').allTextContents();
    assert.deepEqual([failedCells[1], failedCells[2], failedCells[4], failedCells[5], failedCells[7]], ['실패', 'status-update', '실패한 메일', '1', '550 5.1.1 mailbox unavailable']);
    assert.equal(await rowOf(emails.logged).locator('.badge').textContent(), '기록만 됨 (메일 서버 없음)');
    assert.match((await page.textContent('.logged-note')) ?? '', /기록만 된 메일 1건.*아무도 받지 못했습니다.*--smtp/s);
    assert.deepEqual(
      await rows().evaluateAll((trs) => trs.map((tr) => tr.querySelector('button')?.textContent ?? null)),
      [null, '다시 보내기', '다시 보내기'],
      'only failed and logged emails can be sent again',
    );
    assert.match((await page.textContent('#outbox-state option[value="logged"]')) ?? '', /\(1\)$/);
    await page.screenshot({ path: join(artifacts, 'match-04-admin-outbox.png'), fullPage: true });

    await filterBy('failed', async () => {
      await rowOf(emails.pending).waitFor({ state: 'detached' });
      await rowOf(emails.failed).waitFor();
    });
    assert.equal(await rows().count(), 1);
    await rowOf(emails.failed).locator('button').click();
    await page.waitForSelector('.outbox-table td:text("실패 상태인 메일이 없습니다.")');
    assert.equal(fixture.match.service.outbox.get(emails.failed.id)!.state, 'pending');

    await filterBy('logged', () => rowOf(emails.logged).waitFor());
    await rowOf(emails.logged).locator('button').click();
    await page.waitForSelector('.outbox-table td:text("기록만 됨 (메일 서버 없음) 상태인 메일이 없습니다.")');
    assert.equal(await page.locator('.logged-note').count(), 0, 'the note goes with the last logged email');

    await fixture.match.worker.drain();
    await smtp.waitForMessages(3);
    assert.deepEqual(smtp.received.map((mail) => mail.to).sort(), ['later@corp.example', 'logged@corp.example', 'nobody@corp.example']);
    await filterBy('sent', () => page.locator('.outbox-table tr[data-state="sent"]').nth(2).waitFor());
    assert.equal(await rows().count(), 3);
    assert.deepEqual(dashboard.pageErrors, []);
  });
});
