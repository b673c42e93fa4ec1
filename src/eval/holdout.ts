/**
 * The patents whose English titles training never sees, so that the cross-lingual evaluation
 * measures generalisation rather than memorised pairs: one in five, chosen by a hash of the
 * application number (stable across runs, stores and machines).
 *
 * @example
 * isCrossLingualHoldout('1020160138184') // true or false, always the same
 */
export function isCrossLingualHoldout(applicationNumber: string): boolean {
  // FNV-1a, 32-bit.
  let hash = 0x811c9dc5;
  for (let i = 0; i < applicationNumber.length; i++) {
    hash ^= applicationNumber.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 5 === 0;
}
