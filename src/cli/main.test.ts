import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/index.js';
import { makeReadOnly, samplePatent, tempStore } from '../store/test-support.js';
import { sharedDataDir } from './context.js';
import { runCli } from './spawn.js';

test('commands that write say plainly that a read-only home is not writable, and suggest --home', async (t) => {
  const temp = await tempStore();
  temp.store.upsertPatents([samplePatent('1020160000001')], 'x');
  temp.store.close();
  const kipris = join(sharedDataDir(), 'kipris');
  const readOnly = await makeReadOnly(temp.home);
  try {
    if ('skip' in readOnly) return t.skip(readOnly.skip);
    const commands = [
      ['ingest', join(kipris, 'plus-xml', '120050011639-1.xml')],
      ['ingest-managers', join(kipris, 'sample-managers.csv')],
      ['user', 'add', '--email', 'tlo@univ.example', '--password', 'correct horse', '--role', 'admin'],
      ['index'],
      ['train', '--no-sts', '--no-nli', '--no-dev'],
    ];
    for (const command of commands) {
      const { code, stderr } = await runCli(['--home', temp.home, ...command]);
      assert.equal(code, 1, `${command[0]}: ${stderr}`);
      assert.equal(
        stderr.replace(/\(E[A-Z]+: [^)]+\)/, '(…)'),
        `patmatch: ${temp.home} is not writable (…); make it writable, or use another home with --home <dir> (env PATMATCH_HOME)\n`,
        command[0],
      );
    }
  } finally {
    if ('undo' in readOnly) await readOnly.undo();
    await temp.cleanup();
  }
});

test('a home that access() calls read-only but the process may write (capabilities) is written, not refused', async (t) => {
  // access(2) checks a user other than root without its capabilities: with CAP_DAC_OVERRIDE, nobody
  // writes root's folders although access() answers EACCES.
  if (process.getuid?.() !== 0) return t.skip('needs root, to run a command as nobody with CAP_DAC_OVERRIDE');
  const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=+dac_override', '--ambient-caps=+dac_override', '--'];
  const temp = await tempStore();
  temp.store.close();
  try {
    await chmod(temp.dir, 0o755);
    const probe = join(temp.home, 'probe');
    const tried = spawnSync(asNobody[0]!, [...asNobody.slice(1), 'sh', '-c', `touch ${probe}`]);
    if (tried.error || tried.status !== 0) return t.skip(`no setpriv with an ambient capability here (${tried.error?.message ?? String(tried.stderr)})`);
    const file = join(sharedDataDir(), 'kipris', 'plus-xml', '120050011639-1.xml');
    const { code, stderr } = await runCli(['--home', temp.home, 'ingest', file], { ...process.env, HOME: tmpdir() }, asNobody);
    assert.equal(code, 0, stderr);
    const store = openStore(temp.home);
    assert.ok(store.count() > 0);
    store.close();
  } finally {
    await temp.cleanup();
  }
});
