import type { SearchFilters } from '../../domain/index.js';
import type { DocumentScorer, LexicalIndex } from '../../index/lexical/index.js';
import type { VectorTable } from '../../index/table/index.js';
import type { PatentStore } from '../../store/index.js';
import type { DenseSide } from '../../search/rank.js';
import type { PatentSignals } from './score.js';

/**
 * BM25 of the candidates only, on the index's scale (`documentScorer`: in memory over just these
 * documents, equal to `scoreKeys`); documents without a match are absent.
 *
 * @example
 * const scorer = await candidateLexicalScorer(lexical, keys);
 * await scorer.score('그래핀 전극', 'abstract') // Map { 7 => 8.1 }
 */
export function candidateLexicalScorer(lexical: LexicalIndex, keys: readonly number[]): Promise<DocumentScorer> {
  return lexical.documentScorer(keys);
}

/**
 * The patents one watched revision's demands are compared with: those indexed after it, up to the
 * target revision, with their vectors copied into memory and a BM25 scorer over just them.
 *
 * @example
 * const batch = await CandidateBatch.open(store, lexical, dense, 2200, 2308);
 * await batch.signals(demand.vector, lexicalQuery, null, true);
 */
export class CandidateBatch {
  readonly #filtered = new Map<string, Set<number> | null>();

  private constructor(
    private readonly store: PatentStore,
    /** Store ids, in the vector tables' row order when there are tables. */
    readonly keys: readonly number[],
    private readonly numbers: ReadonlyMap<number, string>,
    private readonly tables: { titles: VectorTable; abstracts: VectorTable } | null,
    private readonly lexical: DocumentScorer,
  ) {}

  /** The patents with a revision in (`after`, `upTo`]. */
  static async open(store: PatentStore, lexical: LexicalIndex, dense: DenseSide | null, after: number, upTo: number): Promise<CandidateBatch> {
    const numbers = new Map<number, string>();
    outer: for (const batch of store.iterate({ afterRevision: after, batchSize: 2000 })) {
      for (const patent of batch) {
        if (patent.revision > upTo) break outer;
        numbers.set(patent.id, patent.applicationNumber);
      }
    }
    const found = [...numbers.keys()];
    const tables = dense ? alignedTables(dense, found) : null;
    const keys = tables ? tables.titles.keys() : found;
    return new CandidateBatch(store, keys, numbers, tables, await candidateLexicalScorer(lexical, keys));
  }

  /** The application number of a candidate. */
  numberOf(key: number): string {
    return this.numbers.get(key)!;
  }

  /** The candidates a demand's filters allow (all without filters); the store is asked once per distinct filter set. */
  allowed(filters: SearchFilters | null): ReadonlySet<number> | null {
    if (!filters || Object.keys(filters).length === 0) return null;
    const id = JSON.stringify(Object.entries(filters).sort());
    if (!this.#filtered.has(id)) {
      const ids = this.store.filterIds(filters);
      this.#filtered.set(id, ids && new Set(this.keys.filter((key) => ids.has(key))));
    }
    return this.#filtered.get(id)!;
  }

  /**
   * Every candidate's signals against one demand: cosines when `vector` is given, BM25 when
   * `lexicalQuery` is. With `keywordsFrom`, keywords are scored only when some candidate's seed
   * score (mean of its cosines) exceeds it: below, not even a perfect keyword score would let it in.
   */
  async signals(vector: Float32Array | null, lexicalQuery: string | null, keywordsFrom = Number.NEGATIVE_INFINITY): Promise<PatentSignals[]> {
    const abstractCosines = vector && this.tables ? this.tables.abstracts.scoreAll(vector) : null;
    const titleCosines = vector && this.tables ? this.tables.titles.scoreAll(vector) : null;
    const keywords = lexicalQuery !== null && this.keys.some((_, i) => ((abstractCosines?.[i] ?? 0) + (titleCosines?.[i] ?? 0)) / 2 > keywordsFrom);
    const abstractBm25 = keywords ? await this.lexical.score(lexicalQuery, 'abstract') : null;
    const titleBm25 = keywords ? await this.lexical.score(lexicalQuery, 'title') : null;
    return this.keys.map((key, i) => ({
      key,
      abstractCosine: abstractCosines?.[i] ?? 0,
      titleCosine: titleCosines?.[i] ?? 0,
      abstractBm25: abstractBm25?.get(key) ?? 0,
      titleBm25: titleBm25?.get(key) ?? 0,
    }));
  }
}

/** Both tables of `keys`, row for row: a patent missing from either (none when the indexes are complete) is left out of both. */
function alignedTables(dense: DenseSide, keys: readonly number[]): { titles: VectorTable; abstracts: VectorTable } {
  const tables = dense.vectors.select(keys);
  const titleKeys = tables.titles.keys();
  const abstractKeys = tables.abstracts.keys();
  if (titleKeys.length === abstractKeys.length && titleKeys.every((key, i) => abstractKeys[i] === key)) return tables;
  const both = new Set(abstractKeys);
  return dense.vectors.select(titleKeys.filter((key) => both.has(key)));
}
