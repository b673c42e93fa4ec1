import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Int8Rows } from './index.js';
import { dotsWasmBase64 } from './dots.wasm.js';

const dimension = 32;

function randomInts(count: number, seed: number, max: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state % (2 * max + 1)) - max;
  });
}

const randomInt8 = (count: number, seed: number) => Int8Array.from(randomInts(count, seed, 127));

function dot(a: Int8Array, b: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

test('dots equals the exact integer dot product, for chosen rows and for all, across growth', () => {
  const rows = new Int8Rows(dimension, 3);
  const stored = randomInt8(3 * dimension, 1);
  rows.data.set(stored);
  rows.reserve(500);
  const more = randomInt8(497 * dimension, 2);
  rows.data.set(more, 3 * dimension);
  const all = new Int8Array([...stored, ...more]);
  const query = Int16Array.from(randomInts(dimension, 3, 32_767));
  query[0] = -32_767;
  const row = (r: number) => all.subarray(r * dimension, (r + 1) * dimension);
  assert.deepEqual([...rows.dots(query, [499, 0, 7, 7], 4)], [499, 0, 7, 7].map((r) => dot(row(r), query)));
  const every = rows.dots(query, null, 500);
  assert.equal(every.length, 500);
  for (let r = 0; r < 500; r++) assert.equal(every[r], dot(row(r), query));
  const extreme = new Int8Rows(16, 1);
  extreme.data.fill(-128);
  assert.equal(extreme.dots(new Int16Array(16).fill(-32_767), null, 1)[0], 16 * 128 * 32_767);
});

test('bad dimensions, queries and rows are refused', () => {
  assert.equal(Int8Rows.supports(256), true);
  assert.equal(Int8Rows.supports(48), true);
  assert.equal(Int8Rows.supports(40), false);
  assert.throws(() => new Int8Rows(40), /dimension 40 is not a positive multiple of 16/);
  const rows = new Int8Rows(16, 2);
  assert.throws(() => rows.dots(new Int16Array(8), null, 1), /query has 8 values, not 16/);
  assert.throws(() => rows.dots(new Int16Array(16), [2], 1), /row 2 is out of range/);
});

test('the committed binary is the compiled dots.wat (run `npm run build:kernel` after editing it)', async () => {
  // @ts-expect-error: a plain .mjs script without type declarations
  const { compileKernel } = (await import('../../../scripts/build-kernel.mjs')) as { compileKernel(): Promise<string> };
  assert.equal(await compileKernel(), dotsWasmBase64);
});
