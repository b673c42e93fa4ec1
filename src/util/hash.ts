/**
 * FNV-1a, 32-bit, of a string's UTF-16 code units: a fast, stable hash for buckets and samples
 * (the same on every run and machine).
 *
 * @example
 * fnv1a('a') // 0xe40c292c
 * fnv1a('SNS', 0x2b992ddf) // another offset basis keeps a family of buckets apart
 */
export function fnv1a(text: string, basis = 0x811c9dc5): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
