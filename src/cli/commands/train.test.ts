import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertReplaceableModelDir } from './train.js';

test('train --out refuses a folder or file that is not a model, which it would replace whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'patmatch-train-out-'));
  try {
    await writeFile(join(dir, 'patmatch.db'), 'a home');
    assert.throws(() => assertReplaceableModelDir(dir), /holds other files \(patmatch\.db…\), not a patmatch model/);
    await writeFile(join(dir, 'notes.txt'), 'x');
    assert.throws(() => assertReplaceableModelDir(join(dir, 'notes.txt')), /is a file, not a model folder/);
    assert.equal(await readFile(join(dir, 'patmatch.db'), 'utf8'), 'a home');
    assertReplaceableModelDir(join(dir, 'new-model'));
    await mkdir(join(dir, 'empty'));
    assertReplaceableModelDir(join(dir, 'empty'));
    await mkdir(join(dir, 'model'));
    await writeFile(join(dir, 'model', 'patmatch_tokenizer.json'), '{}');
    assertReplaceableModelDir(join(dir, 'model'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
