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
  return (i) => {
    const position = i % n;
    const round = Math.floor(i / n);
    const seed = ordered[position]!;
    const slots = Math.min(2 * neighbourhood, n - 1);
    const seedPieces = piecesOf[position]!;
    const seedSubsets = subsetCount(seedPieces);
    // Round r takes partner slot r mod slots (slot k = offset 1, -1, 2, -2, … in IPC order) and
    // combination r div slots of that pair; when a pair runs out of combinations (one-clause
    // abstracts), the chain goes on to slot k + slots, k + 2·slots …, further out in the same field.
    let slot = slots === 0 ? 0 : round % slots;
    let level = slots === 0 ? 0 : Math.floor(round / slots);
    let partnerPosition = position;
    let combinations = seedSubsets;
    for (;;) {
      partnerPosition = slots === 0 ? position : (((position + offsetAt(slot)) % n) + n) % n;
      combinations = seedSubsets * (partnerPosition === position ? 1 : subsetCount(piecesOf[partnerPosition]!));
      if (level < combinations || slots === 0 || slot + slots >= n - 1) break;
      level -= combinations;
      slot += slots;
    }
    const combination = scramble(level, combinations);
    const abstract = [
      ...subset(seedPieces, 1 + (combination % seedSubsets)),
      ...(partnerPosition === position ? [] : subset(piecesOf[partnerPosition]!, 1 + Math.floor(combination / seedSubsets))),
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

/** The pieces whose bits are set in `mask`, in order. */
function subset(all: readonly string[], mask: number): string[] {
  return all.filter((_, bit) => bit < maxPieces && (mask & (1 << bit)) !== 0);
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
