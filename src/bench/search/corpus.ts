import type { Patent } from '../../domain/index.js';

/** Patents on either side of a seed, in IPC order, that its synthetic abstracts borrow pieces from. */
const neighbourhood = 8;
/** Pieces of an abstract that subsets choose from (the rest are left out). */
const maxPieces = 12;
/** Characters a piece has at least (shorter clauses are joined to the next). */
const minPieceLength = 24;

/**
 * Makes the synthetic patents of a benchmark corpus by recombining real ones. The i-th takes the
 * title of a seed patent and an abstract of some of the seed's sentences and clauses followed by
 * some of a partner's, the partner being one of the seed's neighbours in IPC order: every abstract stays on
 * one topic, so the corpus keeps the locality of a real one (patents of a field lie near each other)
 * instead of pairing unrelated inventions. Piece choices and partners are enumerated, not drawn, so
 * a seed's abstracts repeat only once its combinations run out. Numbers lie in the unused 2090s
 * range. Deterministic in `i`.
 *
 * @example
 * const recombine = createRecombiner(real);
 * recombine(123_456).applicationNumber; // '1020900123456'
 */
export function createRecombiner(real: readonly Patent[]): (i: number) => Patent {
  // Patents of one family often share an abstract; one of each keeps their pieces from pairing up into copies.
  const distinct = [...new Map(real.map((patent) => [patent.abstract, patent])).values()];
  const ordered = distinct.sort(
    (a, b) => compare(a.ipc[0] ?? '~', b.ipc[0] ?? '~') || compare(a.applicationNumber, b.applicationNumber),
  );
  const piecesOf = ordered.map((patent) => pieces(patent.abstract));
  const n = ordered.length;
  const slots = Math.min(2 * neighbourhood, n - 1);
  // Round r takes partner slot r mod slots (slot k = offset 1, -1, 2, -2, … in IPC order) and
  // combination r div slots of that pair; when a pair runs out of combinations (one-clause
  // abstracts), the chain goes on to slot k + slots, k + 2·slots …, further out in the same field.
  const pairing = (position: number, seedSubsets: number, round: number): { partner: number; combination: number } => {
    let slot = round % slots;
    let level = Math.floor(round / slots);
    for (;;) {
      const partner = (((position + offsetAt(slot)) % n) + n) % n;
      const combinations = seedSubsets * subsetCount(piecesOf[partner]!);
      if (level < combinations || slot + slots >= n - 1) return { partner, combination: scramble(level, combinations) };
      level -= combinations;
      slot += slots;
    }
  };
  return (i) => {
    const position = i % n;
    const seed = ordered[position]!;
    const seedPieces = piecesOf[position]!;
    const seedSubsets = subsetCount(seedPieces);
    // A corpus of one patent has no partner: its abstracts are the first subset of its own pieces.
    const { partner, combination } = slots === 0 ? { partner: null, combination: 0 } : pairing(position, seedSubsets, Math.floor(i / n));
    const abstract = [
      ...subset(seedPieces, 1 + (combination % seedSubsets)),
      ...(partner === null ? [] : subset(piecesOf[partner]!, 1 + Math.floor(combination / seedSubsets))),
    ].join(' ');
    const year = 2090 + Math.floor(i / 10_000_000);
    return {
      ...seed,
      applicationNumber: `10${year}${String(i % 10_000_000).padStart(7, '0')}`,
      kind: 'patent',
      abstract,
      registrationNumber: null,
      registrationDate: null,
      registrationStatus: null,
    };
  };
}

/** Non-empty subsets of a patent's pieces (of its first `maxPieces`). */
function subsetCount(pieces: readonly string[]): number {
  return 2 ** Math.min(pieces.length, maxPieces) - 1;
}

/** 1, -1, 2, -2, … */
function offsetAt(k: number): number {
  return k % 2 === 0 ? k / 2 + 1 : -(k + 1) / 2;
}

/** A permutation of 0…size-1 (for value < size), so consecutive values land far apart. */
function scramble(value: number, size: number): number {
  let multiplier = Math.floor(size * 0.618) | 1;
  while (gcd(multiplier, size) !== 1) multiplier += 2;
  return Number((BigInt(value % size) * BigInt(multiplier)) % BigInt(size));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The pieces whose bits are set in `mask` (below 2^maxPieces), in order. */
function subset(all: readonly string[], mask: number): string[] {
  return all.filter((_, bit) => (mask & (1 << bit)) !== 0);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sentences and clauses, a short lead-in ("실시예는,") joined to what follows: most real abstracts
 * are one or two sentences, too few to recombine.
 */
function pieces(text: string): string[] {
  const found: string[] = [];
  let pending = '';
  for (const part of text.split(/(?<=[.!?。,])\s+/)) {
    pending = pending ? `${pending} ${part}` : part;
    if (pending.length >= minPieceLength) {
      found.push(pending);
      pending = '';
    }
  }
  if (pending) found.push(pending);
  return found;
}
