import type { Page } from 'playwright-core';
import { buildServer } from '../../api/index.js';
import { dashboardBuild, launchBrowser, type TestBrowser } from '../../api/test-support/browser.js';
import type { Manager } from '../index.js';
import { matchFixture, type MatchFixture } from './fixture.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

/** The match dashboard served for a browser test: a real SMTP server, the workflow on SQLite, Chromium. */
export interface MatchDashboard {
  smtp: TestSmtpServer;
  fixture: MatchFixture;
  /** Address of the server, e.g. `http://127.0.0.1:41234`. */
  base: string;
  browser: TestBrowser;
  page: Page;
  /** Uncaught errors of the page (tests expect none). */
  pageErrors: string[];
  /** Stops everything that was started, in reverse order. */
  close(): Promise<void>;
}

/** Settings of `matchDashboard`. */
export interface MatchDashboardOptions {
  /** false: the test sends (drains) the outbox itself. */
  sendsMail?: boolean;
  /** Filters the sample directory, as `matchFixture` does. */
  managers?: (manager: Manager) => boolean;
  /** A real indexed home, as `matchFixture` gives it. */
  indexed?: boolean;
  /** Opens the home with its mail going to `smtp` (default: a `matchFixture`; e.g. `marketHome` for a real index). */
  open?: (smtp: string) => Promise<MatchFixture>;
}

/**
 * Serves the dashboard (a current build) with the match workflow of a `matchFixture` (or the home
 * `open` gives) whose mail goes to a fresh SMTP server, and opens Chromium on it.
 *
 * @example
 * const dashboard = await matchDashboard({ open: (smtp) => marketHome({ smtp }) });
 * await dashboard.page.goto(`${dashboard.base}/#/match`);
 * await dashboard.close();
 */
export async function matchDashboard(options: MatchDashboardOptions = {}): Promise<MatchDashboard> {
  const { open, ...fixtureOptions } = options;
  const build = await dashboardBuild();
  const smtp = await startSmtpServer();
  const fixture = await (open ? open(smtp.url) : matchFixture({ smtp: smtp.url, ...fixtureOptions }));
  const app = await buildServer({ engine: fixture.engine, store: fixture.store, logger: false, rateLimit: false, webRoot: build.webRoot, plugins: [fixture.match.plugin] });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchBrowser();
  const pageErrors: string[] = [];
  browser.page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    smtp,
    fixture,
    base,
    browser,
    page: browser.page,
    pageErrors,
    async close() {
      await browser.close();
      await app.close();
      await fixture.close();
      await smtp.close();
      await build.cleanup();
    },
  };
}

/**
 * Logs in through the dashboard's form on the match page.
 *
 * @example
 * await logIn(page, base, 'buyer@corp.example', 'correct horse battery');
 */
export async function logIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/#/match`);
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('.login-form button[type="submit"]');
}
