/**
 * End-to-end dashboard tests: the built bundle served by the real server over a real home, driven
 * by Debian's Chromium through playwright-core. Screenshots go to test-artifacts/ for a person to look at.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { openLexicalIndex } from '../index/lexical/index.js';
import { createSearchEngine, openSearchEngine, type SearchEngine } from '../search/index.js';
import { homeLayout } from '../store/home.js';
import { openStore, type PatentStore } from '../store/index.js';
import { createQueryLexicon } from '../text/lexicon/index.js';
import type { ApiSearchResult } from './hits.js';
import { buildServer } from './index.js';
import { ARTIFACTS, dashboardBuild, launchBrowser, type DashboardBuild, type TestBrowser } from './test-support/browser.js';
import { HOSTILE_PATENT, buildTestHome, type TestHome } from './test-support/home.js';
import { captureDashboard } from './test-support/screenshot.js';
import { assertMarksMatch } from './test-support/marks.js';

// Functions passed to page.evaluate run in the browser; these are the few DOM members they touch.
interface PlotTrace {
  type: string;
  name: string;
  marker?: { size?: number };
}
interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
  data: PlotTrace[];
}
declare const document: { querySelector(selector: string): PageElement | null; documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number; __patmatchInjected?: boolean };

let testHome: TestHome;
let engine: SearchEngine;
let store: PatentStore;
let build: DashboardBuild;
let app: FastifyInstance;
let base: string;
let browser: TestBrowser;
let page: Page;

/** Adds figures to test-artifacts/dashboard-metrics.json (recorded for the benchmarks, never asserted as timings). */
async function recordMetrics(figures: Record<string, unknown>): Promise<void> {
  const file = join(ARTIFACTS, 'dashboard-metrics.json');
  const recorded = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {};
  await writeFile(file, `${JSON.stringify({ ...recorded, ...figures, recordedAt: new Date().toISOString() }, null, 2)}\n`);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** Types a demand, submits it and waits until that search's outcome is on screen. */
async function search(text: string): Promise<void> {
  await page.fill('#demand', text);
  await page.press('#demand', 'Enter');
  await waitForOutcome(text);
}

async function waitForOutcome(text: string): Promise<void> {
  await page.waitForFunction(
    (query) => {
      const results = document.querySelector('.results');
      return results?.getAttribute('data-query') === query && ['done', 'error'].includes(results.getAttribute('data-state') ?? '');
    },
    text,
  );
}

/**
 * An evaluated test patent one of whose indices equals its 6T class minimum (a bar min–max scaling
 * would draw with no height), with the index's position in the bar chart.
 */
function patentAtClassMinimum(): { applicationNumber: string; title: string; indexPosition: number; value: number } {
  const evaluations = store.getEvaluations([...testHome.evaluated]);
  for (const [applicationNumber, evaluation] of evaluations) {
    if (!evaluation.tech6t) continue;
    const distribution = store.classDistribution(evaluation.tech6t);
    const keys = [['pqi', 'pqi'], ['rightsScore', 'rights'], ['technologyScore', 'technology'], ['commercialScore', 'commercial']] as const;
    for (const [position, [field, column]] of keys.entries()) {
      const value = evaluation[field];
      const values = distribution[column];
      if (value !== null && values.length > 1 && value === Math.min(...values) && value !== Math.max(...values)) {
        return { applicationNumber, title: store.getByApplicationNumber(applicationNumber)!.title, indexPosition: position, value };
      }
    }
  }
  throw new Error('no test patent has an index at its class minimum');
}

before(async () => {
  build = await dashboardBuild();
  testHome = await buildTestHome();
  engine = await openSearchEngine(testHome.home);
  store = openStore(testHome.home);
  app = await buildServer({ engine, store, logger: false, rateLimit: false, webRoot: build.webRoot });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await app?.close();
  await engine?.close();
  store?.close();
  await testHome?.cleanup();
  await build?.cleanup();
});

describe('dashboard', () => {
  test('first render shows the search form with Korean labels', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/`);
    await page.waitForSelector('#demand');
    assert.equal(await page.textContent('label[for="demand"]'), '수요기술');
    assert.equal(await page.textContent('nav[aria-label="페이지"] a[aria-current="page"]'), '특허 검색');
    const firstPaint = () => page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    const coldBrowserMs = await firstPaint();
    await page.reload();
    await page.waitForSelector('#demand');
    const reloadMs = await firstPaint();
    // Recorded for the report, not asserted: speed is measured, never a pass/fail condition here.
    await recordMetrics({ firstContentfulPaintMs: { coldBrowser: coldBrowserMs, reload: reloadMs } });
    await shot('01-initial');
    assert.deepEqual(pageErrors, []);
  });

  test('search shows rows with evaluations and a sample-data label', async () => {
    await search('유산균 발효 제조방법');
    const rows = page.locator('.results-table tbody tr');
    const count = await rows.count();
    assert.ok(count > 0 && count <= 10, `${count} rows`);
    const headers = await page.locator('.results-table thead th').allTextContents();
    assert.deepEqual(headers.slice(1), ['출원번호', '특허명', 'pqi지수', '권리성평가지수', '기술성평가지수', '상업성평가지수', '유사도', '링크']);
    assert.match((await page.textContent('.sample-note')) ?? '', /샘플 데이터 \(synthetic-sample\)/);
    const firstNumber = await rows.first().getAttribute('data-application-number');
    assert.equal(await rows.first().locator('a[href*="kipris"], a[href*="doi.org"]').getAttribute('href'), `https://doi.org/10.8080/${firstNumber}`);
    await shot('02-results');
  });

  test('the summary counts the patents considered and matched, explains the method, and scores carry a bar with the number on hover', async () => {
    const demand = '유산균 발효 제조방법';
    const api = (await (await fetch(`${base}/api/search?${new URLSearchParams({ q: demand, top: '10' })}`)).json()) as {
      considered: number;
      matched: number;
      total: number;
      hits: Array<{ score: number }>;
    };
    assert.equal(api.considered, store.count(), 'without filters every stored patent is considered');
    assert.equal(await page.textContent('[data-testid="considered"]'), api.considered.toLocaleString('ko-KR'));
    assert.equal(await page.textContent('[data-testid="matched"]'), api.matched.toLocaleString('ko-KR'));
    const summary = (await page.textContent('.results-head .summary')) ?? '';
    assert.doesNotMatch(summary, /1,000건 중/, 'K is not presented as a count of matches');
    await page.click('.search-method summary');
    const modes = await page.locator('.search-method dt').allTextContents();
    assert.equal(modes.length, 4);
    assert.equal(modes.filter((text) => text.includes('(이번 검색)')).length, 1, 'the mode of this search is marked');
    assert.match((await page.textContent('.search-method')) ?? '', /모델:/);
    const firstScore = page.locator('.results-table tbody tr').first().locator('.score');
    assert.equal(await firstScore.getAttribute('title'), `상대 점수 ${api.hits[0]!.score.toFixed(3)} (가장 높은 결과 = 1)`);
    await page.click('.search-method summary');
  });

  test('selecting two patents draws bars and violins; hovering a bar highlights it in the violins', async () => {
    const evaluatedRows = page.locator('.results-table tbody tr:not(:has(.no-evaluation))');
    assert.ok((await evaluatedRows.count()) >= 2, 'two rows with evaluations');
    const chosen: string[] = [];
    for (const index of [0, 1]) {
      const row = evaluatedRows.nth(index);
      chosen.push((await row.getAttribute('data-application-number'))!);
      await row.locator('input[type="checkbox"]').check();
    }
    await page.waitForSelector('[data-testid="bar-chart"] .barlayer .trace');
    await page.waitForSelector('[data-testid="violin-chart"] .violinlayer .trace');
    assert.equal(await page.locator('[data-testid="bar-chart"] .barlayer .trace').count(), 2);
    const markerNames = await page.evaluate(() => {
      const plot = document.querySelector('[data-testid="violin-chart"]')!;
      return plot.data.filter((trace) => trace.type === 'scatter').map((trace) => trace.name);
    });
    assert.deepEqual([...new Set(markerNames)].sort(), [...chosen].sort());
    await shot('03-charts');

    const secondBar = page.locator('[data-testid="bar-chart"] .barlayer .trace').nth(1).locator('.point path').first();
    await secondBar.hover({ force: true });
    await page.waitForFunction(
      (number) => document.querySelector('[data-testid="violin-chart"]')?.getAttribute('data-highlighted') === number,
      chosen[1],
    );
    const sizes = await page.evaluate(() => {
      const plot = document.querySelector('[data-testid="violin-chart"]')!;
      return plot.data.filter((trace) => trace.type === 'scatter').map((trace) => [trace.name, trace.marker?.size] as const);
    });
    for (const [name, size] of sizes) assert.equal(size, name === chosen[1] ? 20 : 11, name);
    assert.match((await page.textContent('.chart-grid figcaption:has(+ [data-testid="violin-chart"])')) ?? '', new RegExp(chosen[1]!));
    await shot('04-hover');
  });

  test('a cold browser: JS for search and charts stays within 1.2 MB compressed, and a value at its class minimum draws a bar', async () => {
    const minimal = patentAtClassMinimum();
    const cold = await launchBrowser();
    try {
      const scripts: Array<Promise<{ url: string; bytes: number; encoding: string }>> = [];
      cold.page.on('response', (response) => {
        if (response.request().resourceType() !== 'script') return;
        scripts.push(
          response.request().sizes().then((sizes) => ({ url: response.url(), bytes: sizes.responseBodySize, encoding: response.headers()['content-encoding'] ?? 'identity' })),
        );
      });
      // A user reads the results before ticking: the chart code loads meanwhile, in idle time.
      const chartCode = cold.page.waitForResponse(/plotly-cartesian/);
      await cold.page.goto(`${base}/#/?q=${encodeURIComponent(minimal.title)}`);
      const row = cold.page.locator(`.results-table tbody tr[data-application-number="${minimal.applicationNumber}"]`);
      await row.waitFor();
      await chartCode;
      const tickedAt = await cold.page.evaluate(() => performance.now());
      await row.locator('input[type="checkbox"]').check();
      const bar = cold.page.locator('[data-testid="bar-chart"] .barlayer .trace .point');
      await bar.first().waitFor();
      const drawnAt = await cold.page.evaluate(() => performance.now());
      await cold.page.locator('[data-testid="violin-chart"] .violinlayer .trace').first().waitFor();
      const violinAt = await cold.page.evaluate(() => performance.now());

      // The bar of the index at its class minimum has a height and carries its value.
      const box = await bar.nth(minimal.indexPosition).locator('path').boundingBox();
      assert.ok(box && box.height >= 2, `the minimum's bar is ${box?.height ?? 0}px high`);
      const labels = await cold.page.locator('[data-testid="bar-chart"] .barlayer .trace text').allTextContents();
      assert.ok(labels.includes(String(minimal.value)), `bar labels ${labels.join(', ')} include ${minimal.value}`);

      const loaded = await Promise.all(scripts);
      const bytes = loaded.reduce((sum, script) => sum + script.bytes, 0);
      assert.ok(loaded.every((script) => script.encoding !== 'identity' || script.bytes < 1024), `compressed: ${JSON.stringify(loaded)}`);
      assert.ok(bytes <= 1_200_000, `${bytes} bytes of JS transferred`);
      await recordMetrics({
        coldCharts: {
          firstChartAfterTickMs: Math.round(drawnAt - tickedAt),
          violinsAfterTickMs: Math.round(violinAt - tickedAt),
          jsBytesTransferred: bytes,
          scripts: loaded.map((script) => ({ file: script.url.split('/').at(-1), bytes: script.bytes, encoding: script.encoding })),
        },
      });
      await cold.page.screenshot({ path: join(ARTIFACTS, 'dashboard-11-minimum-bar.png'), fullPage: true });
    } finally {
      await cold.close();
    }
  });

  test('paging forward shows the next ranks', async () => {
    const before = await page.locator('.pager-position').textContent();
    assert.match(before ?? '', /^1 \/ \d+$/);
    const firstBefore = await page.locator('.results-table tbody tr').first().getAttribute('data-application-number');
    await page.click('button[aria-label="다음 페이지"]');
    await page.waitForFunction(() => document.querySelector('.pager-position')?.textContent?.startsWith('2 /'));
    const firstAfter = await page.locator('.results-table tbody tr').first().getAttribute('data-application-number');
    assert.notEqual(firstAfter, firstBefore);
    assert.equal(await page.locator('.legend li').count(), 2, 'the selection survives paging');
    assert.equal(await page.locator('[data-testid="bar-chart"] .barlayer .trace').count(), 2, 'both patents stay charted');
    await shot('05-page-2');
  });

  test('clicking a title opens its abstract, IPC, applicant and dates; Escape closes it', async () => {
    const row = page.locator('.results-table tbody tr').first();
    const number = (await row.getAttribute('data-application-number'))!;
    await row.locator('.title-cell button').click();
    await page.waitForSelector('dialog.detail[open] dl.facts');
    const stored = store.getByApplicationNumber(number)!;
    assert.equal(await page.textContent('#detail-title'), stored.title);
    const facts = (await page.textContent('dialog.detail dl.facts')) ?? '';
    assert.ok(facts.includes(stored.ipc[0]!), 'IPC shown');
    for (const applicant of stored.applicants) assert.ok(facts.includes(applicant), `applicant ${applicant} shown`);
    if (stored.applicationDate) assert.ok(facts.includes(stored.applicationDate), 'application date shown');
    assert.equal(await page.textContent('dialog.detail .abstract'), stored.abstract || '요약이 없습니다.');
    await shot('06-detail');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.detail', { state: 'detached' });
  });

  test('a co-applied patent shows its applicants as a list, never a raw |', async () => {
    const coApplied = [...store.iterate()].flat().find((patent) => patent.applicants.length >= 2 && patent.abstract)!;
    assert.ok(coApplied, 'the test XML holds co-applied patents');
    await page.goto(`${base}/#/?${new URLSearchParams({ q: coApplied.title, applicant: coApplied.applicants[1]!, mode: 'lexical' })}`);
    await waitForOutcome(coApplied.title);
    const row = page.locator(`.results-table tbody tr[data-application-number="${coApplied.applicationNumber}"]`);
    await row.locator('.title-cell button').click();
    await page.waitForSelector('dialog.detail[open] dd.applicants li');
    assert.deepEqual(await page.locator('dialog.detail dd.applicants li').allTextContents(), coApplied.applicants);
    assert.ok(!((await page.textContent('dialog.detail')) ?? '').includes('|'), 'no raw | in the detail');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.detail', { state: 'detached' });
    // Later tests search without the applicant filter.
    await page.goto(`${base}/#/`);
  });

  test('a patent whose title holds <script> stays inert text', async () => {
    await search('그래핀 전극 제조방법 굵게');
    const row = page.locator(`.results-table tbody tr[data-application-number="${HOSTILE_PATENT.applicationNumber}"]`);
    await row.waitFor();
    assert.equal(await row.locator('.title-cell button').textContent(), HOSTILE_PATENT.title);
    assert.equal(await row.locator('script, img').count(), 0);
    assert.equal(await row.locator('.no-evaluation').textContent(), '평가 없음');
    await row.locator('.title-cell button').click();
    await page.waitForSelector('dialog.detail[open] .abstract');
    assert.equal(await page.textContent('dialog.detail .abstract'), HOSTILE_PATENT.abstract);
    assert.equal(await page.locator('dialog.detail b, dialog.detail i, dialog.detail script').count(), 0);
    await shot('07-hostile');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => window.__patmatchInjected), undefined);
  });

  test('explanations are marked from their offsets in the table and the detail dialog, for a Korean and an English demand; hostile text stays inert', async () => {
    const lexical = await openLexicalIndex(homeLayout(testHome.home).lexical);
    const lexicon = createQueryLexicon([
      { english: 'graphene', korean: '그래핀' },
      { english: 'electrode', korean: '전극' },
    ]);
    const other = await buildServer({ engine: createSearchEngine({ store, lexical, dense: null, lexicon }), store, logger: false, rateLimit: false, webRoot: build.webRoot });
    try {
      const otherBase = await other.listen({ port: 0, host: '127.0.0.1' });
      for (const demand of ['그래핀 전극 제조방법', 'graphene electrode']) {
        const api = (await (await fetch(`${otherBase}/api/search?q=${encodeURIComponent(demand)}`)).json()) as ApiSearchResult;
        await page.goto(`${otherBase}/#/?q=${encodeURIComponent(demand)}`);
        await waitForOutcome(demand);
        for (const summary of await page.locator('.results-table details.why summary').all()) await summary.click();
        const termTexts: string[] = [];
        for (const hit of api.hits) {
          const row = page.locator(`.results-table tbody tr[data-application-number="${hit.applicationNumber}"]`);
          termTexts.push(...(await assertMarksMatch(row, hit)).map((m) => m.text));
        }
        assert.ok(termTexts.includes('그래핀') && termTexts.includes('전극'), `${demand}: ${termTexts.join(' ')}`);
        await shot(`08-explained-${demand.startsWith('g') ? 'english' : 'korean'}`);
      }
      // The hostile patent: its tags are text, its terms marked all the same, in the table and the dialog.
      const hostile = ((await (await fetch(`${otherBase}/api/search?q=${encodeURIComponent('graphene electrode')}`)).json()) as ApiSearchResult).hits.find(
        (hit) => hit.applicationNumber === HOSTILE_PATENT.applicationNumber,
      )!;
      assert.ok(hostile.explanation.terms.some((t) => t.field === 'title'));
      const row = page.locator(`.results-table tbody tr[data-application-number="${HOSTILE_PATENT.applicationNumber}"]`);
      assert.equal(await row.locator('script, img, b').count(), 0);
      await row.locator('.title-cell button').click();
      const dialog = page.locator('dialog.detail[open]');
      await dialog.locator('.abstract').waitFor();
      await assertMarksMatch(dialog, hostile);
      assert.equal(await dialog.locator('script, img, b, i').count(), 0);
      await shot('09-explained-detail');
      await page.keyboard.press('Escape');
      assert.equal(await page.evaluate(() => window.__patmatchInjected), undefined);
    } finally {
      await page.goto(`${base}/`);
      await other.close();
      lexical.close();
    }
  });

  test('honest states: no results and a rejected query', async () => {
    await search('qqqxxxzzzwww');
    assert.match((await page.textContent('.results .state')) ?? '', /특허가 없습니다/);
    await page.goto(`${base}/#/?q=${encodeURIComponent('abc\u0001')}`);
    await waitForOutcome('abc\u0001');
    assert.match((await page.textContent('.results .state.error')) ?? '', /요청 오류 \(400\):\s+querystring\.q: contains control characters/);
    await shot('08-error');
  });

  test('a failed search runs again on 검색 with the same text; a page past the last offers the last; bad options are explained', async () => {
    const demand = '그래핀 전극';
    let failNext = true;
    await page.route('**/api/search?*', (route) => {
      if (!failNext) return route.continue();
      failNext = false;
      return route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ detail: '잠시 후 다시' }) });
    });
    try {
      await search(demand);
      assert.match((await page.textContent('.results .state.error')) ?? '', /서버 오류 \(503\)/);
      await page.press('#demand', 'Enter');
      await page.waitForSelector('.results-table tbody tr');
    } finally {
      await page.unroute('**/api/search?*');
    }

    await page.goto(`${base}/#/?q=${encodeURIComponent(demand)}&page=999`);
    await page.getByRole('button', { name: '마지막 쪽으로' }).click();
    await page.waitForSelector('.results-table tbody tr');
    const [shown, last] = ((await page.textContent('.pager-position')) ?? '').split(' / ');
    assert.equal(shown, last);

    await page.click('.search-options summary');
    await page.fill('input[name="ipc"]', 'zzz');
    await page.press('#demand', 'Enter');
    assert.match((await page.textContent('.form-error')) ?? '', /IPC ‘zzz’는 IPC 코드가 아닙니다/);
    await page.fill('input[name="ipc"]', '');
  });

  test('search options: mode and applicant go into the address, the search and the CSV link', async () => {
    const demand = '유산균 발효 제조방법';
    await page.goto(`${base}/#/?q=${encodeURIComponent(demand)}`);
    await waitForOutcome(demand);
    const all = (await (await fetch(`${base}/api/search?${new URLSearchParams({ q: demand })}`)).json()) as { total: number; hits: Array<{ applicants: string[] }> };
    const applicant = all.hits[0]!.applicants[0]!;
    const filtered = (await (await fetch(`${base}/api/search?${new URLSearchParams({ q: demand, applicant, mode: 'lexical' })}`)).json()) as { total: number; considered: number };
    assert.ok(filtered.total > 0 && filtered.total < all.total, `${filtered.total} of ${all.total}`);
    await page.click('.search-options summary');
    await page.selectOption('select[name="mode"]', 'lexical');
    await page.fill('input[name="applicant"]', applicant);
    await page.press('#demand', 'Enter');
    // The summary counts the patents the applicant filter allowed, not the whole store.
    const expected = filtered.considered.toLocaleString('ko-KR');
    assert.ok(filtered.considered < store.count(), `${filtered.considered} of ${store.count()} considered`);
    await page.waitForFunction((text) => document.querySelector('[data-testid="considered"]')?.textContent === text, expected);
    const hash = decodeURIComponent(new URL(page.url()).hash).replace(/\+/g, ' ');
    assert.ok(hash.includes(`applicant=${applicant}`) && hash.includes('mode=lexical'), hash);
    assert.match((await page.getAttribute('.results-head a.button-link', 'href')) ?? '', /applicant=.+&mode=lexical|mode=lexical.*applicant=/);
    assert.equal(await page.inputValue('input[name="applicant"]'), applicant, 'the form shows the options in force');
    await shot('10-options');
  });

  test('the English words keyword search also looked for in Korean are shown under the count', async () => {
    const translating: SearchEngine = {
      model: engine.model,
      lexicon: engine.lexicon,
      search: async (query, options) => ({ ...(await engine.search(`${query} 유산균`, options)), query, translations: [{ english: 'probiotics', korean: '유산균' }] }),
      similar: (number, options) => engine.similar(number, options),
      scorePatents: (queries, numbers) => engine.scorePatents(queries, numbers),
      explainPatents: (query, numbers) => engine.explainPatents(query, numbers),
      close: async () => {},
    };
    const other = await buildServer({ engine: translating, store, logger: false, rateLimit: false, webRoot: build.webRoot });
    try {
      const otherBase = await other.listen({ port: 0, host: '127.0.0.1' });
      await page.goto(`${otherBase}/#/?q=probiotics`);
      await waitForOutcome('probiotics');
      assert.match((await page.textContent('.translations')) ?? '', /한국어로도 찾았습니다:\s+probiotics → 유산균/);
      await page.goto(`${base}/#/?q=${encodeURIComponent('유산균 발효')}`);
      await waitForOutcome('유산균 발효');
      assert.equal(await page.locator('.translations').count(), 0, 'nothing is shown when nothing was added');
    } finally {
      await other.close();
    }
  });

  test('the documentation picture (npm run docs:screenshot) holds results and the charts', async () => {
    const picture = await launchBrowser();
    try {
      const file = join(ARTIFACTS, 'dashboard-readme.png');
      await captureDashboard(picture.page, base, file);
      const png = await readFile(file);
      // PNG header: width and height as big-endian integers at bytes 16 and 20.
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      const bar = (await picture.page.locator('[data-testid="bar-chart"]').boundingBox())!;
      const form = (await picture.page.locator('.search-form').boundingBox())!;
      assert.equal(width, 1280);
      assert.ok(height >= bar.y + bar.height - form.y, `the ${height}px picture reaches the bottom of the bar chart`);
      assert.ok(png.length < 400_000, `${png.length} bytes`);
    } finally {
      await picture.close();
    }
  });

  test('keyboard only: search, select with Space, and the page fits a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/`);
    await page.focus('#demand');
    await page.keyboard.type('광케이블');
    await page.keyboard.press('Enter');
    await waitForOutcome('광케이블');
    await page.locator('.results-table tbody tr input[type="checkbox"]').first().focus();
    await page.keyboard.press('Space');
    await page.waitForSelector('.legend li');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
    await shot('09-phone');
  });
});
