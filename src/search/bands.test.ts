import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCount, SCORE_BANDS, scoreBand } from './bands.js';

test('scoreBand: each level starts its band; below related is weak; lexical has none', () => {
  const { strong, similar, related } = SCORE_BANDS.seed!;
  assert.ok(strong > similar && similar > related, 'levels are ordered');
  assert.deepEqual(
    [strong, strong - 1e-9, similar, similar - 1e-9, related, related - 1e-9].map((score) => scoreBand('seed', score)),
    ['strong', 'similar', 'similar', 'related', 'related', 'weak'],
  );
  assert.equal(scoreBand('lexical', 1), null);
});

test('matchCount counts scores at or above related; every score without bands', () => {
  const { related } = SCORE_BANDS.hybrid!;
  assert.equal(matchCount('hybrid', [related, related - 0.01, 1, 0]), 2);
  assert.equal(matchCount('lexical', [0.01, 0, 1]), 3);
});
