import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Accounts, migrateMatch } from '../../match/index.js';
import { openStore } from '../../store/index.js';
import { tempStore } from '../../store/test-support.js';
import { loaderFlags } from '../../util/loader-flags.js';
import { runCli } from '../spawn.js';

const add = (home: string, email: string, ...flags: string[]) => ['--home', home, 'user', 'add', '--email', email, '--role', 'demander', ...flags];

async function logsIn(home: string, email: string, password: string): Promise<boolean> {
  const store = openStore(home, { writes: true });
  try {
    migrateMatch(store.db);
    return (await new Accounts(store.db).login(email, password)) !== undefined;
  } finally {
    store.close();
  }
}

test('user add --password-stdin takes the password from standard input, less one line break', async () => {
  const temp = await tempStore();
  temp.store.close();
  try {
    const lf = await runCli(add(temp.home, 'lf@corp.example', '--password-stdin', '--json'), process.env, [], 'a long secret\n');
    assert.equal(lf.code, 0, lf.stderr);
    assert.match(lf.stdout, /"token":"pm_/);
    assert.equal(lf.stderr, '');
    const crlf = await runCli(add(temp.home, 'crlf@corp.example', '--password-stdin'), process.env, [], 'windows secret\r\n');
    assert.equal(crlf.code, 0, crlf.stderr);
    assert.equal(await logsIn(temp.home, 'lf@corp.example', 'a long secret'), true);
    assert.equal(await logsIn(temp.home, 'lf@corp.example', 'a long secret\n'), false);
    assert.equal(await logsIn(temp.home, 'crlf@corp.example', 'windows secret'), true);
  } finally {
    await temp.cleanup();
  }
});

test('user add --password still works but warns that the password is visible', async () => {
  const temp = await tempStore();
  temp.store.close();
  try {
    const { code, stderr } = await runCli(add(temp.home, 'flag@corp.example', '--password', 'visible secret'));
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^patmatch: warning: --password leaves the password in the shell history/);
    assert.equal(await logsIn(temp.home, 'flag@corp.example', 'visible secret'), true);
  } finally {
    await temp.cleanup();
  }
});

test('user add without a terminal and without a password flag refuses, and creates nothing', async () => {
  const temp = await tempStore();
  temp.store.close();
  try {
    const none = await runCli(add(temp.home, 'none@corp.example'));
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no password: run on a terminal to be asked for it, or pipe it in with --password-stdin/);
    const both = await runCli(add(temp.home, 'both@corp.example', '--password', 'x'.repeat(10), '--password-stdin'), process.env, [], 'y'.repeat(10));
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give one of them, not both/);
    const empty = await runCli(add(temp.home, 'empty@corp.example', '--password-stdin'), process.env, [], '\n');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /standard input was empty/);
    const store = openStore(temp.home);
    try {
      migrateMatch(store.db);
      assert.equal(store.db.prepare('SELECT count(*) AS n FROM match_users').pluck().get(), 0);
    } finally {
      store.close();
    }
  } finally {
    await temp.cleanup();
  }
});

/**
 * Runs `user add` on a real pseudo-terminal (util-linux `script`) and types each of `answers` once
 * the next prompt shows, as a person would: typing ahead would be echoed by the terminal itself.
 */
async function onTerminal(home: string, email: string, answers: readonly string[]): Promise<{ status: number | null; output: string } | undefined> {
  const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin.ts');
  const argv = [process.execPath, ...loaderFlags(process.execArgv), entry, ...add(home, email)];
  const quoted = argv.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const [spawned] = (await Promise.race([once(child, 'spawn'), once(child, 'error')])) as [Error | undefined];
  if (spawned instanceof Error) return undefined;
  let output = '';
  let typed = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
    const prompts = output.match(/(Password \(at least 8 characters\)|Repeat the password): /g)?.length ?? 0;
    if (prompts > typed && typed < answers.length) child.stdin.write(`${answers[typed++]}\r`);
  });
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, output };
}

test('user add on a terminal asks for the password twice without echoing it', async (t) => {
  const temp = await tempStore();
  temp.store.close();
  try {
    const same = await onTerminal(temp.home, 'tty@corp.example', ['typed secret', 'typed secret']);
    if (same === undefined) return t.skip('util-linux `script` is not installed');
    assert.equal(same.status, 0, same.output);
    assert.match(same.output, /Password \(at least 8 characters\): /);
    assert.match(same.output, /Repeat the password: /);
    assert.doesNotMatch(same.output, /typed secret/);
    assert.equal(await logsIn(temp.home, 'tty@corp.example', 'typed secret'), true);

    const differ = await onTerminal(temp.home, 'typo@corp.example', ['typed secret', 'typed secrte']);
    assert.notEqual(differ?.status, 0);
    assert.match(differ!.output, /the two passwords differ; nothing was created/);
    assert.equal(await logsIn(temp.home, 'typo@corp.example', 'typed secret'), false);
  } finally {
    await temp.cleanup();
  }
});
