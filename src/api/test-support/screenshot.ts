/**
 * The dashboard picture of the documentation: a search with its results and the comparison charts
 * of the first evaluated patents. The browser tests take it into test-artifacts/; `npm run
 * docs:screenshot` takes it against a demo-like home into docs/images/dashboard.png.
 */
import type { Page } from 'playwright-core';

/** What the picture shows. */
export interface DashboardShotOptions {
  /** The demand typed into the search box. */
  demand: string;
  /** How many evaluated patents are ticked for the charts. */
  selected: number;
  width: number;
  height: number;
}

export const defaultDashboardShot: DashboardShotOptions = { demand: '유산균 발효 제조방법', selected: 3, width: 1280, height: 900 };

/**
 * Searches, ticks the first evaluated results, waits for both charts and saves a PNG `width` wide
 * from the search box down to the bar chart (at least `height` high; the violins below are left out
 * to keep the file small).
 *
 * @example
 * await captureDashboard(page, 'http://127.0.0.1:8080', 'docs/images/dashboard.png');
 */
export async function captureDashboard(page: Page, base: string, path: string, options: Partial<DashboardShotOptions> = {}): Promise<void> {
  const o = { ...defaultDashboardShot, ...options };
  await page.setViewportSize({ width: o.width, height: o.height });
  await page.goto(`${base}/#/?q=${encodeURIComponent(o.demand)}`);
  const evaluated = page.locator('.results-table tbody tr:not(:has(.no-evaluation))');
  await evaluated.first().waitFor();
  const count = Math.min(o.selected, await evaluated.count());
  for (let i = 0; i < count; i++) await evaluated.nth(i).locator('input[type="checkbox"]').check();
  await page.locator('[data-testid="bar-chart"] .barlayer .trace').nth(count - 1).waitFor();
  await page.locator('[data-testid="violin-chart"] .violinlayer .trace').first().waitFor();
  // From the search box to the bar chart: the demand, the summary line, the results and the comparison.
  await page.mouse.move(0, 0);
  const form = await page.locator('.search-form').boundingBox();
  const bar = await page.locator('[data-testid="bar-chart"]').boundingBox();
  const top = Math.max(0, Math.floor(form?.y ?? 0) - 8);
  const bottom = Math.ceil((bar?.y ?? 0) + (bar?.height ?? o.height)) + 12;
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: top, width: o.width, height: Math.max(o.height, bottom - top) } });
}
