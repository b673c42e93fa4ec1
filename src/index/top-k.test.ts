import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNeighbors, topOfScores, TopK } from './top-k.js';

test('topOfScores and TopK keep the same best k as a full sort, ties by ascending key, NaN left out', () => {
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const scores = Float32Array.from({ length: 2500 }, () => Math.round(random() * 40) / 40);
  scores[17] = Number.NaN;
  const keyOf = (i: number) => (i * 7919) % 2500;
  const all = Array.from(scores, (score, i) => ({ key: keyOf(i), score })).filter((n) => !Number.isNaN(n.score));
  const sorted = all.sort(compareNeighbors);
  for (const k of [0, 1, 10, 999, 1000, 2498, 2499, 5000]) {
    const expected = sorted.slice(0, k);
    assert.deepEqual(topOfScores(scores, keyOf, k), expected, `topOfScores k=${k}`);
    const top = new TopK(k);
    scores.forEach((score, i) => top.push(keyOf(i), score));
    assert.deepEqual(top.sorted(), expected, `TopK k=${k}`);
  }
  assert.deepEqual(topOfScores(new Float32Array(0), keyOf, 3), []);
});
