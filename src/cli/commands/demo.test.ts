import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { writeTinyStaticModel } from '../../embed/test-support/index.js';
import { homeLayout } from '../../store/home.js';
import { sharedDataDir } from '../context.js';
import { demoAccounts } from './demo.js';

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

interface DemoRun {
  url: string;
  stderr: () => string;
  stdout: () => string;
  stop: () => Promise<number | null>;
}

async function startDemo(home: string, shared: string): Promise<DemoRun> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));", '--', '--home', home, 'demo', '--port', '0'],
    { cwd: new URL('../../..', import.meta.url), env: { ...process.env, PATMATCH_SHARED_DATA: shared }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const match = /serving .* at (http:\/\/[\d.]+:\d+)\//.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stderr: () => stderr,
    stdout: () => stdout,
    async stop() {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
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

  test('a second run changes nothing that is already there and serves again', async () => {
    const demo = await startDemo(home, shared);
    try {
      assert.doesNotMatch(demo.stderr(), /Training/);
      assert.match(demo.stdout(), /read \d+ · inserted 0 · updated 0 /, 'patents are not ingested twice');
      assert.match(demo.stdout(), /Managers: 0 added, 0 updated, 200 unchanged/);
      assert.equal((await fetch(`${demo.url}/api/health`)).status, 200);
    } finally {
      assert.equal(await demo.stop(), 0, demo.stderr());
    }
  });
});
