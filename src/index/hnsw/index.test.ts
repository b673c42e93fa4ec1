import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateClusteredVectors } from '../../bench/index/synthetic.js';
import { ExactIndex } from '../exact/index.js';
import { HnswIndex } from './index.js';
import { withTempDir } from '../test-support.js';

const dimension = 32;

function rows(count: number, stream = 0): Float32Array[] {
  const data = generateClusteredVectors({ count, dimension, clusters: 20, stream });
  return Array.from({ length: count }, (_, i) => data.subarray(i * dimension, (i + 1) * dimension));
}


describe('HnswIndex', () => {
  test('finds each stored vector as its own nearest neighbour with cosine ≈ 1', () => {
    const vectors = rows(200);
    const index = HnswIndex.create({ dimension, connectivity: 16 });
    index.add(vectors.map((_, i) => i + 1000), vectors);
    assert.equal(index.size, 200);
    for (const i of [0, 57, 199]) {
      const [best] = index.search(vectors[i]!, 5);
      assert.equal(best!.key, i + 1000);
      assert.ok(Math.abs(best!.score - 1) < 1e-3, `score ${best!.score}`);
    }
  });

  test('scores are cosine similarities of unnormalised input', () => {
    const index = HnswIndex.create({ dimension: 2, quantization: 'f32' });
    index.add([1, 2, 3], [Float32Array.of(3, 0), Float32Array.of(1, 1), Float32Array.of(0, -2)]);
    const hits = index.search(Float32Array.of(10, 0), 3);
    assert.deepEqual(hits.map((hit) => hit.key), [1, 2, 3]);
    assert.ok(Math.abs(hits[1]!.score - Math.SQRT1_2) < 1e-6);
    assert.ok(Math.abs(hits[2]!.score) < 1e-6);
  });

  test('recall@100 against exact search is at least 0.99 on clustered vectors', () => {
    const vectors = rows(3000);
    const keys = vectors.map((_, i) => i);
    const index = HnswIndex.create({ dimension, connectivity: 16, expansionSearch: 200 });
    const exact = new ExactIndex(dimension);
    index.add(keys, vectors);
    exact.add(keys, vectors);
    let found = 0;
    const queries = rows(20, 1);
    for (const query of queries) {
      const truth = new Set(exact.search(query, 100).map((hit) => hit.key));
      found += index.search(query, 100).filter((hit) => truth.has(hit.key)).length;
    }
    const recall = found / (queries.length * 100);
    assert.ok(recall >= 0.99, `recall ${recall}`);
  });

  test('re-adding a key replaces its vector and remove drops it', () => {
    const [a, b, c] = rows(3);
    const index = HnswIndex.create({ dimension });
    index.add([1, 2], [a!, b!]);
    index.add([1], [c!]);
    assert.equal(index.size, 2);
    assert.equal(index.search(c!, 1)[0]!.key, 1);
    assert.notEqual(index.search(a!, 2).find((hit) => hit.key === 1)?.score.toFixed(3), '1.000');
    assert.equal(index.remove([1, 99]), 1);
    assert.equal(index.size, 1);
    assert.deepEqual(index.search(c!, 5).map((hit) => hit.key), [2]);
  });

  test('equal scores come out in ascending key order', () => {
    const same = Float32Array.of(1, 0, 0, 0);
    const index = HnswIndex.create({ dimension: 4, quantization: 'f32' });
    index.add([9, 3, 7, 5], [same, same, same, Float32Array.of(0, 1, 0, 0)]);
    assert.deepEqual(index.search(same, 4).map((hit) => hit.key), [3, 7, 9, 5]);
  });

  test('rejects wrong dimensions, bad keys and duplicate keys in one batch', () => {
    const index = HnswIndex.create({ dimension: 4 });
    assert.throws(() => index.add([1], [Float32Array.of(1, 2)]), /key 1: vector must be a Float32Array of length 4/);
    assert.throws(() => index.add([-1], [Float32Array.of(1, 0, 0, 0)]), /key -1: must be an integer/);
    assert.throws(() => index.add([1, 1], [Float32Array.of(1, 0, 0, 0), Float32Array.of(0, 1, 0, 0)]), /key 1 appears twice/);
    assert.throws(() => index.add([2], [Float32Array.of(0, 0, 0, 0)]), /zero norm/);
    assert.throws(() => index.search(Float32Array.of(Number.NaN, 0, 0, 0), 1), /query: vector has a non-finite value/);
    assert.equal(index.size, 0);
  });

  test('save, then load and memory-mapped view give the same results', async () => {
    await withTempDir(async (dir) => {
      const vectors = rows(500);
      const index = HnswIndex.create({ dimension, connectivity: 16 });
      index.add(vectors.map((_, i) => i), vectors);
      const path = join(dir, 'nested', 'abstracts.usearch');
      await index.save(path);
      assert.deepEqual(await readdir(join(dir, 'nested')), ['abstracts.usearch']);
      const loaded = await HnswIndex.open(path, { mmap: false });
      const viewed = await HnswIndex.open(path, { mmap: true });
      const query = rows(1, 1)[0]!;
      const expected = index.search(query, 50);
      assert.equal(expected.length, 50);
      assert.deepEqual(loaded.search(query, 50), expected);
      assert.deepEqual(viewed.search(query, 50), expected);
      assert.equal(viewed.dimension, dimension);
      assert.throws(() => viewed.add([1], [query]), /memory-mapped/);
      loaded.add([9999], [query]);
      assert.equal(loaded.search(query, 1)[0]!.key, 9999);
    });
  });

  test('opening a missing or corrupt file fails with a message naming the file', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(HnswIndex.open(join(dir, 'none.usearch')), { code: 'not_found' });
      const table = new ExactIndex(4);
      table.add([1], [Float32Array.of(1, 0, 0, 0)]);
      const wrong = join(dir, 'wrong.usearch');
      await table.save(wrong);
      await assert.rejects(HnswIndex.open(wrong, { mmap: false }), (error: Error) => error.message.startsWith(wrong));
    });
  });
});

test('a truncated index file is refused instead of crashing the process', async () => {
  await withTempDir(async (dir) => {
    const vectors = rows(100);
    const index = HnswIndex.create({ dimension, connectivity: 16 });
    index.add(vectors.map((_, i) => i), vectors);
    const path = join(dir, 'a.usearch');
    await index.save(path);
    const bytes = await readFile(path);
    for (const cut of [4, 100, bytes.length - 7]) {
      await writeFile(path, bytes.subarray(0, cut));
      await assert.rejects(HnswIndex.open(path, { mmap: false }), { code: 'invalid_input' });
      await assert.rejects(HnswIndex.open(path, { mmap: true }), { code: 'invalid_input' });
    }
  });
});
