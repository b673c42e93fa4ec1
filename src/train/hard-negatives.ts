/** Options of `mineHardNegatives`. */
export interface HardNegativeOptions {
  /** Candidates kept per query, best BM25 first (default 5). */
  depth: number;
  /** BM25 term-frequency saturation (default 1.2). */
  k1: number;
  /** BM25 length normalisation (default 0.75). */
  b: number;
  /** Documents that must not be a query's negative: its own, and any that may well be relevant. */
  exclude: (query: number, doc: number) => boolean;
}

const defaults: Omit<HardNegativeOptions, 'exclude'> = { depth: 5, k1: 1.2, b: 0.75 };

/**
 * BM25-mined hard negatives: for each query (token ids), the `depth` documents that BM25 ranks
 * highest among those `exclude` allows. They share the query's words but are not its match, which
 * in-batch negatives (random patents) rarely do, so the model learns what words alone do not tell.
 *
 * @example
 * const negatives = mineHardNegatives(titleIds, abstractIds, { exclude: (q, d) => q === d });
 * negatives[0]; // e.g. [17, 4, 230]: abstracts that look like title 0's but are not its own
 */
export function mineHardNegatives(
  queries: readonly (readonly number[])[],
  docs: readonly (readonly number[])[],
  options: Partial<HardNegativeOptions> & Pick<HardNegativeOptions, 'exclude'>,
): number[][] {
  const { depth, k1, b, exclude } = { ...defaults, ...options };
  const postings = new Map<number, { doc: number; tf: number }[]>();
  let totalLength = 0;
  docs.forEach((ids, doc) => {
    totalLength += ids.length;
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, tf] of counts) {
      let list = postings.get(id);
      if (!list) postings.set(id, (list = []));
      list.push({ doc, tf });
    }
  });
  const averageLength = totalLength / Math.max(1, docs.length);
  const lengthNorm = docs.map((ids) => k1 * (1 - b + (b * ids.length) / averageLength));
  const scores = new Float64Array(docs.length);
  return queries.map((query, q) => {
    scores.fill(0);
    const touched = new Set<number>();
    for (const id of new Set(query)) {
      const list = postings.get(id);
      if (!list) continue;
      const idf = Math.log(1 + (docs.length - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list) {
        scores[doc]! += (idf * tf * (k1 + 1)) / (tf + lengthNorm[doc]!);
        touched.add(doc);
      }
    }
    return [...touched]
      .filter((doc) => !exclude(q, doc))
      .sort((x, y) => scores[y]! - scores[x]! || x - y)
      .slice(0, depth);
  });
}
