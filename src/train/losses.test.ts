import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backward, encode, type EmbeddingTable } from './encoder.js';
import { coSent, multipleNegativesRanking, type LossResult } from './losses.js';
import { createRandom } from './random.js';

const DIM = 6;

function randomTable(vocab: number, seed: number): EmbeddingTable {
  const rng = createRandom(seed);
  return { vocab, dim: DIM, data: Float32Array.from({ length: vocab * DIM }, () => rng.normal()) };
}

/** Texts as token ids, including a repeated token and tokens shared between texts. */
const TEXTS = [[0, 1, 1], [2, 3], [4, 0], [5, 6, 7], [1, 8], [9, 3, 2]];

/**
 * Compares the hand-written gradient of `loss(encode(table, TEXTS))` with respect to every table
 * weight against central finite differences.
 */
function checkGradient(loss: (vectors: Float64Array[]) => LossResult, seed: number): void {
  const table = randomTable(10, seed);
  const evaluate = () => loss(encode(table, TEXTS).vectors).loss;
  const batch = encode(table, TEXTS);
  const analytic = backward(batch, loss(batch.vectors).grads);
  const eps = 1e-2;
  let checked = 0;
  for (let id = 0; id < table.vocab; id++) {
    for (let k = 0; k < DIM; k++) {
      const i = id * DIM + k;
      const original = table.data[i]!;
      table.data[i] = original + eps;
      const plus = evaluate();
      table.data[i] = original - eps;
      const minus = evaluate();
      table.data[i] = original;
      const numeric = (plus - minus) / (2 * eps);
      const grad = analytic.get(id)?.[k] ?? 0;
      assert.ok(Math.abs(numeric - grad) <= 1e-3 + 2e-2 * Math.abs(numeric), `row ${id} dim ${k}: analytic ${grad}, numeric ${numeric}`);
      checked += numeric !== 0 ? 1 : 0;
    }
  }
  assert.ok(checked > 20, 'the loss depends on the weights');
}

describe('loss gradients match finite differences', () => {
  test('MultipleNegativesRanking with in-batch and hard negatives', () => {
    checkGradient((v) => multipleNegativesRanking(v.slice(0, 2), v.slice(2), 5), 1);
  });

  test('MultipleNegativesRanking with in-batch negatives only', () => {
    checkGradient((v) => multipleNegativesRanking(v.slice(0, 3), v.slice(3), 3), 2);
  });

  test('CoSENT', () => {
    checkGradient((v) => coSent(v.slice(0, 3), v.slice(3), [4.5, 1, 2.5], 5), 3);
  });
});

describe('losses', () => {
  test('MNRL is lower when each anchor is closest to its own positive', () => {
    const a = [Float64Array.of(1, 0), Float64Array.of(0, 1)];
    const matched = multipleNegativesRanking(a, a, 20).loss;
    const swapped = multipleNegativesRanking(a, [a[1]!, a[0]!], 20).loss;
    assert.ok(matched < 1e-6 && swapped > 10, `matched ${matched}, swapped ${swapped}`);
  });

  test('CoSENT is zero-ish when cosines are ordered like the labels and large when reversed', () => {
    const lefts = [Float64Array.of(1, 0), Float64Array.of(1, 0)];
    const rights = [Float64Array.of(1, 0), Float64Array.of(0, 1)];
    assert.ok(coSent(lefts, rights, [5, 0], 20).loss < 1e-6);
    assert.ok(coSent(lefts, rights, [0, 5], 20).loss > 19);
  });
});
