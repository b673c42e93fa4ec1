import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PatmatchError } from '../domain/errors.js';
import type { EmbedOptions } from './types.js';

/**
 * Collapses runs of whitespace (including newlines and tabs) to one space and trims, so the same
 * text always gives the same vector however it was wrapped.
 *
 * @example
 * normaliseText('  딥러닝\n 영상   인식 ') // '딥러닝 영상 인식'
 */
export function normaliseText(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * Scales `vector` to unit length in place; an all-zero vector stays zero (its cosine with anything is 0).
 *
 * @example
 * l2Normalise(Float32Array.of(3, 4)) // Float32Array [0.6, 0.8]
 */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  }
  return vector;
}

/** How {@link embedInBatches} cuts the texts. */
export interface Batching {
  batchSize: number;
  /** Batch texts of similar length together (less padding for transformer models); results keep input order. */
  byLength?: boolean;
}

/**
 * Validates and normalises `texts`, then embeds them a batch at a time, reporting progress after
 * each batch and yielding to the event loop between batches so a server stays responsive.
 *
 * @example
 * return embedInBatches(texts, options, { batchSize: 32, byLength: true }, (batch) => runModel(batch));
 */
export async function embedInBatches(
  texts: readonly string[],
  options: EmbedOptions,
  batching: Batching,
  embedBatch: (batch: string[]) => Float32Array[] | Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  if (!Array.isArray(texts)) throw new PatmatchError('invalid_input', 'embed: texts must be an array of strings');
  if (options?.kind !== 'query' && options?.kind !== 'passage') {
    throw new PatmatchError('invalid_input', `embed: kind must be "query" or "passage", got ${JSON.stringify(options?.kind)}`);
  }
  const clean = texts.map((text, index) => {
    if (typeof text !== 'string') {
      throw new PatmatchError('invalid_input', `embed: text ${index} is ${typeof text}, expected a string`);
    }
    return normaliseText(text);
  });
  const order = clean.map((_, index) => index);
  if (batching.byLength) order.sort((a, b) => clean[a]!.length - clean[b]!.length);
  const vectors = new Array<Float32Array>(clean.length);
  for (let start = 0; start < order.length; start += batching.batchSize) {
    if (start > 0) await nextTurn();
    const indices = order.slice(start, start + batching.batchSize);
    const batchVectors = await embedBatch(indices.map((index) => clean[index]!));
    indices.forEach((index, i) => (vectors[index] = batchVectors[i]!));
    options.onProgress?.(start + indices.length, clean.length);
  }
  return vectors;
}

/**
 * Checks a `threads` option: a positive integer, by default the cores available but at most 2.
 *
 * @example
 * resolveThreads(undefined) // 2 on a 2-core machine
 */
export function resolveThreads(value: number | undefined): number {
  const threads = value ?? Math.min(2, availableParallelism());
  if (!Number.isInteger(threads) || threads < 1) {
    throw new PatmatchError('invalid_input', `embedder option threads: expected a positive integer, got ${threads}`);
  }
  return threads;
}

/**
 * Checks a `batchSize` option: a positive integer, or the default when absent.
 *
 * @example
 * resolveBatchSize(undefined, 32) // 32
 */
export function resolveBatchSize(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new PatmatchError('invalid_input', `embedder option batchSize: expected a positive integer, got ${value}`);
  }
  return value;
}
