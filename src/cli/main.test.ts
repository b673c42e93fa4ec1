import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
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
