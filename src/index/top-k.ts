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
