import type { SearchFilters, SearchMode } from '../../domain/index.js';
import type { DocumentScorer, LexicalIndex } from '../../index/lexical/index.js';
import type { VectorTable } from '../../index/table/index.js';
import type { PatentStore, StoredPatent } from '../../store/index.js';
import type { DenseSide } from '../../search/rank.js';
import type { HybridOptions } from '../../search/fusion.js';
import { couldEnter, scoreOf, UNKNOWN_BM25, type LexicalMaxima, type PatentSignals } from './score.js';

/**
 * What of a demand picks its contenders: its mode, its query vector (null without one), its query
 * as keyword search takes it and its BM25 maxima (null when the mode uses no keywords).
 */
export interface ContenderQuery {
  mode: SearchMode;
  vector: Float32Array | null;
  lexicalQuery: string | null;
  maxima: LexicalMaxima | null;
}

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
 * await batch.contenders({ mode: 'hybrid', vector, lexicalQuery, maxima }, 0.71, hybrid, () => true);
 */
export class CandidateBatch {
  readonly #filtered = new Map<string, Set<number> | null>();
  /** Scores of one demand against every candidate, reused from demand to demand (`contenders` copies what it returns). */
  readonly #buffers: { abstractCosines: Float32Array; titleCosines: Float32Array; abstractBm25: Float64Array; titleBm25: Float64Array };

  private constructor(
    private readonly store: PatentStore,
    /** Store ids, in the vector tables' row order when there are tables. */
    readonly keys: readonly number[],
    private readonly patents: ReadonlyMap<number, StoredPatent>,
    private readonly tables: { titles: VectorTable; abstracts: VectorTable } | null,
    private readonly lexical: DocumentScorer,
  ) {
    const rows = keys.length;
    this.#buffers = { abstractCosines: new Float32Array(rows), titleCosines: new Float32Array(rows), abstractBm25: new Float64Array(rows), titleBm25: new Float64Array(rows) };
  }

  /** The patents with a revision in (`after`, `upTo`]. */
  static async open(store: PatentStore, lexical: LexicalIndex, dense: DenseSide | null, after: number, upTo: number): Promise<CandidateBatch> {
    const patents = new Map<number, StoredPatent>();
    outer: for (const batch of store.iterate({ afterRevision: after, batchSize: 2000 })) {
      for (const patent of batch) {
        if (patent.revision > upTo) break outer;
        patents.set(patent.id, patent);
      }
    }
    const found = [...patents.keys()];
    const tables = dense ? alignedTables(dense, found) : null;
    const keys = tables ? tables.titles.keys() : found;
    return new CandidateBatch(store, keys, patents, tables, await candidateLexicalScorer(lexical, keys));
  }

  /** The application number of a candidate. */
  numberOf(key: number): string {
    return this.patents.get(key)!.applicationNumber;
  }

  /** A candidate as the batch read it (the demands it enters are explained and mailed with it). */
  patent(key: number): StoredPatent {
    return this.patents.get(key)!;
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
   * The candidates that could enter a demand's top N, with their signals. Cosines are computed for
   * all candidates at once when `vector` is given, then BM25 when `lexicalQuery` is, one field at
   * a time; before each step, candidates whose best possible score (`scoreOf` with the BM25 not
   * computed yet at its best) cannot beat `cutoff`, and those `eligible` rejects, are left out,
   * and a step nobody is left for is skipped.
   */
  async contenders(demand: ContenderQuery, cutoff: number, hybrid: HybridOptions, eligible: (key: number) => boolean): Promise<PatentSignals[]> {
    if (!couldEnter(Number.POSITIVE_INFINITY, cutoff)) return [];
    const { mode, vector, lexicalQuery, maxima } = demand;
    const buffers = this.#buffers;
    const withVector = vector !== null && this.tables !== null;
    const abstractCosines = withVector ? this.tables!.abstracts.scoreAll(vector!, buffers.abstractCosines) : buffers.abstractCosines.fill(0);
    const titleCosines = withVector ? this.tables!.titles.scoreAll(vector!, buffers.titleCosines) : buffers.titleCosines.fill(0);
    // Not computed yet: at their best while they may be, 0 when the mode has no keywords.
    const abstractBm25 = buffers.abstractBm25.fill(lexicalQuery !== null ? UNKNOWN_BM25 : 0);
    const titleBm25 = buffers.titleBm25.fill(lexicalQuery !== null ? UNKNOWN_BM25 : 0);
    const probe = { abstractCosine: 0, titleCosine: 0, abstractBm25: 0, titleBm25: 0 };
    const bounded = (i: number): boolean => {
      probe.abstractCosine = abstractCosines[i]!;
      probe.titleCosine = titleCosines[i]!;
      probe.abstractBm25 = abstractBm25[i]!;
      probe.titleBm25 = titleBm25[i]!;
      return couldEnter(scoreOf(mode, probe, maxima, hybrid) ?? Number.NEGATIVE_INFINITY, cutoff);
    };
    let rows: number[] = [];
    for (let i = 0; i < this.keys.length; i++) if (bounded(i) && eligible(this.keys[i]!)) rows.push(i);
    if (rows.length === 0 || lexicalQuery === null) return this.#signals(rows, false);
    await this.lexical.scores(lexicalQuery, 'abstract', abstractBm25);
    rows = rows.filter(bounded);
    // A title's keywords count only for a patent with some in its abstract.
    const titled = rows.some((i) => abstractBm25[i]! > 0);
    if (titled) await this.lexical.scores(lexicalQuery, 'title', titleBm25);
    return this.#signals(rows, titled);
  }

  /** The signals of `rows` from the buffers (the title BM25 only when `titled`: it was computed). */
  #signals(rows: readonly number[], titled: boolean): PatentSignals[] {
    const { abstractCosines, titleCosines, abstractBm25, titleBm25 } = this.#buffers;
    return rows.map((i) => ({
      key: this.keys[i]!,
      abstractCosine: abstractCosines[i]!,
      titleCosine: titleCosines[i]!,
      abstractBm25: abstractBm25[i]!,
      titleBm25: titled ? titleBm25[i]! : 0,
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
