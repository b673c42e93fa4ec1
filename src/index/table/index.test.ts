import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateClusteredVectors } from '../../bench/index/synthetic.js';
import { VectorTable } from './index.js';
import { withTempDir } from '../test-support.js';

const dimension = 256;

function rows(count: number, stream = 0): Float32Array[] {
  const data = generateClusteredVectors({ count, dimension, clusters: 10, stream });
  return Array.from({ length: count }, (_, i) => data.subarray(i * dimension, (i + 1) * dimension));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe('VectorTable', () => {
  for (const precision of ['f32', 'i8'] as const) {
    test(`${precision}: dot gives cosine similarity within the precision's error`, () => {
      const vectors = rows(300);
      const table = VectorTable.create({ dimension, precision });
      vectors.forEach((vector, i) => table.set(i * 3, vector.map((x) => x * 5)));
      const query = rows(1, 1)[0]!;
      const keys = vectors.map((_, i) => i * 3);
      const scores = table.dot(query, keys);
      const tolerance = precision === 'f32' ? 1e-6 : 3e-3;
      let worst = 0;
      vectors.forEach((vector, i) => (worst = Math.max(worst, Math.abs(scores[i]! - cosine(query, vector)))));
      assert.ok(worst < tolerance, `max error ${worst}`);
      assert.ok(worst > 0 || precision === 'f32');
    });
  }

  test('missing keys score NaN and get returns undefined', () => {
    const table = VectorTable.create({ dimension: 2, precision: 'f32' });
    table.set(1, Float32Array.of(0, 2));
    const scores = table.dot(Float32Array.of(0, 1), [1, 2]);
    assert.equal(scores[0], 1);
    assert.ok(Number.isNaN(scores[1]));
    assert.equal(table.get(2), undefined);
    assert.deepEqual(Array.from(table.get(1)!), [0, 1]);
  });

  test('set replaces, delete moves the last row into the gap', () => {
    const table = VectorTable.create({ dimension: 2, precision: 'i8' });
    for (let key = 0; key < 40; key++) table.set(key, Float32Array.of(1, key));
    table.set(5, Float32Array.of(0, 1));
    assert.equal(table.size, 40);
    assert.equal(table.delete(5), true);
    assert.equal(table.delete(5), false);
    assert.equal(table.size, 39);
    assert.equal(table.has(39), true);
    const [score] = table.dot(Float32Array.of(1, 39), [39]);
    assert.ok(Math.abs(score! - 1) < 1e-3);
  });

  test('nearest ranks all rows or only the given keys, ties by ascending key', () => {
    const table = VectorTable.create({ dimension: 2, precision: 'f32' });
    table.set(8, Float32Array.of(1, 0));
    table.set(2, Float32Array.of(1, 0));
    table.set(4, Float32Array.of(0, 1));
    assert.deepEqual(table.nearest(Float32Array.of(1, 0), 3).map((hit) => hit.key), [2, 8, 4]);
    assert.deepEqual(table.nearest(Float32Array.of(1, 0), 5, [4, 8, 77]).map((hit) => hit.key), [8, 4]);
  });

  test('i8 nearest (SIMD kernel) finds the exact top k, and rows survive the kernel memory growing', () => {
    const vectors = rows(2000);
    const table = VectorTable.create({ dimension, precision: 'i8' });
    vectors.forEach((vector, i) => table.set(i + 10, vector));
    table.delete(10);
    const query = rows(1, 1)[0]!;
    const truth = vectors
      .map((vector, i) => ({ key: i + 10, score: cosine(query, vector) }))
      .filter((hit) => hit.key !== 10)
      .sort((a, b) => b.score - a.score);
    const found = table.nearest(query, 100);
    assert.equal(found.length, 100);
    const threshold = truth[99]!.score - 5e-3;
    for (const hit of found) {
      assert.ok(Math.abs(hit.score - cosine(query, vectors[hit.key - 10]!)) < 3e-3, `score of ${hit.key}`);
      assert.ok(hit.score >= threshold, `${hit.key} scores ${hit.score}, below the exact 100th ${truth[99]!.score}`);
    }
    const kept = new Set(found.map((hit) => hit.key));
    assert.ok(truth.slice(0, 90).every((hit) => kept.has(hit.key)), 'the clear top 90 are all found');
    assert.deepEqual(found, [...found].sort((a, b) => b.score - a.score || a.key - b.key));
    assert.equal(table.nearest(query, 5000).length, 1999);
    for (let i = 0; i < 3000; i++) table.set(5000 + i, vectors[i % 2000]!);
    assert.equal(table.size, 4999);
    assert.ok(Math.abs(table.dot(query, [5000])[0]! - cosine(query, vectors[0]!)) < 3e-3);
    assert.ok(cosine(table.get(11)!, vectors[1]!) > 0.999);
  });

  test('save and load round trip, for both precisions', async () => {
    await withTempDir(async (dir) => {
      for (const precision of ['f32', 'i8'] as const) {
        const table = VectorTable.create({ dimension, precision });
        rows(50).forEach((vector, i) => table.set(1000 - i, vector));
        const path = join(dir, `${precision}.vt`);
        await table.save(path);
        const loaded = await VectorTable.load(path);
        assert.equal(loaded.precision, precision);
        assert.equal(loaded.size, 50);
        assert.deepEqual(loaded.keys(), table.keys());
        const query = rows(1, 1)[0]!;
        assert.deepEqual(loaded.dot(query, table.keys()), table.dot(query, table.keys()));
        loaded.set(1, query);
        assert.equal(loaded.size, 51);
      }
    });
  });

  test('load refuses foreign, truncated and duplicate-key files', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 't.vt');
      const table = VectorTable.create({ dimension: 2, precision: 'f32' });
      table.set(1, Float32Array.of(1, 0));
      table.set(2, Float32Array.of(0, 1));
      await table.save(path);
      const bytes = await readFile(path);
      await writeFile(path, bytes.subarray(0, bytes.length - 1));
      await assert.rejects(VectorTable.load(path), /bytes, expected/);
      await writeFile(path, 'hello world, this is not a vector table');
      await assert.rejects(VectorTable.load(path), /not a patmatch vector table/);
      const duplicate = Buffer.from(bytes);
      duplicate.writeUInt32LE(1, 36);
      await writeFile(path, duplicate);
      await assert.rejects(VectorTable.load(path), /key 1 appears twice/);
      await assert.rejects(VectorTable.load(join(dir, 'none.vt')), { code: 'not_found' });
    });
  });

  test('rejects bad keys, vectors and options', () => {
    const table = VectorTable.create({ dimension: 2, precision: 'i8' });
    assert.throws(() => table.set(1.5, Float32Array.of(1, 0)), /key 1.5/);
    assert.throws(() => table.set(1, Float32Array.of(1)), /length 2/);
    assert.throws(() => table.set(1, Float32Array.of(0, 0)), /zero norm/);
    assert.throws(() => VectorTable.create({ dimension: 0, precision: 'f32' }), /dimension 0/);
    assert.throws(() => VectorTable.create({ dimension: 2, precision: 'f8' as 'f32' }), /precision "f8"/);
  });
});
