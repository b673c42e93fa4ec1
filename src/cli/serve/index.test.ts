import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildTestHome, type TestHome } from '../../api/test-support/home.js';
import { writeCharModel } from '../../embed/test-support/index.js';
import { buildIndexes } from '../../index/build/index.js';
import { openStore } from '../../store/index.js';
import { NO_SMTP_WARNING } from '../../match/serve.js';
import { logRecords, spawnServingCli } from '../spawn.js';

let testHome: TestHome;

before(async () => {
  testHome = await buildTestHome();
});

after(async () => {
  await testHome.cleanup();
});

function workerPids(primary: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(primary)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('serve/worker'))
    .map((line) => Number.parseInt(line.trim(), 10));
}

/** The status of a search, or 0 when the connection failed (a kept-alive one to a killed worker does). */
async function searchStatus(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/api/search?q=${encodeURIComponent('이차전지')}`)).status;
  } catch {
    return 0;
  }
}

test('serve --workers 2 answers from two processes, replaces one that dies, and stops them all on SIGTERM', async () => {
  const cli = await spawnServingCli(['--home', testHome.home, 'serve', '--port', '0', '--workers', '2', '--rate-limit', '0']);
  let workers: number[] = [];
  try {
    // A worker killed before it listens is a failed first start, which stops them all.
    const listening = () => cli.stderr().match(/"msg":"worker listening"/g)?.length ?? 0;
    for (let waited = 0; listening() < 2 && waited < 120_000; waited += 200) await sleep(200);
    assert.equal(listening(), 2, cli.stderr());
    const statuses = await Promise.all(Array.from({ length: 8 }, () => searchStatus(cli.url)));
    assert.deepEqual(statuses, new Array(8).fill(200));
    workers = workerPids(cli.pid);
    assert.equal(workers.length, 2);
    process.kill(workers[0]!, 'SIGKILL');
    for (let waited = 0; !/"msg":"worker exited".*"replaced":true/.test(cli.stderr()) && waited < 10_000; waited += 100) {
      await sleep(100);
    }
    assert.match(cli.stderr(), /"msg":"worker exited".*"signal":"SIGKILL".*"replaced":true/, cli.stderr());
    // The replacement loads its indexes first (slow on a busy machine); wait until it listens.
    const replacementListens = /"msg":"worker listening","slot":\d,"pid":\d+,"restart":true/;
    for (let waited = 0; !replacementListens.test(cli.stderr()) && waited < 120_000; waited += 200) await sleep(200);
    assert.match(cli.stderr(), replacementListens);
    // Kept-alive connections to the killed worker fail once each; then every search is answered.
    let replaced: number[] = [];
    let answered = 0;
    const seen: string[] = [];
    for (const started = Date.now(); answered < 4 && Date.now() - started < 60_000; ) {
      replaced = workerPids(cli.pid);
      const status = replaced.length === 2 && !replaced.includes(workers[0]!) ? await searchStatus(cli.url) : -1;
      seen.push(`${replaced.length}:${status}`);
      answered = status === 200 ? answered + 1 : 0;
      if (status !== 200) await sleep(200);
    }
    assert.equal(replaced.length, 2);
    assert.ok(!replaced.includes(workers[0]!), 'the killed worker is gone');
    assert.equal(answered, 4, `four searches in a row answered after the replacement (workers:status ${seen.join(' ')})\n${cli.stderr()}`);
  } finally {
    assert.equal(await cli.stop(), 0);
  }
  assert.match(cli.stderr(), /"msg":"shutting down workers"/);
  // Every line is a JSON log line: the supervisor's and the workers' on stderr, requests on stdout.
  const lines = logRecords(cli.stderr());
  const started = lines.find((line) => line.msg.startsWith('serving '))!;
  assert.deepEqual([started.level, started.url, started.workers], ['info', cli.url, 2]);
  assert.ok(workers.includes(started.pid as number), 'worker 0 announces the address');
  // Without --smtp, emails are only logged: said once (by worker 0), not once per worker.
  const warnings = lines.filter((line) => line.msg === NO_SMTP_WARNING);
  assert.deepEqual(warnings.map((line) => [line.level, line.pid]), [['warn', started.pid]]);
  const exited = lines.find((line) => line.msg === 'worker exited')!;
  assert.deepEqual([exited.level, exited.signal, exited.replaced], ['warn', 'SIGKILL', true]);
  assert.ok(logRecords(cli.stdout()).some((line) => line.msg === 'incoming request'));
});

test('serve --port 0 --workers 2 keeps the port it announced when every worker dies and is replaced', async () => {
  const cli = await spawnServingCli(['--home', testHome.home, 'serve', '--port', '0', '--workers', '2', '--rate-limit', '0']);
  try {
    const announced = Number(new URL(cli.url).port);
    assert.ok(announced > 0, cli.url);
    const listening = (restart: boolean) => {
      const stderr = cli.stderr();
      return logRecords(stderr.slice(0, stderr.lastIndexOf('\n') + 1)).filter((line) => line.msg === 'worker listening' && line.restart === restart);
    };
    for (let waited = 0; listening(false).length < 2 && waited < 120_000; waited += 200) await sleep(200);
    assert.deepEqual(listening(false).map((line) => line.port), [announced, announced], cli.stderr());
    const workers = workerPids(cli.pid);
    assert.equal(workers.length, 2);
    // With no worker left, node:cluster closes the port; the replacements must listen on the same one.
    for (const pid of workers) process.kill(pid, 'SIGKILL');
    for (let waited = 0; listening(true).length < 2 && waited < 120_000; waited += 200) await sleep(200);
    assert.deepEqual(listening(true).map((line) => line.port), [announced, announced], cli.stderr());
    // No request went to the killed workers, so no kept-alive connection to them fails first.
    assert.equal(await searchStatus(cli.url), 200, `the announced ${cli.url} answers after the replacements\n${cli.stderr()}`);
  } finally {
    assert.equal(await cli.stop(), 0);
  }
});

test('serve --workers 2 on a home with no patents exits 1 with the reason, not a restart loop', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'patmatch-empty-'));
  try {
    const failed = await spawnServingCli(['--home', empty, 'serve', '--port', '0', '--workers', '2']).then(
      () => assert.fail('serve started on a home with no patents'),
      (error: Error) => error.message,
    );
    const [, stderr] = /exited with code 1 before serving: (.*)$/s.exec(failed) ?? assert.fail(failed);
    const lines = logRecords(stderr!);
    const reason = lines.find((line) => line.level === 'error')!;
    assert.match(reason.msg, /^worker [01] cannot serve: No patents in /);
    assert.equal(reason.code, 'not_ready');
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

test('serve --workers 2 on a port in use exits 1 with the reason, logged as a JSON error line', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as AddressInfo).port;
  try {
    const failed = await spawnServingCli(['--home', testHome.home, 'serve', '--port', String(port), '--workers', '2']).then(
      (cli) => cli.stop().then(() => assert.fail('serve started on a port in use')),
      (error: Error) => error.message,
    );
    const [, stderr] = /exited with code 1 before serving: (.*)$/s.exec(failed) ?? assert.fail(failed);
    const reason = logRecords(stderr!).find((line) => line.level === 'error') ?? assert.fail(`no error line: ${stderr}`);
    assert.match(reason.msg, new RegExp(`^worker [01] cannot serve: --port ${port}: 127\\.0\\.0\\.1:${port} is already in use`));
    assert.equal(reason.code, 'invalid_input');
  } finally {
    taken.close();
  }
});

test('serve switches to the vectors `patmatch index` writes while it runs, and keeps them when they are deleted', async () => {
  const home = await buildTestHome();
  const cli = await spawnServingCli(['--home', home.home, 'serve', '--port', '0', '--reload-interval', '1', '--rate-limit', '0']);
  try {
    const health = async () => (await (await fetch(`${cli.url}/api/health`)).json()) as { model: string | null };
    assert.equal((await health()).model, null, 'lexical only at first');
    const modelDir = join(home.home, 'char-model');
    const store = openStore(home.home);
    await writeCharModel(modelDir, [...store.iterate()].flat().flatMap((p) => [p.title, p.abstract]));
    store.close();
    await buildIndexes(home.home, { embedder: `static:${modelDir}` });
    let model: string | null = null;
    for (let waited = 0; model === null && waited < 30_000; waited += 200) {
      await sleep(200);
      model = (await health()).model;
    }
    assert.match(model ?? '', /^static:char-model@/, cli.stderr());
    assert.match(cli.stderr(), /"msg":"search index reloaded".*"from":"lexical\.db build [0-9a-f-]{36}","to":"lexical\.db build [0-9a-f-]{36} \+ vectors static:char-model@/);
    const seed = async (query: string) => {
      const search = await fetch(`${cli.url}/api/search?mode=seed&q=${encodeURIComponent(query)}&top=1`);
      return (await search.json()) as { mode: string };
    };
    assert.equal((await seed('이차전지')).mode, 'seed');

    await rm(join(home.home, 'vectors'), { recursive: true });
    for (let waited = 0; !cli.stderr().includes('search vectors gone') && waited < 30_000; waited += 200) await sleep(200);
    assert.match(cli.stderr(), /"msg":"search vectors gone; still serving the ones opened before".*"error":".*vectors in .* are gone/);
    assert.equal((await health()).model, model);
    assert.equal((await seed('그래핀 전극')).mode, 'seed', 'dense search goes on (another query: not from the result cache)');
  } finally {
    assert.equal(await cli.stop(), 0);
    await home.cleanup();
  }
});
