import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest } from '../../ingest/index.js';
import { openStore } from '../../store/index.js';
import { contentDigest } from '../../store/test-support.js';
import { readSync } from '../../fetch/kipris/index.js';
import { startReplayServer, type ReplayServer } from '../../fetch/kipris/replay.js';
import { distinctNumbers, recordedPages, recordedQueries } from '../../fetch/kipris/test-support.js';
import { runCli, spawnCli } from '../spawn.js';
import { formatFetchSummary } from './fetch.js';

const KEY = 'cli-Secret/+=9f3a';
const CODE = '120080091393';
const pages = recordedQueries().get(CODE)!;

let dir: string;
let server: ReplayServer;
/** The page whose first request hangs (the child is killed while it waits), none when 0. */
let hangPage = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patmatch-fetch-'));
  server = await startReplayServer({ dir: recordedPages, key: KEY, fault: ({ page, attempt }) => (page === hangPage && attempt === 1 ? { hang: true } : undefined) });
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every byte of the home's files (the store, its WAL), to look for the key in. */
async function homeBytes(home: string): Promise<string> {
  const names = await readdir(home);
  return (await Promise.all(names.map((name) => readFile(join(home, name)).catch(() => Buffer.alloc(0))))).map((bytes) => bytes.toString('latin1')).join('');
}

function assertKeyAbsent(text: string, where: string): void {
  for (const form of [KEY, encodeURIComponent(KEY), new URLSearchParams({ k: KEY }).toString().slice(2)]) {
    assert.ok(!text.includes(form), `the key (${form === KEY ? 'as is' : 'URL-encoded'}) appears in ${where}`);
  }
}

test('kill -9 between pages, then resume: nothing lost, nothing twice, and the key is nowhere', async () => {
  const home = join(dir, 'killed');
  const flags = ['--base-url', server.baseUrl, '--min-interval', '0', '--timeout', '120000'];
  hangPage = 3;
  const child = spawnCli(['--home', home, 'fetch', 'kipris', '--applicant', CODE, ...flags], { ...process.env, KIPRIS_SERVICE_KEY: KEY });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = once(child, 'exit');
  while (!server.requests.some((request) => request.page === 3)) {
    assert.equal(child.exitCode, null, `the fetch ended before it was killed: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  assert.equal((await exited)[1], 'SIGKILL');

  const store = openStore(home);
  try {
    assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual([readSync(store.db, `applicantNameSearchInfo:${CODE}`)?.pagesDone, readSync(store.db, `applicantNameSearchInfo:${CODE}`)?.status], [2, 'running']);
    assert.equal(store.count(), distinctNumbers(pages.slice(0, 2)).size, 'pages 1 and 2, committed before the kill');
  } finally {
    store.close();
  }

  // The resumed run reads the key from a file, with no key in the environment.
  hangPage = 0;
  server.requests.length = 0;
  const keyFile = join(dir, 'kipris.key');
  await writeFile(keyFile, `${KEY}\n`, { mode: 0o600 });
  const { KIPRIS_SERVICE_KEY: _unset, ...env } = process.env;
  const resumed = await runCli(['--home', home, '--json', 'fetch', 'kipris', '--applicant', CODE, '--key-file', keyFile, ...flags], env);
  assert.equal(resumed.code, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout) as Record<string, unknown>;
  assert.deepEqual(
    [summary.pages, summary.fetched, summary.resumedFromPage, summary.complete],
    [2, 1000, 3, true],
  );
  assert.deepEqual(server.requests.map((request) => request.page), [3, 4], 'only the pages not stored are fetched again');
  for (const field of ['inserted', 'updated', 'unchanged', 'rejected']) assert.equal(typeof summary[field], 'number', field);

  const fetched = openStore(home);
  const clean = openStore(join(dir, 'clean'));
  try {
    assert.equal(fetched.count(), distinctNumbers(pages).size);
    await ingest(clean, pages.map((page) => join(recordedPages, page)));
    assert.equal(contentDigest(fetched), contentDigest(clean), 'the killed and resumed fetch stores what ingesting the four pages stores');
  } finally {
    fetched.close();
    clean.close();
  }
  assertKeyAbsent(output + resumed.stdout + resumed.stderr, 'the output');
  assertKeyAbsent(await homeBytes(home), 'the home folder');
});

test('a key KIPRIS refuses: a non-zero exit and one line naming the result code, without the key', async () => {
  const wrong = `${KEY}x`;
  const run = await runCli(['--home', join(dir, 'refused'), 'fetch', 'kipris', '--word', CODE, '--base-url', server.baseUrl], { ...process.env, KIPRIS_SERVICE_KEY: wrong });
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^patmatch: KIPRIS Plus refused the request: resultCode 30, the access key is not registered .*resumes at page 1\n$/);
  assert.ok(![wrong, encodeURIComponent(wrong)].some((form) => run.stderr.includes(form)));

  const missing = await runCli(['--home', join(dir, 'refused'), 'fetch', 'kipris', '--word', CODE, '--key', wrong], process.env);
  assert.equal(missing.code, 2);
  assert.ok(!missing.stderr.includes(wrong), 'a key given as a flag is refused without echoing it');
});

test('the text summary says which pages this run stored, whether it resumed, and where the next run starts', () => {
  const summary = { query: `applicantNameSearchInfo:${CODE}`, pages: 1, fetched: 500, inserted: 2, updated: 1, unchanged: 496, rejected: 1, resumedFromPage: 3, lastPage: 3, totalCount: 1784, complete: false, dryRun: false,
    rejections: [{ page: 3, item: 7, applicationNumber: '12-34', field: 'applicationNumber', reason: 'not an application number' }] };
  assert.equal(
    formatFetchSummary(summary),
    `applicantNameSearchInfo:${CODE}: page 3 (resumed), stopped, the next run resumes at page 4 · total 1784 · fetched 500 · inserted 2 · updated 1 · unchanged 496 · rejected 1\n` +
      '  page 3 item 7 (12-34), applicationNumber: not an application number\n',
  );
  assert.match(formatFetchSummary({ ...summary, pages: 2, lastPage: 4, resumedFromPage: null, complete: true, dryRun: true, rejections: [] }), /^\[dry run, nothing written\] \S+: pages 3–4, complete · /);
});
