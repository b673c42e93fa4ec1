import type { LexicalIndex } from '../../index/lexical/index.js';
import { TopK } from '../../index/top-k.js';

/**
 * The lexical index with its BM25 computed in memory by a `documentScorer` over all of `keys` (the
 * same scores, to 1e-9 relative, and the same order: best first, ties by ascending key). The bench
 * registers thousands of demands, each a paragraph-long keyword search that FTS5 answers in
 * hundreds of milliseconds over 100,000 patents; in memory it takes a few. Other calls go to the
 * index itself.
 *
 * @example
 * const lexical = await inMemoryLexical(components.lexical, store.ids());
 * await lexical.search('그래핀 전극', 'abstract', 1000); // as components.lexical.search
 */
export async function inMemoryLexical(lexical: LexicalIndex, keys: readonly number[]): Promise<LexicalIndex> {
  const scorer = await lexical.documentScorer(keys);
  const at = new Map(keys.map((key, i) => [key, i]));
  const overrides: Pick<LexicalIndex, 'search' | 'scoreKeys'> = {
    async search(query, field, k) {
      if (field === 'all') return lexical.search(query, field, k);
      const scores = await scorer.scores(query, field);
      const top = new TopK(k);
      for (let i = 0; i < scores.length; i++) if (scores[i]! > 0) top.push(keys[i]!, scores[i]!);
      return top.sorted();
    },
    async scoreKeys(query, field, wanted) {
      const scores = await scorer.scores(query, field);
      return new Map(wanted.map((key) => [key, scores[at.get(key) ?? -1] ?? 0]));
    },
  };
  return Object.assign(Object.create(lexical) as LexicalIndex, overrides);
}
