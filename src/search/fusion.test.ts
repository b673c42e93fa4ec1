import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestCandidates, rankCandidates, reciprocalRankFusion, RRF_K, type ScoredCandidate } from './fusion.js';

test('reciprocal rank fusion favours keys ranked in both lists and scales the best possible to 1', () => {
  const fused = reciprocalRankFusion([
    [7, 3, 5],
    [3, 9],
  ]);
  const best = 2 / (RRF_K + 1);
  assert.ok(Math.abs(fused.get(3)! - (1 / (RRF_K + 2) + 1 / (RRF_K + 1)) / best) < 1e-12);
  assert.ok(Math.abs(fused.get(7)! - 1 / (RRF_K + 1) / best) < 1e-12);
  assert.ok(fused.get(3)! > fused.get(7)!);
  assert.ok(fused.get(7)! > fused.get(9)!);
  assert.ok(Math.abs(reciprocalRankFusion([[1], [1]]).get(1)! - 1) < 1e-12);
});

test('rankCandidates orders by score, then by the smaller key on ties', () => {
  const ranked = rankCandidates([
    { key: 9, abstractScore: 0, titleScore: 0, score: 0.5 },
    { key: 2, abstractScore: 0, titleScore: 0, score: 0.5 },
    { key: 5, abstractScore: 0, titleScore: 0, score: 0.9 },
  ]);
  assert.deepEqual(
    ranked.map((c) => c.key),
    [5, 2, 9],
  );
});

test('bestCandidates picks the same first candidates as a full ranking, ties included', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const candidates: ScoredCandidate[] = Array.from({ length: 1000 }, (_, i) => ({
    key: (i * 7919) % 1000,
    abstractScore: 0,
    titleScore: 0,
    score: Math.round(random() * 50) / 50,
  }));
  const full = rankCandidates([...candidates]);
  for (const count of [1, 10, 30, 64, 65, 300, 1000, 2000]) {
    assert.deepEqual(bestCandidates(candidates, count), full.slice(0, count), `count ${count}`);
  }
  assert.deepEqual(bestCandidates([], 10), []);
});
