import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, lstat, mkdtemp, open, readdir, readFile, readlink, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { buildTestHome, TEST_XML_FILES, type TestHome } from '../api/test-support/home.js';
import { runCli } from '../cli/spawn.js';
import { sharedDataDir } from '../cli/context.js';
import { writeCharModel } from '../embed/test-support/index.js';
import { buildIndexes } from '../index/build/index.js';
import { readLexicalBuildId } from '../index/lexical/index.js';
import { readManifest } from '../index/vectors/index.js';
import { openSearchEngine } from '../search/index.js';
import { openStore } from '../store/index.js';
import { backupHome, readBackupManifest, restoreHome } from './index.js';

let source: TestHome;
let scratch: string;
const QUERIES = ['이차전지 음극', '그래핀 전극 제조', '반도체 소자', 'semiconductor device'];

before(async () => {
  source = await buildTestHome();
  scratch = await mkdtemp(join(tmpdir(), 'patmatch-backup-'));
  // The model lives in the home, as `patmatch train` leaves it, so the backup carries it.
  const store = openStore(source.home);
  await writeCharModel(join(source.home, 'models', 'default'), [...store.iterate()].flat().flatMap((p) => [p.title, p.abstract]));
  store.close();
  await buildIndexes(source.home);
});

after(async () => {
  await source.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

/** A copy of the indexed test home to run writers on. */
async function copyOfSource(name: string): Promise<string> {
  const home = join(scratch, name);
  await cp(source.home, home, { recursive: true, verbatimSymlinks: true });
  return home;
}

async function results(home: string): Promise<string[]> {
  const engine = await openSearchEngine(home);
  try {
    const pages = [];
    for (const mode of ['seed', 'hybrid', 'lexical'] as const) {
      for (const query of QUERIES) pages.push(JSON.stringify((await engine.search(query, { mode, top: 10 })).hits));
    }
    return pages;
  } finally {
    await engine.close();
  }
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

function patentCount(home: string): number {
  const store = openStore(home);
  try {
    return store.count();
  } finally {
    store.close();
  }
}

/** Waits until `done()` or the child exits; true when `done()` came first. */
async function until(done: () => boolean | Promise<boolean>, child: { exited: boolean }): Promise<boolean> {
  for (let waited = 0; waited < 120_000 && !child.exited; waited += 50) {
    if (await done()) return true;
    await sleep(50);
  }
  return false;
}

/** Checks what every restored home must be: sound databases, a relative link, the restored model, the same answers. */
async function checkRestored(home: string, expected: { patents: number; results: string[] }): Promise<void> {
  assert.equal(integrity(join(home, 'patmatch.db')), 'ok');
  assert.equal(integrity(join(home, 'lexical.db')), 'ok');
  assert.ok((await lstat(join(home, 'lexical.db'))).isSymbolicLink());
  assert.match(await readlink(join(home, 'lexical.db')), /^lexical\.[0-9a-f-]{36}\.db$/, 'the link is relative');
  assert.equal((await readManifest(join(home, 'vectors')))!.embedder, `static:${join(home, 'models', 'default')}`);
  assert.equal(patentCount(home), expected.patents);
  assert.deepEqual(await results(home), expected.results);
}

test('a backup taken while `ingest` runs restores to a sound home with the patents of its moment and the same answers', async () => {
  const home = await copyOfSource('ingesting');
  const before = patentCount(home);
  const plusXml = join(sharedDataDir(), 'kipris', 'plus-xml');
  const more = (await readdir(plusXml)).filter((name) => !(TEST_XML_FILES as readonly string[]).includes(name)).map((name) => join(plusXml, name));
  const child = { exited: false };
  const ingesting = runCli(['--home', home, 'ingest', ...more]).finally(() => (child.exited = true));
  assert.ok(await until(() => patentCount(home) > before, child), 'the backup starts while the ingest is writing');
  const backup = join(scratch, 'backup-ingest');
  const report = await backupHome(home, backup);
  const ingested = await ingesting;
  assert.equal(ingested.code, 0, ingested.stderr);
  const after = patentCount(home);
  assert.ok(report.store.patents > before && report.store.patents <= after, `${before} < ${report.store.patents} ≤ ${after}`);

  const restored = join(scratch, 'restored-ingest');
  const restore = await restoreHome(backup, restored);
  assert.equal(restore.model, (await readManifest(join(home, 'vectors')))!.model);
  // Ingest changed no indexed patent, and indexes nothing: the source answers as the backup does.
  await checkRestored(restored, { patents: report.store.patents, results: await results(home) });
});

test('a backup taken while `index --full` runs holds one whole build of each index and restores without re-indexing', async () => {
  const home = await copyOfSource('indexing');
  const oldLexical = readLexicalBuildId(join(home, 'lexical.db'));
  const oldVectors = (await readManifest(join(home, 'vectors')))!.builtAt;
  const expected = { patents: patentCount(home), results: await results(home) };
  const child = { exited: false };
  const indexing = runCli(['--home', home, 'index', '--full']).finally(() => (child.exited = true));
  // The new lexical generation being written is the second lexical.<id>.db.
  const generations = async () => (await readdir(home)).filter((name) => /^lexical\.[0-9a-f-]{36}\.db$/.test(name)).length;
  assert.ok(await until(async () => (await generations()) > 1, child), 'the backup starts while the index is rebuilt');
  const backup = join(scratch, 'backup-index');
  const report = await backupHome(home, backup);
  const indexed = await indexing;
  assert.equal(indexed.code, 0, indexed.stderr);
  const newLexical = readLexicalBuildId(join(home, 'lexical.db'));
  const newVectors = (await readManifest(join(home, 'vectors')))!.builtAt;
  assert.notEqual(newLexical, oldLexical);
  assert.ok([oldLexical, newLexical].includes(report.lexical!.buildId), `lexical build ${report.lexical!.buildId} is the old or the new one`);
  assert.ok([oldVectors, newVectors].includes(report.vectors!.builtAt), `vectors built at ${report.vectors!.builtAt} are the old or the new ones`);

  const restored = join(scratch, 'restored-index');
  await restoreHome(backup, restored);
  assert.equal(readLexicalBuildId(join(restored, 'lexical.db')), report.lexical!.buildId);
  await checkRestored(restored, expected);
  assert.deepEqual(await results(home), expected.results, 'the rebuilt source answers as before');
});

test('restore refuses a truncated or altered file, naming it, and leaves no home behind', async () => {
  const backup = join(scratch, 'backup-damaged');
  const report = await backupHome(source.home, backup);
  const manifest = await readBackupManifest(backup);
  assert.equal(manifest.store.revision, report.store.revision);
  assert.ok(manifest.files.some((file) => file.path === 'models/default/model.safetensors'), 'the model is in the backup');
  assert.ok(manifest.files.some((file) => file.path === 'secret') === (await lstat(join(source.home, 'secret')).then(() => true, () => false)));

  const target = join(scratch, 'restored-damaged');
  const titles = join(backup, 'vectors', 'titles.vt');
  const original = await readFile(titles);
  await truncate(titles, original.length - 7);
  const truncated = await runCli(['restore', backup, '--home', target]);
  assert.notEqual(truncated.code, 0);
  assert.equal(truncated.stderr.trim().split('\n').length, 1, 'one line');
  assert.match(truncated.stderr, new RegExp(`backup .* is damaged: vectors/titles\\.vt is ${original.length - 7} bytes, the manifest says ${original.length}`));
  await assert.rejects(lstat(target), 'nothing was restored');

  // Same size, one byte changed: found by its SHA-256 while copying, and the half-written home is removed.
  await truncate(titles, 0);
  const altered = Buffer.from(original);
  altered[altered.length - 1] = altered.at(-1)! ^ 0xff;
  const handle = await open(titles, 'w');
  await handle.write(altered);
  await handle.close();
  await assert.rejects(restoreHome(backup, target), /backup .* is damaged: vectors\/titles\.vt has SHA-256 [0-9a-f]{64}, the manifest says/);
  await assert.rejects(lstat(target), 'nothing was restored');
  assert.deepEqual((await readdir(scratch)).filter((name) => name.startsWith('.restored-damaged')), [], 'no temporary folder left');

  await rm(join(backup, 'patmatch-backup.json'));
  await assert.rejects(restoreHome(backup, target), /backup .* is incomplete: patmatch-backup\.json cannot be read: it does not exist/);
});

test('backup and restore refuse a folder that is not empty', async () => {
  const busy = join(scratch, 'busy');
  await cp(join(source.home, 'models'), busy, { recursive: true });
  await assert.rejects(backupHome(source.home, busy), /the backup folder is not empty/);
  const backup = join(scratch, 'backup-busy');
  await backupHome(source.home, backup);
  await assert.rejects(restoreHome(backup, busy), /the home to restore into \(--home\) is not empty/);
});

test('backup refuses a home whose model was replaced after `index` (its vectors would not open)', async () => {
  const home = await copyOfSource('retrained');
  // The copy's vectors manifest names the source's model: point it at the copy's own, as `index` in the copy would.
  const manifestPath = join(home, 'vectors', 'manifest.json');
  const vectors = JSON.parse(await readFile(manifestPath, 'utf8')) as { embedder: string };
  await writeFile(manifestPath, JSON.stringify({ ...vectors, embedder: `static:${join(home, 'models', 'default')}` }));
  await rm(join(home, 'models', 'default'), { recursive: true });
  await writeCharModel(join(home, 'models', 'default'), ['다른 모델', 'another model']);
  await assert.rejects(backupHome(home, join(scratch, 'backup-retrained')), /The vectors were made by static:default@\w+, but static:.* is now static:default@\w+ \(retrained since `patmatch index`\); run `patmatch index`, then back up/);
  await assert.rejects(lstat(join(scratch, 'backup-retrained')), 'no backup left');
});
