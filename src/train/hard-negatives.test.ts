import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mineHardNegatives } from './hard-negatives.js';

test('mineHardNegatives ranks by BM25, leaves out excluded documents, and keeps depth candidates', () => {
  // Token ids: 1 = "배터리", 2 = "전극", 3 = "음극", 9 = a word in every document.
  const docs = [
    [1, 2, 9], // 0: the query's own document
    [1, 2, 3, 9], // 1: shares both query words
    [1, 9, 9, 9, 9, 9, 9], // 2: shares one, long
    [1, 9], // 3: shares one, short
    [7, 8, 9], // 4: shares only the common word
  ];
  const [negatives] = mineHardNegatives([[1, 2]], docs, { exclude: (q, d) => q === d, depth: 3 });
  assert.deepEqual(negatives, [1, 3, 2]);
  const [withoutOne] = mineHardNegatives([[1, 2]], docs, { exclude: (q, d) => d === 0 || d === 1 });
  assert.deepEqual(withoutOne, [3, 2]);
  assert.deepEqual(mineHardNegatives([[42]], docs, { exclude: () => false }), [[]]);
});
