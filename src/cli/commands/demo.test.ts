import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { writeTinyStaticModel } from '../../embed/test-support/index.js';
import { homeLayout } from '../../store/home.js';
import { sharedDataDir } from '../context.js';
import { spawnServingCli, type ServingCli } from '../spawn.js';
import { DEMO_NO_SMTP, demoAccounts } from './demo.js';

const XML_FILE = '120050011639-1.xml';
const CSV_ROWS = 12;

/**
 * A small shared-data folder with the real layout: one KIPRIS XML file, the first rows of the
 * CSV export, and the synthetic evaluation and manager files (linked, never copied into the repo).
 */
async function smallSharedData(root: string): Promise<string> {
  const real = join(sharedDataDir(), 'kipris');
  const kipris = join(root, 'kipris');
  await mkdir(join(kipris, 'plus-xml'), { recursive: true });
  await symlink(join(real, 'plus-xml', XML_FILE), join(kipris, 'plus-xml', XML_FILE));
  await symlink(join(real, 'sample-evaluations.csv'), join(kipris, 'sample-evaluations.csv'));
  await symlink(join(real, 'sample-managers.csv'), join(kipris, 'sample-managers.csv'));
  const rows = parse(await readFile(join(real, 'inu-patents.csv')), { bom: true, relax_column_count: true }) as string[][];
  await writeFile(join(kipris, 'inu-patents.csv'), stringify(rows.slice(0, CSV_ROWS + 1)));
  return root;
}

function startDemo(home: string, shared: string): Promise<ServingCli> {
  return spawnServingCli(['--home', home, 'demo', '--port', '0'], { ...process.env, PATMATCH_SHARED_DATA: shared });
}

describe('patmatch demo', () => {
  let root: string;
  let home: string;
  let shared: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'patmatch-demo-'));
    shared = await smallSharedData(join(root, 'shared'));
    home = join(root, 'home');
    // A model already in the home stands for the trained one, so the demo skips training.
    await writeTinyStaticModel(homeLayout(home).defaultModel, {
      layout: 'model2vec',
      dtype: 'F32',
      vocab: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '장치', '방법'],
      rows: [[0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [0, 1]],
    });
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('ingests the sample data, indexes it, creates the demo accounts and serves the dashboard', async () => {
    const demo = await startDemo(home, shared);
    try {
      assert.match(demo.stderr(), /Using the trained model/);
      // Without --smtp the banner says that emails are only logged, and how to send them.
      assert.ok(demo.stderr().includes(`patmatch demo: ${DEMO_NO_SMTP}`), demo.stderr());
      assert.match(DEMO_NO_SMTP, /only written to the log.*--smtp smtp:\/\/host:25/);
      const health = await fetch(`${demo.url}/api/health`);
      assert.equal(health.status, 200);
      const search = await fetch(`${demo.url}/api/search?q=${encodeURIComponent('해수 담수화')}&mode=lexical`);
      const body = (await search.json()) as { hits: Array<{ applicationNumber: string }>; total: number };
      assert.equal(search.status, 200);
      assert.ok(body.hits.length > 0, 'the ingested patents are searchable');
      const demander = demoAccounts.find((a) => a.role === 'demander')!;
      const login = await fetch(`${demo.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: demander.email, password: demander.password }),
      });
      assert.equal(login.status, 200, 'the demo demander can log in');
    } finally {
      assert.equal(await demo.stop(), 0);
    }
  });

  test('refuses a wrong --port, --host or --smtp, or a port in use, before any step', async () => {
    const fresh = join(root, 'never-created');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as AddressInfo).port;
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['--port', '70000'], {}, /--port: 70000 is not a port number/],
      [['--port', 'eighty'], {}, /--port: "eighty" is not a whole number/],
      [[], { PORT: '-1' }, /--port: -1 is not a port number/],
      [['--port', '0', '--host', ' '], {}, /--host: is empty/],
      [['--port', '0', '--smtp', 'ftp://mail.example'], {}, /--smtp: "ftp:\/\/mail\.example" must start with smtp:\/\/ or smtps:\/\//],
      [['--port', String(takenPort)], {}, new RegExp(`--port ${takenPort}: 127\\.0\\.0\\.1:${takenPort} is already in use`)],
    ];
    try {
      for (const [flags, env, reason] of cases) {
        const failed = await spawnServingCli(['--home', fresh, 'demo', ...flags], { ...process.env, PATMATCH_SHARED_DATA: shared, ...env }).then(
          (demo) => demo.stop().then(() => assert.fail(`demo ${flags.join(' ')} served`)),
          (error: Error) => error.message,
        );
        assert.match(failed, /exited with code 2 before serving/, flags.join(' '));
        assert.match(failed, reason);
        assert.doesNotMatch(failed, /Ingesting/, `demo ${flags.join(' ')} stops before the first step`);
        assert.equal(existsSync(fresh), false, 'nothing was written');
      }
    } finally {
      taken.close();
    }
  });

  test('a second run changes nothing that is already there and serves again, saying where in plain text', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise((resolve) => free.close(resolve));
    const demo = await spawnServingCli(['--home', home, 'demo', '--port', String(port)], { ...process.env, PATMATCH_SHARED_DATA: shared });
    try {
      assert.equal(demo.url, `http://127.0.0.1:${port}`);
      assert.match(demo.stderr(), new RegExp(`^patmatch demo: Serving the API and dashboard at http://127\\.0\\.0\\.1:${port}/ \\(Ctrl-C to stop`, 'm'));
      assert.doesNotMatch(demo.stderr(), /Training/);
      assert.match(demo.stdout(), /read \d+ · new 0 · updated 0 · unchanged \d+/, 'patents are not ingested twice');
      assert.match(demo.stdout(), /Managers: 0 added, 0 updated, 200 unchanged/);
      assert.equal((await fetch(`${demo.url}/api/health`)).status, 200);
    } finally {
      assert.equal(await demo.stop(), 0, demo.stderr());
    }
  });
});
