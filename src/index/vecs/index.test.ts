import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFvecs, readIvecs, writeFvecs, writeIvecs } from './index.js';
import { withTempDir } from '../test-support.js';

test('fvecs and ivecs round trip, in the TEXMEX layout', async () => {
  await withTempDir(async (dir) => {
    const floats = { count: 3, dimension: 2, data: Float32Array.of(0.5, -1, 2, 3.25, 1e-3, 7) };
    await writeFvecs(join(dir, 'a.fvecs'), floats);
    const bytes = await readFile(join(dir, 'a.fvecs'));
    assert.equal(bytes.length, 3 * (4 + 8));
    assert.equal(bytes.readInt32LE(12), 2);
    assert.equal(bytes.readFloatLE(16), 2);
    assert.deepEqual(await readFvecs(join(dir, 'a.fvecs')), floats);
    assert.deepEqual((await readFvecs(join(dir, 'a.fvecs'), { limit: 1 })).data, Float32Array.of(0.5, -1));

    const ints = { count: 2, dimension: 3, data: Int32Array.of(1, 2, 3, -1, 70000, 0) };
    await writeIvecs(join(dir, 'b.ivecs'), ints);
    assert.deepEqual(await readIvecs(join(dir, 'b.ivecs')), ints);
  });
});

test('rejects files whose rows do not match the first dimension', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'bad.fvecs');
    const rows = Buffer.alloc(24);
    rows.writeInt32LE(2, 0);
    rows.writeInt32LE(3, 12);
    await writeFile(path, rows);
    await assert.rejects(readFvecs(path), /row 1 declares dimension 3, expected 2/);
    await writeFile(path, rows.subarray(0, 10));
    await assert.rejects(readFvecs(path), /does not divide the file size/);
    await writeFile(path, '');
    await assert.rejects(readFvecs(path), /empty file/);
    await assert.rejects(readFvecs(join(dir, 'none.fvecs')), { code: 'not_found' });
    await assert.rejects(writeIvecs(path, { count: 2, dimension: 2, data: new Int32Array(3) }), /3 values/);
  });
});
