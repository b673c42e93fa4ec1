import assert from 'node:assert/strict';

/**
 * `values` scaled to unit length (the zero vector stays zero), computed in doubles for expectations.
 *
 * @example
 * unitVector([3, 4]) // [0.6, 0.8]
 */
export function unitVector(values: readonly number[]): number[] {
  const norm = Math.hypot(...values);
  return norm === 0 ? [...values] : values.map((value) => value / norm);
}

/**
 * Asserts a float32 vector equals `expected` within `tolerance` per dimension, naming the first
 * dimension that differs.
 *
 * @example
 * assertVectorClose(vector, unitVector([1, 2, 2]));
 */
export function assertVectorClose(actual: Float32Array | undefined, expected: readonly number[], tolerance = 1e-6): void {
  assert.ok(actual, 'missing vector');
  assert.equal(actual.length, expected.length, 'dimension');
  actual.forEach((value, d) => assert.ok(Math.abs(value - expected[d]!) <= tolerance, `dim ${d}: ${value} vs ${expected[d]}`));
}
