import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveAtomically } from './atomic.js';
import { withTempDir } from '../index/test-support.js';

test('saveAtomically keeps the old file and leaves no temporary file when the writer throws', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'index.bin');
    await saveAtomically(path, (tmp) => writeFile(tmp, 'old'));
    await assert.rejects(
      saveAtomically(path, async (tmp) => {
        await writeFile(tmp, 'half-writ');
        throw new Error('disk full');
      }),
      /disk full/,
    );
    assert.equal(await readFile(path, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['index.bin']);
    await saveAtomically(path, (tmp) => writeFile(tmp, 'new'));
    assert.equal(await readFile(path, 'utf8'), 'new');
    assert.deepEqual(await readdir(dir), ['index.bin']);
  });
});
