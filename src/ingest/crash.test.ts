import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDataDir } from '../cli/context.js';
import { openStore } from '../store/index.js';
import { contentDigest } from '../store/test-support.js';
import { ingest } from './index.js';

const kipris = join(sharedDataDir(), 'kipris');
const sources = [join(kipris, 'plus-xml'), join(kipris, 'inu-patents.csv')];
const moduleUrl = (path: string) => new URL(path, import.meta.url).href;

/**
 * The child ingests with small batches, printing what each committed batch inserted; inside the
 * transaction of its 6th batch (rows written, not committed) it says "ready" and blocks, so the
 * SIGKILL lands mid-transaction.
 */
const CHILD = `
const { openStore } = await import(${JSON.stringify(moduleUrl('../store/index.ts'))});
const { ingest } = await import(${JSON.stringify(moduleUrl('./index.ts'))});
const store = openStore(process.env.CRASH_HOME);
const upsert = store.upsertPatents.bind(store);
let batches = 0;
store.upsertPatents = (records, source) => {
  const counts = store.db.transaction(() => {
    const counts = upsert(records, source);
    if (++batches === 6) {
      process.stdout.write('ready\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
    }
    return counts;
  })();
  process.stdout.write('committed ' + counts.inserted + '\\n');
  return counts;
};
await ingest(store, JSON.parse(process.env.CRASH_SOURCES), { batchSize: 50 });
process.stdout.write('finished\\n');
`;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a SIGKILL mid-transaction leaves a consistent store, and a re-run completes to the same result', async () => {
  const home = join(dir, 'killed');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, CRASH_HOME: home, CRASH_SOURCES: JSON.stringify(sources) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    child.on('exit', () => reject(new Error(`child exited before it was killed: ${output}`)));
  });
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.ok(!output.includes('finished'));

  const store = openStore(home);
  try {
    assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
    const committed = [...output.matchAll(/committed (\d+)/g)].map((match) => Number(match[1]));
    assert.equal(committed.length, 5);
    const kept = committed.reduce((sum, inserted) => sum + inserted, 0);
    assert.equal(store.count(), kept, 'exactly the five committed batches, nothing of the sixth');
    const orphans = store.db.prepare('SELECT COUNT(*) AS n FROM patent_ipc WHERE patent_id NOT IN (SELECT id FROM patents)').get() as { n: number };
    assert.equal(orphans.n, 0);

    const rerun = await ingest(store, sources);
    assert.equal(rerun.inserted, 2308 - kept);
    assert.equal(store.count(), 2308);

    const clean = openStore(join(dir, 'clean'));
    try {
      await ingest(clean, sources);
      assert.equal(contentDigest(store), contentDigest(clean));
    } finally {
      clean.close();
    }
  } finally {
    store.close();
  }
});
