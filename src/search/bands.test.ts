import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCount, SCORE_BANDS, scoreBand } from './bands.js';

const scored = (score: number, abstractScore = score, titleScore = score) => ({ score, abstractScore, titleScore });

test('scoreBand: each level starts its band; below related is weak; lexical has none', () => {
  const { strong, similar, related } = SCORE_BANDS.seed!;
  assert.ok(strong > similar && similar > related, 'levels are ordered');
  assert.deepEqual(
    [strong, strong - 1e-9, similar, similar - 1e-9, related, related - 1e-9].map((score) => scoreBand('seed', scored(score))),
    ['strong', 'similar', 'similar', 'related', 'related', 'weak'],
  );
  assert.equal(scoreBand('lexical', scored(1)), null);
});

test('hybrid bands read the seed similarity, not the fused rank score', () => {
  const { related } = SCORE_BANDS.hybrid!;
  // Rank 1 in both lists (fused score 1) for a demand that fits nothing: still weak.
  assert.equal(scoreBand('hybrid', { score: 1, abstractScore: related - 0.2, titleScore: related - 0.1 }), 'weak');
  assert.equal(scoreBand('hybrid', { score: 0.3, abstractScore: related + 0.01, titleScore: related + 0.01 }), 'related');
});

test('matchCount counts candidates at or above related; every candidate without bands', () => {
  const { related } = SCORE_BANDS.dense!;
  assert.equal(matchCount('dense', [scored(related), scored(related - 0.01), scored(1), scored(0)]), 2);
  assert.equal(matchCount('lexical', [scored(0.01), scored(0), scored(1)]), 3);
});
