import { PatmatchError } from '../domain/errors.js';
import type { Embedder } from '../embed/types.js';
import type { StsPair } from '../train/datasets.js';
import { pearson, spearman } from './metrics.js';

/** Agreement of cosine similarity with gold similarity scores. */
export interface StsReport {
  n: number;
  spearman: number;
  pearson: number;
}

/**
 * Embeds both sides of each pair and correlates their cosine with the gold score.
 *
 * @example
 * const report = await evaluateSts(embedder, await readStsPairs('sts-dev.tsv')); // { n: 1500, spearman: 0.8, pearson: 0.79 }
 */
export async function evaluateSts(embedder: Embedder, pairs: readonly StsPair[]): Promise<StsReport> {
  // A correlation needs at least two pairs and gold scores that differ; 0 would pass for a result.
  if (pairs.length < 2) throw new PatmatchError('invalid_input', `STS evaluation needs at least 2 pairs, got ${pairs.length}`);
  if (pairs.every((p) => p.score === pairs[0]!.score)) {
    throw new PatmatchError('invalid_input', `STS evaluation: every gold score is ${pairs[0]!.score}, so no correlation can be measured`);
  }
  const lefts = await embedder.embed(pairs.map((p) => p.sentence1), { kind: 'query' });
  const rights = await embedder.embed(pairs.map((p) => p.sentence2), { kind: 'query' });
  const cosines = lefts.map((left, i) => {
    const right = rights[i]!;
    let s = 0;
    for (let k = 0; k < left.length; k++) s += left[k]! * right[k]!;
    return s;
  });
  const gold = pairs.map((p) => p.score);
  return { n: pairs.length, spearman: spearman(cosines, gold), pearson: pearson(cosines, gold) };
}
