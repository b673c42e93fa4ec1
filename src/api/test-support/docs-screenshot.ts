/**
 * `npm run docs:screenshot [-- --home <dir>]`: refreshes docs/images/dashboard.png, the dashboard
 * picture of the README. With --home it serves that home (use a copy of a demo home, with a trained
 * model); without, it builds the browser tests' home from the shared data (keyword search only).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../cli/context.js';
import { openSearchEngine } from '../../search/index.js';
import { openStore } from '../../store/index.js';
import { buildServer } from '../index.js';
import { dashboardBuild, launchBrowser } from './browser.js';
import { buildTestHome } from './home.js';
import { captureDashboard } from './screenshot.js';

const { values } = parseArgs({ options: { home: { type: 'string' }, demand: { type: 'string' } } });
const testHome = values.home ? null : await buildTestHome();
const home = values.home ?? testHome!.home;
const build = await dashboardBuild();
const engine = await openSearchEngine(home);
const store = openStore(home);
const app = await buildServer({ engine, store, logger: false, rateLimit: false, webRoot: build.webRoot });
const browser = await launchBrowser();
try {
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const out = join(projectRoot, 'docs', 'images', 'dashboard.png');
  await mkdir(join(projectRoot, 'docs', 'images'), { recursive: true });
  await captureDashboard(browser.page, base, out, values.demand ? { demand: values.demand } : {});
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await app.close();
  await engine.close();
  store.close();
  await testHome?.cleanup();
  await build.cleanup();
}
