import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestCandidates, defaultHybridOptions, rankCandidates, resolveHybridOptions, weightedScore, type ScoredCandidate } from './fusion.js';

test('hybrid weighs the seed and lexical scores, so a strong dense match outranks a weak one that keywords also found', () => {
  const nearDuplicate = weightedScore(0.9, 0, defaultHybridOptions);
  const keywordOnly = weightedScore(0.3, 0.5, defaultHybridOptions);
  assert.ok(Math.abs(nearDuplicate - 0.63) < 1e-12);
  assert.ok(Math.abs(keywordOnly - (0.7 * 0.3 + 0.3 * 0.5)) < 1e-12);
  // A fusion of ranks would put keywordOnly first: it is ranked in both lists.
  assert.ok(nearDuplicate > keywordOnly);
  assert.equal(weightedScore(0.4, 1, { seedWeight: 0 }), 1);
  assert.equal(weightedScore(0.4, 1, { seedWeight: 1 }), 0.4);
});

test('hybrid options are merged over the defaults and checked', () => {
  assert.deepEqual(resolveHybridOptions(), defaultHybridOptions);
  assert.deepEqual(resolveHybridOptions({ seedWeight: 0.5 }), { seedWeight: 0.5 });
  for (const seedWeight of [-0.1, 1.5, Number.NaN]) {
    assert.throws(() => resolveHybridOptions({ seedWeight }), /Hybrid option seedWeight: .* is not a number from 0 to 1/);
  }
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
