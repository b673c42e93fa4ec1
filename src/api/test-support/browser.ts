/**
 * Shared set-up of the browser tests: a current dashboard build and Debian's Chromium driven by
 * playwright-core with a new, empty profile (never a browser downloaded by Playwright).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../cli/context.js';

/** Chromium binary; PATMATCH_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.PATMATCH_CHROMIUM ?? '/usr/bin/chromium';
/** Flags for a quiet, offline, sandbox-less headless run (containers have no user namespaces). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where tests save screenshots (gitignored). */
export const ARTIFACTS = join(projectRoot, 'test-artifacts');

async function newestChange(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** A dashboard build to serve, and how to remove it when it is a temporary one. */
export interface DashboardBuild {
  webRoot: string;
  cleanup(): Promise<void>;
}

/**
 * dist/web when it is newer than every dashboard source, else a fresh build in a temporary folder
 * (so a test never runs against stale code, and never rewrites dist/web under a running server).
 *
 * @example
 * const { webRoot, cleanup } = await dashboardBuild();
 */
export async function dashboardBuild(): Promise<DashboardBuild> {
  const dist = join(projectRoot, 'dist', 'web');
  const built = existsSync(join(dist, 'index.html')) ? (await stat(join(dist, 'index.html'))).mtimeMs : 0;
  if (built > (await newestChange(join(projectRoot, 'src', 'web')))) return { webRoot: dist, cleanup: async () => {} };
  const outDir = await mkdtemp(join(tmpdir(), 'patmatch-web-'));
  const build = spawnSync(
    process.execPath,
    [join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'],
    { cwd: projectRoot, stdio: 'inherit' },
  );
  assert.equal(build.status, 0, 'the dashboard builds');
  return { webRoot: outDir, cleanup: () => rm(outDir, { recursive: true, force: true }) };
}

/** A browser with one page, and how to close it and remove its profile. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Launches Chromium with a new empty profile and a desktop viewport, Korean locale.
 *
 * @example
 * const browser = await launchBrowser();
 * await browser.page.goto(base);
 * await browser.close();
 */
export async function launchBrowser(): Promise<TestBrowser> {
  await mkdir(ARTIFACTS, { recursive: true });
  const profile = await mkdtemp(join(tmpdir(), 'patmatch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'ko-KR',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
