/**
 * Score bands: the words the dashboard puts on a score (매우 유사 / 유사 / 관련), per mode, since
 * each mode's score lives on its own scale. The levels were read off score distributions of the
 * demo home (`docs/search.md`, *Result counts and score bands*; measured by
 * `src/search/test-support/score-bands.ts`).
 */
import type { ScoreBand, ScoreBands, SearchMode } from '../domain/index.js';

/** The scores a band is read from. */
export interface BandedScores {
  score: number;
  abstractScore: number;
  titleScore: number;
}

/**
 * Lowest value of each band, per mode; null where no value says how well a patent fits: lexical
 * scores are divided by the best candidate's, so the first hit scores about 1 whether it fits or
 * not (demands from fields absent from the demo home scored 0.83–1.0 at rank 1).
 */
export const SCORE_BANDS: Readonly<Record<SearchMode, ScoreBands | null>> = {
  // Same-IPC-group precision of title queries' hits on the demo home (base rate 0.10): about 0.37
  // from 0.40, 0.5 from 0.50, 0.8 and more from 0.60; demands from absent fields score 0.33 at rank 1 (median).
  seed: { strong: 0.6, similar: 0.5, related: 0.4 },
  dense: { strong: 0.6, similar: 0.5, related: 0.4 },
  // Read from the seed similarity (see `bandedValue`), so the seed levels.
  hybrid: { strong: 0.6, similar: 0.5, related: 0.4 },
  lexical: null,
};

/**
 * The value a hit's band is read from: its score, except in hybrid, whose score mixes in the lexical
 * score (relative to the best candidate, so about 1 at rank 1 for any demand); there it is the seed
 * similarity, the mean of abstract and title cosine, which every hybrid candidate has.
 *
 * @example
 * bandedValue('hybrid', { score: 0.98, abstractScore: 0.6, titleScore: 0.4 }) // 0.5
 */
export function bandedValue(mode: SearchMode, scores: BandedScores): number {
  return mode === 'hybrid' ? (scores.abstractScore + scores.titleScore) / 2 : scores.score;
}

/**
 * The band of a hit in a mode; `null` when the mode has no bands.
 *
 * @example
 * scoreBand('seed', { score: 0.71, abstractScore: 0.7, titleScore: 0.72 }) // 'strong'
 * scoreBand('lexical', { score: 0.9, abstractScore: 1, titleScore: 0.8 }) // null
 */
export function scoreBand(mode: SearchMode, scores: BandedScores): ScoreBand | null {
  const bands = SCORE_BANDS[mode];
  if (!bands) return null;
  const value = bandedValue(mode, scores);
  if (value >= bands.strong) return 'strong';
  if (value >= bands.similar) return 'similar';
  if (value >= bands.related) return 'related';
  return 'weak';
}

/**
 * How many candidates reach the `related` band: the patents the dashboard calls matches. Without
 * bands (lexical), every candidate counts: each holds at least one of the demand's terms.
 *
 * @example
 * matchCount('seed', candidates) // candidates scoring 0.5 or more
 */
export function matchCount(mode: SearchMode, candidates: readonly BandedScores[]): number {
  const bands = SCORE_BANDS[mode];
  if (!bands) return candidates.length;
  let count = 0;
  for (const candidate of candidates) if (bandedValue(mode, candidate) >= bands.related) count++;
  return count;
}
