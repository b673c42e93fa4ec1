import { PatmatchError } from '../domain/errors.js';

/**
 * Scales a vector to unit L2 norm in place and returns its former norm (0 leaves it unchanged).
 *
 * @example
 * normalizeInPlace(Float32Array.of(3, 4)); // 5, vector is now [0.6, 0.8]
 */
export function normalizeInPlace(vector: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return norm;
}

/**
 * Checks that a vector can be indexed: the right length, finite values and a non-zero norm.
 * `label` names the record in the error, e.g. `key 42`.
 *
 * @example
 * assertIndexable(vector, 256, 'key 42'); // throws PatmatchError('invalid_input', …) if not
 */
export function assertIndexable(vector: Float32Array, dimension: number, label: string): void {
  if (!(vector instanceof Float32Array) || vector.length !== dimension) {
    throw new PatmatchError('invalid_input', `${label}: vector must be a Float32Array of length ${dimension}`);
  }
  let sum = 0;
  for (let i = 0; i < dimension; i++) sum += vector[i]! * vector[i]!;
  if (!Number.isFinite(sum) || sum === 0) {
    throw new PatmatchError('invalid_input', `${label}: vector has ${sum === 0 ? 'zero norm' : 'a non-finite value'}`);
  }
}

/**
 * Checks that a key fits every index: an integer in [0, 2^32 − 1] (store ids are SQLite rowids).
 *
 * @example
 * assertKey(42); // ok; assertKey(-1) throws PatmatchError('invalid_input', …)
 */
export function assertKey(key: number): void {
  if (!Number.isInteger(key) || key < 0 || key > 0xffff_ffff) {
    throw new PatmatchError('invalid_input', `key ${key}: must be an integer between 0 and 4294967295`);
  }
}

/**
 * Throws when keys and vectors do not pair up one to one.
 *
 * @example
 * assertSameLength([1, 2], [v1]); // throws PatmatchError('invalid_input', …)
 */
export function assertSameLength(keys: readonly number[], vectors: readonly Float32Array[]): void {
  if (keys.length !== vectors.length) {
    throw new PatmatchError('invalid_input', `add: ${keys.length} keys but ${vectors.length} vectors`);
  }
}

/**
 * Whether an embedding can be indexed: some component non-zero, and finite. A text with no token the
 * model knows embeds to the zero vector and has no vector in the index.
 *
 * @example
 * hasNorm(Float32Array.of(0, 0)); // false
 */
export function hasNorm(vector: Float32Array): boolean {
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) return Number.isFinite(vector[i]!);
  return false;
}

/**
 * Replaces the `NaN` that tables give keys without a vector by 0, in place: no vector, no similarity.
 *
 * @example
 * zeroMissing(titles.dot(query, keys));
 */
export function zeroMissing(scores: Float32Array): Float32Array {
  for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i]!)) scores[i] = 0;
  return scores;
}

