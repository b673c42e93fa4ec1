import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCrossLingualHoldout } from './holdout.js';

test('the cross-lingual hold-out is a stable fifth of application numbers', () => {
  const numbers = Array.from({ length: 5000 }, (_, i) => `10201${String(60_000_000 + i * 7919).padStart(8, '0')}`);
  const held = numbers.filter(isCrossLingualHoldout);
  assert.ok(held.length > 900 && held.length < 1100, `${held.length} of 5000`);
  assert.deepEqual(numbers.filter(isCrossLingualHoldout), held);
});
