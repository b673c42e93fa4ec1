import { fnv1a } from '../util/hash.js';

/**
 * The patents whose English titles training never sees, so that the cross-lingual evaluation
 * measures generalisation rather than memorised pairs: one in five, chosen by a hash of the
 * application number (stable across runs, stores and machines).
 *
 * @example
 * isCrossLingualHoldout('1020160138184') // true or false, always the same
 */
export function isCrossLingualHoldout(applicationNumber: string): boolean {
  return fnv1a(applicationNumber) % 5 === 0;
}
