import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { PatmatchError } from '../../domain/errors.js';
import { migrate } from '../../store/schema.js';
import { createAnalyzer, type KoreanAnalyzer } from '../../text/index.js';
import type { Neighbor } from '../types.js';

export { normalizeByMax } from './scores.js';

/**
 * Which text a query is matched against; `title` covers the Korean and the English title.
 *
 * @example
 * await index.search('그래핀 전극', 'title' satisfies LexicalField, 10);
 */
export type LexicalField = 'title' | 'abstract' | 'all';

/**
 * A patent as the lexical index sees it; `key` is the patent's store id.
 *
 * @example
 * const doc: LexicalDocument = { key: 12, title: '그래핀 전극', titleEn: null, abstract: '본 발명은 …' };
 */
export interface LexicalDocument {
  key: number;
  title: string;
  titleEn: string | null;
  abstract: string;
}

/**
 * BM25 keyword index over patent titles and abstracts. Queries are analysed like the documents
 * (Korean morphemes, lowercased English) and match any of their terms (OR); BM25 ranks.
 *
 * @example
 * const index = await openLexicalIndex(join(home, 'lexical.db'));
 * await index.upsert([{ key: 1, title: '그래핀 전극의 제조방법', titleEn: 'GRAPHENE ELECTRODE', abstract: '본 발명은 …' }]);
 * await index.search('그래핀 전극 소재', 'abstract', 1000); // [{ key: 1, score: 2.7 }]
 * index.close();
 */
export interface LexicalIndex {
  /** Best first; score = BM25 relevance (higher is better). Ties by ascending key. */
  search(query: string, field: LexicalField, k: number): Promise<Neighbor[]>;
  /** BM25 of the given keys only (for stage-2 rescoring of candidates); keys without a match get 0. */
  scoreKeys(query: string, field: 'title' | 'abstract', keys: readonly number[]): Promise<Map<number, number>>;
  /** Adds or replaces documents by key, all in one transaction. */
  upsert(docs: readonly LexicalDocument[]): Promise<void>;
  /** The store revision the index reflects, so `index` can update incrementally; 0 when empty or reset. */
  readonly indexedRevision: number;
  /** Records the revision reached, and the store it was read from. */
  setIndexedRevision(revision: number, storeId?: string): void;
  /** The id of the store the documents came from (`PatentStore.storeId`); null when never recorded. */
  readonly indexedStore: string | null;
  /** Removes every document and starts over for the given store, at revision 0. */
  reset(storeId: string): void;
  count(): number;
  close(): void;
}

/**
 * BM25 column weights and query limits of a lexical index.
 *
 * @example
 * await openLexicalIndex(path, { analyzer: await createAnalyzer({ stemEnglishPlurals: false }), maxQueryTerms: 64 });
 */
export interface LexicalIndexOptions {
  /** Analyser for documents and queries; by default the shared ko-dic analyser with default options. */
  analyzer: KoreanAnalyzer;
  /** Column weights of BM25 (FTS5 `bm25()`); only the columns of the searched field count. */
  weights: { title: number; titleEn: number; abstract: number };
  /** Distinct query terms used at most, most frequent first; bounds the cost of paragraph-long queries. */
  maxQueryTerms: number;
}

/**
 * Equal column weights; up to 256 distinct query terms.
 *
 * @example
 * const weights = { ...DEFAULT_LEXICAL_INDEX_OPTIONS.weights, title: 2 };
 */
export const DEFAULT_LEXICAL_INDEX_OPTIONS: Omit<LexicalIndexOptions, 'analyzer'> = {
  weights: { title: 1, titleEn: 1, abstract: 1 },
  maxQueryTerms: 256,
};

const MIGRATIONS = [
  `CREATE VIRTUAL TABLE lexical_documents USING fts5(title, title_en, abstract, tokenize = 'unicode61 remove_diacritics 0');
   CREATE TABLE lexical_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;`,
];

/** FTS5 column filter of each field. */
const COLUMN_FILTER: Record<LexicalField, string> = {
  title: '{title title_en} : ',
  abstract: 'abstract : ',
  all: '',
};

/**
 * Opens (creating if needed) the lexical index stored in the SQLite file at `path`. Documents are
 * stored as space-joined analyser terms in an FTS5 table, so FTS5 tokens are exactly our terms.
 * An index built by a different analyser (other dictionary or options) is emptied and its revision
 * reset to 0, so the next `index` run re-adds every patent.
 *
 * @example
 * const index = await openLexicalIndex('.patmatch/lexical.db', { weights: { title: 2, titleEn: 1, abstract: 1 } });
 */
export async function openLexicalIndex(path: string, options: Partial<LexicalIndexOptions> = {}): Promise<LexicalIndex> {
  const settings = { ...DEFAULT_LEXICAL_INDEX_OPTIONS, ...options };
  const { weights, maxQueryTerms } = settings;
  for (const [column, weight] of Object.entries(weights)) {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new PatmatchError('invalid_input', `Lexical index option weights.${column}: ${weight} is not a number ≥ 0`);
    }
  }
  if (!Number.isInteger(maxQueryTerms) || maxQueryTerms < 1) {
    throw new PatmatchError('invalid_input', `Lexical index option maxQueryTerms: ${maxQueryTerms} is not an integer ≥ 1`);
  }
  const analyzer = settings.analyzer ?? (await createAnalyzer());
  const db = openDatabase(path);

  const readMeta = db.prepare<[string], { value: string }>('SELECT value FROM lexical_meta WHERE name = ?');
  const writeMeta = db.prepare<[string, string]>(
    'INSERT INTO lexical_meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value',
  );
  db.transaction(() => {
    if (readMeta.get('analyzer')?.value === analyzer.signature) return;
    db.exec('DELETE FROM lexical_documents');
    writeMeta.run('analyzer', analyzer.signature);
    writeMeta.run('indexed_revision', '0');
  })();
  let indexedRevision = Number(readMeta.get('indexed_revision')?.value ?? 0);
  let indexedStore = readMeta.get('store_id')?.value ?? null;

  const rank = `-bm25(lexical_documents, @title, @titleEn, @abstract)`;
  const searchAll = db.prepare<[Record<string, unknown>], Neighbor>(
    `SELECT rowid AS key, ${rank} AS score FROM lexical_documents WHERE lexical_documents MATCH @match
     ORDER BY score DESC, key ASC LIMIT @k`,
  );
  // `+rowid` keeps the key list out of FTS5's plan: as a rowid constraint FTS5 would rerun the whole
  // MATCH once per key (seconds for 1000 keys) instead of filtering one pass over the matches.
  const searchKeys = db.prepare<[Record<string, unknown>], Neighbor>(
    `SELECT rowid AS key, ${rank} AS score FROM lexical_documents WHERE lexical_documents MATCH @match
     AND +rowid IN (SELECT value FROM json_each(@keys))`,
  );
  const remove = db.prepare<[number]>('DELETE FROM lexical_documents WHERE rowid = ?');
  const insert = db.prepare<[number, string, string, string]>(
    'INSERT INTO lexical_documents (rowid, title, title_en, abstract) VALUES (?, ?, ?, ?)',
  );
  const countRows = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM lexical_documents');

  /** Bound parameters of a query, or undefined when it has no terms (only stopwords or symbols). */
  const queryParameters = (query: string, field: LexicalField): Record<string, unknown> | undefined => {
    if (typeof query !== 'string') throw new PatmatchError('invalid_input', 'Lexical search: query must be a string');
    if (!Object.hasOwn(COLUMN_FILTER, field)) {
      throw new PatmatchError('invalid_input', `Lexical search: field "${String(field)}" is not title, abstract or all`);
    }
    const terms = mostFrequent(analyzer.terms(query), maxQueryTerms);
    if (terms.length === 0) return undefined;
    const inField = (column: 'title' | 'abstract'): number => (field === 'all' || field === column ? 1 : 0);
    return {
      match: `${COLUMN_FILTER[field]}(${terms.map(quoteTerm).join(' OR ')})`,
      title: weights.title * inField('title'),
      titleEn: weights.titleEn * inField('title'),
      abstract: weights.abstract * inField('abstract'),
    };
  };

  return {
    async search(query, field, k) {
      if (!Number.isInteger(k) || k < 0) {
        throw new PatmatchError('invalid_input', `Lexical search: k = ${k} is not an integer ≥ 0`);
      }
      const parameters = queryParameters(query, field);
      return parameters && k > 0 ? searchAll.all({ ...parameters, k }) : [];
    },
    async scoreKeys(query, field, keys) {
      if (field !== 'title' && field !== 'abstract') {
        throw new PatmatchError('invalid_input', 'Lexical scoreKeys: field must be title or abstract');
      }
      keys.forEach((key, at) => assertKey(key, `Lexical scoreKeys: keys[${at}]`));
      const scores = new Map(keys.map((key) => [key, 0]));
      const parameters = queryParameters(query, field);
      if (parameters && keys.length > 0) {
        for (const { key, score } of searchKeys.all({ ...parameters, keys: JSON.stringify(keys) })) scores.set(key, score);
      }
      return scores;
    },
    async upsert(docs) {
      docs.forEach(assertDocument);
      const rows = docs.map((doc) => ({
        key: doc.key,
        title: analyzer.terms(doc.title).join(' '),
        titleEn: analyzer.terms(doc.titleEn ?? '').join(' '),
        abstract: analyzer.terms(doc.abstract).join(' '),
      }));
      db.transaction(() => {
        for (const row of rows) {
          remove.run(row.key);
          insert.run(row.key, row.title, row.titleEn, row.abstract);
        }
      })();
    },
    get indexedRevision() {
      return indexedRevision;
    },
    setIndexedRevision(revision, storeId) {
      if (!Number.isSafeInteger(revision) || revision < 0) {
        throw new PatmatchError('invalid_input', `Lexical index revision ${revision} is not an integer ≥ 0`);
      }
      writeMeta.run('indexed_revision', String(revision));
      indexedRevision = revision;
      if (storeId !== undefined) writeMeta.run('store_id', (indexedStore = storeId));
    },
    get indexedStore() {
      return indexedStore;
    },
    reset(storeId) {
      db.transaction(() => {
        db.exec('DELETE FROM lexical_documents');
        writeMeta.run('indexed_revision', '0');
        writeMeta.run('store_id', storeId);
      }).immediate();
      [indexedRevision, indexedStore] = [0, storeId];
    },
    count: () => countRows.get()!.n,
    close: () => db.close(),
  };
}

function openDatabase(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    migrate(db, 'lexical', MIGRATIONS);
    return db;
  } catch (error) {
    db?.close();
    const reason = error instanceof Error ? error.message : String(error);
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new PatmatchError('not_ready', `${path} is busy: another process (a \`patmatch index\`?) has been writing it for over 5 s; try again when it is done`);
    }
    throw new PatmatchError('not_ready', `${path} is not a usable lexical index (${reason}); delete it and run the index again`);
  }
}

/** An FTS5 string literal: the whole term is one token sequence, whatever characters it holds. */
function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** Distinct terms, most frequent first (first occurrence breaks ties), at most `limit`. */
function mostFrequent(terms: readonly string[], limit: number): string[] {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!).slice(0, limit);
}

function assertKey(key: unknown, where: string): asserts key is number {
  if (!Number.isSafeInteger(key)) throw new PatmatchError('invalid_input', `${where}: key ${String(key)} is not an integer`);
}

function assertDocument(doc: LexicalDocument, at: number): void {
  const where = `Lexical upsert docs[${at}]`;
  assertKey(doc?.key, where);
  for (const field of ['title', 'abstract'] as const) {
    if (typeof doc[field] !== 'string') {
      throw new PatmatchError('invalid_input', `${where} (key ${doc.key}): ${field} must be a string`);
    }
  }
  if (doc.titleEn !== null && typeof doc.titleEn !== 'string') {
    throw new PatmatchError('invalid_input', `${where} (key ${doc.key}): titleEn must be a string or null`);
  }
}
