import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mrrAt, ndcgAt, pearson, recallAt, spearman } from './metrics.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

describe('ranking metrics', () => {
  const relevant = new Set(['a', 'b']);
  const ndcgCases: [string[], number, number][] = [
    [['a', 'b', 'x'], 10, 1],
    [['x', 'y'], 10, 0],
    [['x', 'a'], 10, 1 / Math.log2(3) / (1 + 1 / Math.log2(3))],
    [['a', 'x', 'b'], 10, (1 + 1 / 2) / (1 + 1 / Math.log2(3))],
    [['x', 'a'], 1, 0],
    [['a'], 1, 1],
  ];
  for (const [ranked, k, expected] of ndcgCases) {
    test(`nDCG@${k} of ${ranked.join(',')} = ${expected.toFixed(4)}`, () => close(ndcgAt(ranked, relevant, k), expected));
  }
  test('nDCG is 0 when nothing is relevant', () => close(ndcgAt(['a'], new Set(), 10), 0));

  const rankCases: [string[], number, number, number][] = [
    [['t', 'x'], 10, 1, 1],
    [['x', 'y', 't'], 10, 1, 1 / 3],
    [['x', 'y', 't'], 2, 0, 0],
    [[], 10, 0, 0],
  ];
  for (const [ranked, k, recall, mrr] of rankCases) {
    test(`Recall@${k} and MRR@${k} of target t in ${ranked.join(',') || '(nothing)'}`, () => {
      close(recallAt(ranked, 't', k), recall);
      close(mrrAt(ranked, 't', k), mrr);
    });
  }
});

describe('correlations', () => {
  const cases: [string, number[], number[], number, number][] = [
    ['linear', [1, 2, 3, 4], [2, 4, 6, 8], 1, 1],
    ['monotone but not linear', [1, 2, 3, 4], [1, 10, 100, 1000], 1, NaN],
    ['reversed', [1, 2, 3], [3, 2, 1], -1, -1],
    ['constant side', [1, 1, 1], [1, 2, 3], 0, 0],
  ];
  for (const [name, xs, ys, rho, r] of cases) {
    test(name, () => {
      close(spearman(xs, ys), rho);
      if (!Number.isNaN(r)) close(pearson(xs, ys), r);
    });
  }
  test('Spearman averages tied ranks', () => close(spearman([1, 2, 2, 3], [1, 2, 3, 4]), pearson([1, 2.5, 2.5, 4], [1, 2, 3, 4])));
});
