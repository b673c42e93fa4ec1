/**
 * Browser test of the demander's flow in the dashboard: log in, register a demand, select
 * recommended patents, request them; the manager answers through the emailed link; the demander
 * sees the status timeline. Real server, SMTP server, SQLite and Debian's Chromium (playwright-core).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildServer } from '../api/index.js';
import { projectRoot } from '../cli/context.js';
import { matchFixture, type MatchFixture } from './test-support/fixture.js';
import { startSmtpServer, type TestSmtpServer } from './test-support/smtp.js';

const CHROMIUM = process.env.PATMATCH_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const artifacts = join(projectRoot, 'test-artifacts');

/** Newest modification time of the files under `dir`. */
async function newestChange(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** dist/web when it is newer than every dashboard source, else a fresh build in a temporary folder. */
async function dashboardBuild(): Promise<string> {
  const dist = join(projectRoot, 'dist', 'web');
  const built = existsSync(join(dist, 'index.html')) ? (await stat(join(dist, 'index.html'))).mtimeMs : 0;
  if (built > (await newestChange(join(projectRoot, 'src', 'web')))) return dist;
  const outDir = await mkdtemp(join(tmpdir(), 'patmatch-web-'));
  temporaryBuild = outDir;
  const build = spawnSync(
    process.execPath,
    [join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'],
    { cwd: projectRoot, stdio: 'inherit' },
  );
  assert.equal(build.status, 0, 'the dashboard builds');
  return outDir;
}
let temporaryBuild: string | undefined;

describe('dashboard: demander flow from demand to status timeline', () => {
  let webRoot: string;
  let profile: string;
  let smtp: TestSmtpServer;
  let fixture: MatchFixture;
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    webRoot = await dashboardBuild();
    await mkdir(artifacts, { recursive: true });
    smtp = await startSmtpServer();
    fixture = await matchFixture({ smtp: smtp.url });
    app = await buildServer({ engine: fixture.engine, store: fixture.store, logger: false, rateLimit: false, webRoot, plugins: [fixture.match.plugin] });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    await fixture.match.service.accounts.create({ email: 'buyer@corp.example', password: 'correct horse battery', role: 'demander' });
    profile = await mkdtemp(join(tmpdir(), 'patmatch-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
      locale: 'ko-KR',
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await context?.close();
    await app?.close();
    await fixture?.close();
    await smtp?.close();
    for (const dir of [profile, temporaryBuild]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('log in, register a demand, request two patents, see the manager’s answer in the timeline', async () => {
    await page.goto(`${base}/#/match`);
    await page.fill('#login-email', 'buyer@corp.example');
    await page.fill('#login-password', 'correct horse battery');
    await page.click('.login-form button[type="submit"]');

    await page.fill('#demand-name', '슈퍼커패시터용 그래핀 전극');
    await page.fill('#demand-description', '3차원 그래핀 구조체로 비표면적이 큰 슈퍼커패시터 전극을 대량생산하는 방법');
    await page.fill('#demand-transfer', '통상실시권');
    await page.click('.demand-form button[type="submit"]');
    await page.waitForSelector('.recommendations tbody tr');
    assert.equal(await page.locator('.recommendations tbody tr').count(), 20);
    await page.screenshot({ path: join(artifacts, 'match-01-recommendations.png'), fullPage: true });

    const boxes = page.locator('.recommendations tbody input[type="checkbox"]');
    const chosen = [await boxes.nth(0).getAttribute('value'), await boxes.nth(1).getAttribute('value')];
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.click('.request-button');
    await page.waitForSelector('.match-card >> nth=1');
    const cards = page.locator('.match-card');
    assert.deepEqual(await cards.locator('.mono').allTextContents(), chosen);
    assert.ok(await boxes.nth(0).isDisabled(), 'a requested patent cannot be requested again');

    // The manager of the first patent opens the emailed link and accepts.
    await smtp.waitUntil((mails) => mails.some((mail) => mail.text.includes(chosen[0]!)), 'the manager email');
    const mail = smtp.received.find((received) => received.text.includes(chosen[0]!))!;
    const accept = /http:\/\/patmatch\.test(\/match\/respond\/\d+\/accept\?\S+)/.exec(mail.text)![1]!;
    const managerPage = await context.newPage();
    await managerPage.goto(`${base}${accept}`);
    await managerPage.fill('textarea[name="message"]', '다음 주에 미팅 가능합니다');
    await managerPage.click('button[type="submit"]');
    await managerPage.waitForSelector('text=처리되었습니다');
    await managerPage.close();

    await page.reload();
    const first = page.locator(`.match-card:has(.mono:text-is("${chosen[0]}"))`);
    await first.locator('[data-status="accepted"]').waitFor();
    assert.equal(await first.getAttribute('data-status'), 'accepted');
    const steps = await first.locator('.timeline li').evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
    assert.deepEqual(steps, ['requested', 'notified', 'accepted']);
    assert.match((await first.locator('.timeline li').last().textContent()) ?? '', /다음 주에 미팅 가능합니다/);
    await page.screenshot({ path: join(artifacts, 'match-02-timeline.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
