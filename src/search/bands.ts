/**
 * Score bands: the words the dashboard puts on a score (매우 유사 / 유사 / 관련), per mode, since
 * each mode's score lives on its own scale (a cosine mean, a fused rank, a BM25 share of the best).
 * The levels were read off score distributions of the demo home (`docs/search.md`, *Score bands*;
 * `src/search/test-support/score-bands.ts` measures them).
 */
import type { ScoreBand, ScoreBands, SearchMode } from '../domain/index.js';

/**
 * Lowest score of each band, per mode; null where the score says nothing absolute. Lexical scores
 * are divided by the best candidate's, so the first hit scores about 1 whether it fits or not.
 */
export const SCORE_BANDS: Readonly<Record<SearchMode, ScoreBands | null>> = {
  seed: { strong: 0.6, similar: 0.5, related: 0.4 },
  dense: { strong: 0.6, similar: 0.5, related: 0.4 },
  hybrid: { strong: 0.6, similar: 0.5, related: 0.4 },
  lexical: null,
};

/**
 * The band of a score in a mode; `null` when the mode has no bands.
 *
 * @example
 * scoreBand('seed', 0.71) // 'strong'
 * scoreBand('lexical', 0.9) // null
 */
export function scoreBand(mode: SearchMode, score: number): ScoreBand | null {
  const bands = SCORE_BANDS[mode];
  if (!bands) return null;
  if (score >= bands.strong) return 'strong';
  if (score >= bands.similar) return 'similar';
  if (score >= bands.related) return 'related';
  return 'weak';
}

/**
 * How many of the scores reach the `related` band: the patents the dashboard calls matches. Without
 * bands (lexical), every candidate counts: each holds at least one of the demand's terms.
 *
 * @example
 * matchCount('seed', [0.7, 0.45, 0.2]) // 2
 */
export function matchCount(mode: SearchMode, scores: Iterable<number>): number {
  const floor = SCORE_BANDS[mode]?.related ?? -Infinity;
  let count = 0;
  for (const score of scores) if (score >= floor) count++;
  return count;
}
