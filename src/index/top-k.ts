import type { Neighbor } from './types.js';

/**
 * Orders neighbours best first: higher score, then lower key, so equal scores come out the same
 * way on every run.
 *
 * @example
 * hits.sort(compareNeighbors);
 */
export function compareNeighbors(a: Neighbor, b: Neighbor): number {
  return b.score - a.score || a.key - b.key;
}

/**
 * Keeps the best `k` of a stream of scored keys in a bounded heap (O(n log k), no full sort).
 *
 * @example
 * const top = new TopK(10);
 * for (const [key, score] of scored) top.push(key, score);
 * top.sorted(); // best first
 */
export class TopK {
  readonly #keys: Float64Array;
  readonly #scores: Float64Array;
  #size = 0;

  constructor(readonly k: number) {
    this.#keys = new Float64Array(k);
    this.#scores = new Float64Array(k);
  }

  /** Offers one candidate; NaN scores are ignored. */
  push(key: number, score: number): void {
    if (Number.isNaN(score) || this.k === 0) return;
    if (this.#size < this.k) {
      this.#keys[this.#size] = key;
      this.#scores[this.#size] = score;
      this.#siftUp(this.#size++);
    } else if (this.#worse(0, key, score)) {
      this.#keys[0] = key;
      this.#scores[0] = score;
      this.#siftDown(0);
    }
  }

  /** The kept candidates, best first. */
  sorted(): Neighbor[] {
    const hits: Neighbor[] = [];
    for (let i = 0; i < this.#size; i++) hits.push({ key: this.#keys[i]!, score: this.#scores[i]! });
    return hits.sort(compareNeighbors);
  }

  /** Whether the heap entry at `slot` ranks below the candidate (`key`, `score`). */
  #worse(slot: number, key: number, score: number): boolean {
    const held = this.#scores[slot]!;
    return held < score || (held === score && this.#keys[slot]! > key);
  }

  #swap(a: number, b: number): void {
    [this.#keys[a], this.#keys[b]] = [this.#keys[b]!, this.#keys[a]!];
    [this.#scores[a], this.#scores[b]] = [this.#scores[b]!, this.#scores[a]!];
  }

  #siftUp(slot: number): void {
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.#worse(slot, this.#keys[parent]!, this.#scores[parent]!)) return;
      this.#swap(slot, parent);
      slot = parent;
    }
  }

  #siftDown(slot: number): void {
    for (;;) {
      let worst = slot;
      for (let child = 2 * slot + 1; child <= 2 * slot + 2 && child < this.#size; child++) {
        if (this.#worse(child, this.#keys[worst]!, this.#scores[worst]!)) worst = child;
      }
      if (worst === slot) return;
      this.#swap(slot, worst);
      slot = worst;
    }
  }
}

/**
 * The best `k` of scores computed all at once (e.g. a whole-table scan), ties at the cut by
 * ascending key, NaN left out: a linear-time selection of the k-th score, several times faster
 * than `TopK` when k is a large share of the scores. Best first when `ordered` (a native sort of
 * just the winners), else in index order.
 *
 * @example
 * topOfScores(Float32Array.of(0.2, 0.9, 0.5), (i) => keys[i], 2); // [{ key: keys[1], score: 0.9 }, { key: keys[2], score: 0.5 }]
 */
export function topOfScores(scores: Float32Array, keyOf: (index: number) => number, k: number, ordered = true): Neighbor[] {
  const values = new Float32Array(scores.length);
  let valid = 0;
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) values[valid++] = scores[i]!;
  const wanted = Math.max(0, Math.min(Math.floor(k), valid));
  if (wanted === 0) return [];
  const threshold = kthLargest(values.subarray(0, valid), wanted);
  const chosen: number[] = [];
  const tied: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! > threshold) chosen.push(i);
    else if (scores[i] === threshold) tied.push(i);
  }
  tied.sort((a, b) => keyOf(a) - keyOf(b));
  for (const i of tied.slice(0, wanted - chosen.length)) chosen.push(i);
  if (ordered) return sortBest(chosen, scores, keyOf);
  return chosen.map((i) => ({ key: keyOf(i), score: scores[i]! }));
}

/** Positions packed below the score bits: 2^14, so 2^32 × 2^14 stays an exact float64 integer. */
const packedLimit = 16_384;

/** `indices` as neighbours, best first, ties by ascending key. */
function sortBest(indices: readonly number[], scores: Float32Array, keyOf: (index: number) => number): Neighbor[] {
  if (indices.length >= packedLimit) return indices.map((i) => ({ key: keyOf(i), score: scores[i]! })).sort(compareNeighbors);
  // Sort numbers natively rather than objects through a comparator: each number packs the score's
  // order (its float32 bits, made order-preserving and reversed) above the hit's position.
  const bits = new Uint32Array(1);
  const float = new Float32Array(bits.buffer);
  const packed = new Float64Array(indices.length);
  for (let position = 0; position < indices.length; position++) {
    float[0] = scores[indices[position]!]!;
    const ascending = bits[0]! & 0x80000000 ? ~bits[0]! >>> 0 : (bits[0]! | 0x80000000) >>> 0;
    packed[position] = (0xffffffff - ascending) * packedLimit + position;
  }
  packed.sort();
  const ordered: Neighbor[] = new Array<Neighbor>(indices.length);
  for (let i = 0; i < packed.length; i++) {
    const index = indices[packed[i]! % packedLimit]!;
    ordered[i] = { key: keyOf(index), score: scores[index]! };
  }
  // Equal scores are now in position order; put each run of them in key order.
  for (let start = 0; start < ordered.length; ) {
    let end = start + 1;
    while (end < ordered.length && ordered[end]!.score === ordered[start]!.score) end++;
    if (end - start > 1) ordered.splice(start, end - start, ...ordered.slice(start, end).sort(compareNeighbors));
    start = end;
  }
  return ordered;
}

/** The k-th largest value (1-based) of `values`, reordering them (Hoare's quickselect). */
function kthLargest(values: Float32Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  const target = k - 1;
  while (low < high) {
    const pivot = values[(low + high) >> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target]!;
  }
  return values[target]!;
}
