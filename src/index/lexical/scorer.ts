import type Database from 'better-sqlite3';
import { PatmatchError } from '../../domain/errors.js';
import { createTokenizer } from './tokens.js';

/**
 * BM25 of many queries against a fixed set of documents, in memory (see `LexicalIndex.documentScorer`).
 *
 * @example
 * const scorer = await index.documentScorer(newKeys);
 * for (const demand of demands) await scorer.score(demand.text, 'abstract'); // Map { 17 => 8.4, … }
 */
export interface DocumentScorer {
  /**
   * Raw BM25 per document that matches (documents without a match are absent); equal (to 1e-9
   * relative) to `scoreKeys(query, field, keys)` for the same index.
   */
  score(query: string, field: 'title' | 'abstract'): Promise<Map<number, number>>;
}

/** bm25()'s column weights, in column order: title, title_en, abstract. */
export type ColumnWeights = readonly [number, number, number];

/**
 * What the scorer needs of its index: the database, and the index's own query parsing, so that
 * both search for the same terms with the same weights.
 *
 * @example
 * const queryTerms = (query: string) => mostFrequent(analyzer.terms(query), 256);
 * const source: ScorerSource = { db, queryTerms, weights: () => [1, 1, 0], match: (field, terms) => '…' };
 */
export interface ScorerSource {
  db: Database.Database;
  /** The distinct terms the index searches a query for, in its order; none for a query without terms. */
  queryTerms(query: string): string[];
  /** bm25()'s column weights of a field. */
  weights(field: 'title' | 'abstract'): ColumnWeights;
  /** The FTS5 MATCH expression of terms in a field, as the index writes it. */
  match(field: 'title' | 'abstract', terms: readonly string[]): string;
}

/** FTS5's bm25() constants (fts5_aux.c). */
const K1 = 1.2;
const B = 0.75;
/** FTS5's floor of an idf, which would be ≤ 0 for a term in half the documents or more. */
const MIN_IDF = 1e-6;
/** Columns of the FTS5 table in order, and those each field's column filter names. */
const COLUMNS = ['title', 'title_en', 'abstract'] as const;
const FIELD_COLUMNS = { title: [0, 1], abstract: [2] } as const;
/** Rowid of FTS5's averages record in `<table>_data`: the row count, then each column's token total. */
const AVERAGES_ROWID = 1;

/**
 * Builds the `DocumentScorer` of the documents `keys` of the index over `source.db` (the
 * `lexical_documents` FTS5 table); keys not in the index are left out. Scores are FTS5's
 * `bm25()`: per phrase (query term) idf = ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6, where
 * N is the index's row count and n the rows holding the phrase in the field's columns; frequency
 * f = Σ weight × occurrences over the columns; document length D = tokens of all columns,
 * whatever the field, against their average over the index; score = Σ idf·f·(k1+1) / (f +
 * k1·(1 − b + b·D/avgdl)), summed in the query's term order as FTS5 does. N and the token totals
 * are read once from FTS5's averages record; a phrase's n, and what it adds to each document's
 * score, once per field when a document holds it, so that a query costs one addition per document
 * and phrase it holds, and the Map it returns. Upserts after the scorer was built are not seen.
 *
 * @example
 * const scorer = await createDocumentScorer(source, [3, 17, 42]);
 * await scorer.score('그래핀 전극', 'title'); // Map { 17 => 4.1 }
 */
export async function createDocumentScorer(source: ScorerSource, keys: readonly number[]): Promise<DocumentScorer> {
  const { db } = source;
  const tokenizer = createTokenizer(db);
  const totals = readTotals(db);
  const rows = db
    .prepare<[string], [number, string, string, string]>(
      `SELECT rowid, title, title_en, abstract FROM lexical_documents WHERE rowid IN (SELECT value FROM json_each(?))`,
    )
    .raw()
    .all(JSON.stringify([...new Set(keys)]));
  const words = rows.map(([, ...columns]) => columns.map((text) => (text ?? '').split(' ')));
  tokenizer.learn(words.flat(2));
  const documents = words.map((columns) => columns.map((column) => column.flatMap((word) => tokenizer.tokens(word))));
  // k1·(1 − b + b·D/avgdl) of each document, D its tokens in all columns, as fts5_aux.c computes it.
  const norms = Float64Array.from(documents, (columns) => {
    const length = columns.reduce((sum, tokens) => sum + tokens.length, 0);
    return K1 * (1 - B + (B * length) / totals.averageLength);
  });
  const postings = postingsOf(documents);
  const documentFrequency = documentFrequencies(source);

  /** Per field and phrase (its tokens space-joined), what it adds to the score of each document holding it. */
  const cache = { title: new Map<string, Contributions>(), abstract: new Map<string, Contributions>() };
  const contributions = (term: string, field: 'title' | 'abstract'): Contributions => {
    const tokens = tokenizer.tokens(term);
    const phrase = tokens.join(' ');
    let found = cache[field].get(phrase);
    if (!found) {
      const weights = source.weights(field);
      const columns = FIELD_COLUMNS[field];
      const docs: number[] = [];
      const parts: number[] = [];
      forEachOccurrence(tokens, columns, postings, documents, (doc, counts) => {
        let frequency = 0;
        for (const column of columns) frequency += weights[column] * counts[column]!;
        docs.push(doc);
        parts.push((frequency * (K1 + 1.0)) / (frequency + norms[doc]!));
      });
      const idf = docs.length > 0 ? idfOf(documentFrequency(term, tokens, field), totals.rows) : 0;
      found = { docs: Int32Array.from(docs), parts: Float64Array.from(parts, (part) => idf * part) };
      cache[field].set(phrase, found);
    }
    return found;
  };

  const scores = new Float64Array(rows.length);
  const matched = new Uint8Array(rows.length);
  return {
    async score(query, field) {
      if (field !== 'title' && field !== 'abstract') {
        throw new PatmatchError('invalid_input', `Lexical documentScorer: field "${String(field)}" is not title or abstract`);
      }
      const touched: number[] = [];
      // Phrase by phrase in the query's order, as fts5_aux.c sums them, so the sums round alike.
      for (const term of source.queryTerms(query)) {
        const { docs, parts } = contributions(term, field);
        for (let at = 0; at < docs.length; at++) {
          const doc = docs[at]!;
          scores[doc]! += parts[at]!;
          if (matched[doc] === 0) (matched[doc] = 1), touched.push(doc);
        }
      }
      const result = new Map<number, number>();
      for (const doc of touched) {
        result.set(rows[doc]![0], scores[doc]!);
        scores[doc] = 0;
        matched[doc] = 0;
      }
      return result;
    },
  };
}

/** FTS5's idf of a phrase in `n` of `rows` documents, floored at 1e-6. */
function idfOf(n: number, rows: number): number {
  const idf = Math.log((rows - n + 0.5) / (n + 0.5));
  return idf <= 0 ? MIN_IDF : idf;
}

/** The documents holding a phrase in a field, and idf · f(k1+1) / (f + k1(1 − b + b·D/avgdl)) of each. */
interface Contributions {
  docs: Int32Array;
  parts: Float64Array;
}

/** Occurrences of each token per document: token → [doc, title count, title_en count, abstract count, doc, …]. */
function postingsOf(documents: readonly string[][][]): Map<string, number[]> {
  const postings = new Map<string, number[]>();
  documents.forEach((columns, doc) =>
    columns.forEach((tokens, column) => {
      for (const token of tokens) {
        let list = postings.get(token);
        if (!list) postings.set(token, (list = []));
        if (list[list.length - 4] !== doc) list.push(doc, 0, 0, 0);
        list[list.length - 3 + column]!++;
      }
    }),
  );
  return postings;
}

/**
 * Calls `found` for each document holding the phrase `tokens` in one of `columns`, with its
 * occurrences per column (all columns; those outside `columns` are not counted). Occurrences of a
 * phrase of several tokens are its consecutive runs, overlapping ones too, as FTS5 counts them.
 */
function forEachOccurrence(
  tokens: readonly string[],
  columns: readonly number[],
  postings: ReadonlyMap<string, readonly number[]>,
  documents: readonly string[][][],
  found: (doc: number, counts: readonly number[]) => void,
): void {
  const list = tokens.length > 0 ? postings.get(tokens[0]!) : undefined;
  if (!list) return;
  const counts = [0, 0, 0];
  for (let at = 0; at < list.length; at += 4) {
    const doc = list[at]!;
    let any = false;
    for (const column of columns) {
      counts[column] = tokens.length === 1 ? list[at + 1 + column]! : runs(documents[doc]![column]!, tokens);
      any ||= counts[column]! > 0;
    }
    if (any) found(doc, counts);
  }
}

/** How many times `phrase` occurs in `tokens` as consecutive tokens. */
function runs(tokens: readonly string[], phrase: readonly string[]): number {
  let count = 0;
  for (let start = 0; start + phrase.length <= tokens.length; start++) {
    if (phrase.every((token, at) => tokens[start + at] === token)) count++;
  }
  return count;
}

/**
 * How many documents of the index hold a phrase in a field's columns, as FTS5's bm25() counts
 * them (`xQueryPhrase` keeps the phrase's column filter). A one-token phrase is looked up in a
 * `col` fts5vocab table: a column's count, or the title's and English title's summed when only one
 * of them holds the token; otherwise (a token in both, or several tokens) FTS5 counts the matches.
 */
function documentFrequencies(source: ScorerSource): (term: string, tokens: readonly string[], field: 'title' | 'abstract') => number {
  const { db } = source;
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_scorer_columns USING fts5vocab(main, lexical_documents, col)`);
  const perColumn = db.prepare<[string], [string, number]>('SELECT col, doc FROM temp.lexical_scorer_columns WHERE term = ?').raw();
  const countMatches = db.prepare<[string], number>('SELECT count(*) FROM lexical_documents WHERE lexical_documents MATCH ?').pluck();
  return (term, tokens, field) => {
    if (tokens.length === 1) {
      const counts = new Map(perColumn.all(tokens[0]!));
      const inField = FIELD_COLUMNS[field].map((column) => counts.get(COLUMNS[column]) ?? 0);
      if (inField.filter((count) => count > 0).length <= 1) return inField.reduce((sum, count) => sum + count, 0);
    }
    return countMatches.get(source.match(field, [term]))!;
  };
}

/** The index's row count and average document length (tokens of all columns), from FTS5's averages record. */
function readTotals(db: Database.Database): { rows: number; averageLength: number } {
  const record = db.prepare<[number], Buffer>('SELECT block FROM lexical_documents_data WHERE id = ?').pluck().get(AVERAGES_ROWID);
  if (!record) return { rows: 0, averageLength: 0 };
  let at = 0;
  const values: number[] = [];
  while (at < record.length) {
    const [value, next] = readVarint(record, at);
    values.push(value);
    at = next;
  }
  const [rows = 0, ...columnTokens] = values;
  if (columnTokens.length !== COLUMNS.length) {
    throw new Error(`lexical_documents_data: the averages record holds ${columnTokens.length} column totals, not ${COLUMNS.length}`);
  }
  return { rows, averageLength: columnTokens.reduce((sum, tokens) => sum + tokens, 0) / rows };
}

/** SQLite's varint (as FTS5 writes it): big-endian 7-bit groups, a ninth byte of 8 bits. */
function readVarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = bytes[at + i]!;
    value = value * 128 + (byte & 0x7f);
    if (byte < 0x80) return [value, at + i + 1];
  }
  return [value * 256 + bytes[at + 8]!, at + 9];
}
