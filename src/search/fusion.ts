/** Score fusion used by the recommender: pure functions, so each mode states its arithmetic in one line. */
import { PatmatchError } from '../domain/errors.js';

/**
 * How `hybrid` mixes its two scores, merged over `defaultHybridOptions`.
 *
 * @example
 * const options: HybridOptions = { ...defaultHybridOptions, seedWeight: 0.5 };
 */
export interface HybridOptions {
  /** Weight of the seed score (mean of abstract and title cosines), 0–1; the lexical score gets the rest. */
  seedWeight: number;
}

/**
 * 0.7 seed + 0.3 lexical: the best weight on the tuning patents (IPC sections A–F) of the held-out
 * split; docs/search.md, *Default mode*.
 */
export const defaultHybridOptions: HybridOptions = { seedWeight: 0.7 };

/**
 * Checks hybrid options merged over the defaults; throws `invalid_input` naming the option.
 *
 * @example
 * resolveHybridOptions({ seedWeight: 0.5 }) // { seedWeight: 0.5 }
 */
export function resolveHybridOptions(options: Partial<HybridOptions> = {}): HybridOptions {
  const merged = { ...defaultHybridOptions, ...options };
  if (!Number.isFinite(merged.seedWeight) || merged.seedWeight < 0 || merged.seedWeight > 1) {
    throw new PatmatchError('invalid_input', `Hybrid option seedWeight: ${merged.seedWeight} is not a number from 0 to 1`);
  }
  return merged;
}

/**
 * The hybrid score of a candidate: its seed score and its lexical score (0 when keyword search did
 * not find it), weighted. Unlike a fusion of ranks, the result keeps the scale of the scores, so a
 * patent close to the demand in both scores higher than one that only ranks high in a weak list.
 *
 * @example
 * weightedScore(0.62, 0.4, defaultHybridOptions) // 0.7 × 0.62 + 0.3 × 0.4 = 0.554
 */
export function weightedScore(seedScore: number, lexicalScore: number, options: HybridOptions): number {
  return options.seedWeight * seedScore + (1 - options.seedWeight) * lexicalScore;
}

/** A candidate with its component scores; `score` decides the order. */
export interface ScoredCandidate {
  key: number;
  abstractScore: number;
  titleScore: number;
  score: number;
}

/** Candidate order: higher score first; ties go to the smaller store id, so equal scores always come out the same way. */
export function compareCandidates(a: ScoredCandidate, b: ScoredCandidate): number {
  return b.score - a.score || a.key - b.key;
}

/** Orders candidates best first (in place), ties by the smaller store id. */
export function rankCandidates(candidates: ScoredCandidate[]): ScoredCandidate[] {
  return candidates.sort(compareCandidates);
}

/** Above this many wanted, `bestCandidates` sorts everything instead of keeping a short list. */
const shortListLimit = 64;

/**
 * The best `count` candidates, best first, in the order `rankCandidates` gives. A page of 10 out
 * of 1,000 candidates is picked with a short insertion list (about one comparison per candidate)
 * instead of sorting all of them.
 *
 * @example
 * bestCandidates(scored, 10) // the first page
 */
export function bestCandidates(candidates: readonly ScoredCandidate[], count: number): ScoredCandidate[] {
  if (count > shortListLimit || count * 4 >= candidates.length) return rankCandidates([...candidates]).slice(0, count);
  const best: ScoredCandidate[] = [];
  for (const candidate of candidates) {
    if (best.length === count && compareCandidates(candidate, best[count - 1]!) >= 0) continue;
    let slot = best.length < count ? best.length : count - 1;
    while (slot > 0 && compareCandidates(candidate, best[slot - 1]!) < 0) {
      best[slot] = best[slot - 1]!;
      slot--;
    }
    best[slot] = candidate;
  }
  return best;
}
