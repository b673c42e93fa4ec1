import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverReplacedDir, replaceDirAtomic, saveAtomically, writeFileExclusive } from './atomic.js';
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

test('replaceDirAtomic: a replacement cut short between its renames is put back, never lost', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'vectors');
    await replaceDirAtomic(path, (tmp) => writeFile(join(tmp, 'manifest.json'), 'v1'));
    // The state a crash after "rename old aside" and before "rename new in" leaves behind.
    await rename(path, join(dir, '.vectors.old'));
    await mkdir(join(dir, '.vectors.building'));
    recoverReplacedDir(path);
    assert.equal(await readFile(join(path, 'manifest.json'), 'utf8'), 'v1');
    await replaceDirAtomic(path, (tmp) => writeFile(join(tmp, 'manifest.json'), 'v2'));
    assert.equal(await readFile(join(path, 'manifest.json'), 'utf8'), 'v2');
    assert.deepEqual(await readdir(dir), ['vectors']);
    await assert.rejects(
      replaceDirAtomic(path, async () => {
        throw new Error('embedding failed');
      }),
      /embedding failed/,
    );
    assert.equal(await readFile(join(path, 'manifest.json'), 'utf8'), 'v2');
  });
});

test('writeFileExclusive: racing creators agree on one content, and the file is never seen partly written', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'secret');
    // Large enough to be written in many chunks, between which a reader could look.
    const contents = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(16 * 1024 * 1024));
    const sizesSeen = new Set<number>();
    let writing = true;
    const watch = (): void => {
      try {
        sizesSeen.add(statSync(path).size);
      } catch {
        sizesSeen.add(-1);
      }
      if (writing) setImmediate(watch);
    };
    watch();
    const created = await Promise.all(contents.map((content) => writeFileExclusive(path, content, 0o600)));
    writing = false;
    assert.equal(created.filter(Boolean).length, 1, 'exactly one creator wins');
    const winner = contents[created.indexOf(true)];
    assert.equal(await readFile(path, 'utf8'), winner);
    assert.deepEqual([...sizesSeen].filter((size) => size !== -1 && size !== winner!.length), [], 'sizes other than absent or complete');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['secret'], 'no temporary file left behind');
    assert.equal(await writeFileExclusive(path, 'late'), false);
    assert.equal(await readFile(path, 'utf8'), winner);
  });
});
