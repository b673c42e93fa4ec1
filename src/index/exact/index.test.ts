import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { generateClusteredVectors } from '../../bench/index/synthetic.js';
import { VectorTable } from '../table/index.js';
import { ExactIndex, exactSearchAmong } from './index.js';
import { withTempDir } from '../test-support.js';

const dimension = 16;
const data = generateClusteredVectors({ count: 500, dimension, clusters: 5 });
const vectors = Array.from({ length: 500 }, (_, i) => data.subarray(i * dimension, (i + 1) * dimension));
const query = generateClusteredVectors({ count: 1, dimension, clusters: 5, stream: 1 });

function bruteForce(keys: number[], k: number): number[] {
  const score = (i: number) => vectors[i]!.reduce((sum, x, j) => sum + x * query[j]!, 0);
  return [...keys].sort((a, b) => score(b) - score(a) || a - b).slice(0, k);
}

test('search returns the same top k as sorting every score', () => {
  const index = new ExactIndex(dimension);
  index.add(vectors.map((_, i) => i), vectors);
  const hits = index.search(query, 37);
  assert.deepEqual(hits.map((hit) => hit.key), bruteForce(vectors.map((_, i) => i), 37));
  assert.ok(hits.every((hit, i) => i === 0 || hits[i - 1]!.score >= hit.score));
  assert.equal(index.search(query, 0).length, 0);
  assert.equal(index.search(query, 10_000).length, 500);
});

test('exactSearchAmong ranks only the candidates it is given', () => {
  const table = VectorTable.create({ dimension, precision: 'f32' });
  vectors.forEach((vector, i) => table.set(i, vector));
  const candidates = [400, 3, 250, 17, 99, 123];
  assert.deepEqual(exactSearchAmong(query, table, candidates, 4).map((hit) => hit.key), bruteForce(candidates, 4));
});

test('remove, re-add and save/load keep the index consistent', async () => {
  await withTempDir(async (dir) => {
    const index = new ExactIndex(dimension);
    index.add([1, 2, 3], vectors.slice(0, 3));
    assert.equal(index.remove([2, 9]), 1);
    index.add([1], [vectors[4]!]);
    const path = join(dir, 'exact.vt');
    await index.save(path);
    const loaded = await ExactIndex.load(path);
    assert.equal(loaded.size, 2);
    assert.deepEqual(loaded.search(vectors[4]!, 1)[0]!.key, 1);
    assert.throws(() => index.add([5, 6], [vectors[0]!]), /2 keys but 1 vectors/);
  });
});
