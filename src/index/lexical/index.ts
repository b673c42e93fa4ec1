import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PatmatchError } from '../../domain/errors.js';
import { migrate, schemaVersion } from '../../store/schema.js';
import { createAnalyzer, type KoreanAnalyzer } from '../../text/index.js';
import type { Neighbor } from '../types.js';
import { createDocumentScorer, type ColumnWeights, type DocumentScorer } from './scorer.js';
import { LEXICAL_TOKENIZER } from './tokens.js';

export { normalizeByMax } from './scores.js';
export type { DocumentScorer } from './scorer.js';

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
  /**
   * Loads documents `keys` (their terms per column and lengths) with the index's collection statistics (document
   * count, average length, per-term document frequencies fetched on demand and cached), to score many queries
   * against just these documents in memory, as `scoreKeys` would; keys not in the index are left out.
   */
  documentScorer(keys: readonly number[]): Promise<DocumentScorer>;
  /** Adds or replaces documents by key, all in one transaction. */
  upsert(docs: readonly LexicalDocument[]): Promise<void>;
  /** The store revision the index reflects, so `index` can update incrementally; 0 when new. */
  readonly indexedRevision: number;
  /** Records the revision reached, and the store it was read from. */
  setIndexedRevision(revision: number, storeId?: string): void;
  /** The id of the store the documents came from (`PatentStore.storeId`); null when never recorded. */
  readonly indexedStore: string | null;
  count(): number;
  /** The analyser that makes the index's terms; explanations find a demand's terms in patents with it. */
  readonly analyzer: KoreanAnalyzer;
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
  `CREATE VIRTUAL TABLE lexical_documents USING fts5(title, title_en, abstract, tokenize = '${LEXICAL_TOKENIZER}');
   CREATE TABLE lexical_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;`,
];

/** Records a build id unless the index has one. */
const INSERT_BUILD_ID = `INSERT INTO lexical_meta (name, value) VALUES ('build_id', ?) ON CONFLICT(name) DO NOTHING`;

/** FTS5 column filter of each field. */
const COLUMN_FILTER: Record<LexicalField, string> = {
  title: '{title title_en} : ',
  abstract: 'abstract : ',
  all: '',
};

/**
 * Opens the lexical index stored in the SQLite file at `path`, creating it when there is none. A
 * link at `path`, as `patmatch index` makes (`updateLexicalIndex`), is followed to its generation
 * file; one to no generation of the index is refused with `not_ready`. Documents are stored as
 * space-joined analyser terms in an FTS5 table, so FTS5 tokens are exactly our terms. Opening never
 * changes an existing index's documents: one built by another analyser (other dictionary or
 * options) or schema, or a file that is no index, is refused with `not_ready`, and `patmatch index`
 * (`updateLexicalIndex`) rebuilds it aside.
 *
 * @example
 * const index = await openLexicalIndex('.patmatch/lexical.db', { weights: { title: 2, titleEn: 1, abstract: 1 } });
 */
export async function openLexicalIndex(path: string, options: Partial<LexicalIndexOptions> = {}): Promise<LexicalIndex> {
  const settings = await resolveOptions(options);
  const opened = openDatabase(path, 'shared', settings.analyzer);
  if ('stale' in opened) {
    throw new PatmatchError('not_ready', `${path} cannot be searched: ${opened.stale}; run \`patmatch index\` to rebuild it`);
  }
  return indexOver(opened.db, settings);
}

/**
 * How `updateLexicalIndex` chooses between updating an index in place and rebuilding it.
 *
 * @example
 * const options: Partial<LexicalUpdateOptions> = { full: false, keep: (index) => index.indexedStore === store.storeId || 'it was built from another store' };
 */
export interface LexicalUpdateOptions {
  /** Rebuild even when the index could be updated in place (`index --full`). */
  full: boolean;
  /**
   * Whether an index that opened fine may be updated in place: true, or false or why not (said of
   * the file, as in `it was built from another store`), which rebuilds it.
   */
  keep(index: LexicalIndex): boolean | string;
  /** How long to wait for another process updating the same index before giving up. */
  lockTimeoutMs: number;
  /** The caller holds `lockIndexUpdate(path)` already (`buildIndexes` holds it while it writes the vectors too). */
  locked: boolean;
  /** Options of the index, the analyser above all. */
  index: Partial<LexicalIndexOptions>;
}

const DEFAULT_UPDATE_OPTIONS: LexicalUpdateOptions = { full: false, keep: () => true, lockTimeoutMs: 5000, locked: false, index: {} };

/** SQLite's files beside a database, named after its path. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/** errno of symlink(2) on a file system without symbolic links. */
const NO_SYMLINKS: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Runs `work` on the lexical index at `path` for `patmatch index`. A current index is updated in
 * place, so searches see each batch as it commits; it keeps its build id (`readLexicalBuildId`), or
 * gets one if it is from before build ids. Otherwise (`full`, `keep` says no, or there is no index,
 * a link to no index file, a file that is no index, or one built by another analyser or schema)
 * `work` fills a new index in a generation file of its own beside `path`, `<name>.<build id>.db`,
 * and is told why (`why`). Only when `work` resolved does `path` become a symbolic link to it, and
 * the generation it replaces is deleted: readers never see a partial index, those that had the old
 * file open keep searching it whole until they close it, and a failed or killed rebuild leaves the
 * old index as it was. A regular file at `path` (an index from before generation files) is updated
 * in place the same way, and replaced by the link at its first rebuild. One update of an index runs
 * at a time (a lock held on `<path>.lock`, released by the system when the process dies); under the
 * lock, what killed runs left (generation files the link does not name, a `.next` link, a
 * `.building` file) is deleted, never used.
 *
 * @example
 * await updateLexicalIndex('.patmatch/lexical.db', async (index, rebuilding, why) => {
 *   await index.upsert(docs);
 *   index.setIndexedRevision(42, store.storeId);
 * }, { full: true }); // lexical.db -> lexical.5d0c1a2e-….db
 */
export async function updateLexicalIndex<T>(
  path: string,
  work: (index: LexicalIndex, rebuilding: boolean, why: string | null) => Promise<T>,
  options: Partial<LexicalUpdateOptions> = {},
): Promise<T> {
  const settings = { ...DEFAULT_UPDATE_OPTIONS, ...options };
  const indexSettings = await resolveOptions(settings.index);
  const lock = settings.locked ? { release() {} } : lockIndexUpdate(path, settings.lockTimeoutMs);
  try {
    const entry = locateIndex(path);
    removeLeftovers(path, entry);
    let why: string;
    if (settings.full) why = 'a full rebuild was asked for';
    else if (entry.kind === 'missing') why = `${path}: there is no index yet`;
    else if (entry.kind === 'broken') why = `${path}: ${entry.reason}`;
    else {
      const current = openDatabase(path, 'shared', indexSettings.analyzer);
      if ('stale' in current) why = `${path}: ${current.stale}`;
      else {
        const index = indexOver(current.db, indexSettings);
        try {
          const kept = settings.keep(index);
          if (kept === true) {
            // An index from before build ids gets one, so that serve stops following its inode.
            current.db.prepare(INSERT_BUILD_ID).run(randomUUID());
            return await work(index, false, null);
          }
          why = `${path}: ${kept || 'it was not to be kept'}`;
        } finally {
          index.close();
        }
      }
    }
    return await rebuildAside(path, entry, why, indexSettings, work);
  } finally {
    lock.release();
  }
}

async function rebuildAside<T>(
  path: string,
  previous: IndexEntry,
  why: string,
  settings: LexicalIndexOptions,
  work: (index: LexicalIndex, rebuilding: boolean, why: string | null) => Promise<T>,
): Promise<T> {
  const buildId = randomUUID();
  const file = generationPath(path, buildId);
  const opened = openDatabase(file, 'private', settings.analyzer, buildId);
  if ('stale' in opened) throw new Error(`${file}: a new lexical index came out stale (${opened.stale})`);
  const index = indexOver(opened.db, settings);
  let result: T;
  try {
    result = await work(index, true, why);
    // Readers open it in WAL mode as it is, and closing the only connection removes its -wal and -shm.
    opened.db.pragma('journal_mode = WAL');
    index.close();
    const left = SIDE_FILES.map((suffix) => `${file}${suffix}`).find((side) => existsSync(side));
    if (left) throw new Error(`${left} remained after the new lexical index was closed; it was not swapped in`);
    syncPath(file);
  } catch (error) {
    index.close();
    removeDatabase(file);
    throw error;
  }
  swapIn(file, path, previous);
  return result;
}

/**
 * Makes `path` a symbolic link to the closed, self-contained generation file `file` (a new link
 * renamed over it) and deletes what it replaces. SQLite resolves the link when it opens the index
 * and names the -wal and -shm after the file it found, so each generation has its own: a process
 * that opened the old file, even one that resolved the link just before it moved, never takes the
 * new file's log or shared memory for its own, and no side file of the index in use is deleted.
 * Connections still open on the old file keep reading it through their open files, which outlive
 * their names.
 */
function swapIn(file: string, path: string, previous: IndexEntry): void {
  if (previous.kind === 'file') {
    // The regular file's -wal and -shm are named after `path`; openers of the link use the
    // generation's, so only the old file's connections use them. They go before the link moves:
    // SQLite looks at the path before it opens it, so a process that saw the regular file may open
    // the link under the regular file's side-file names, and must not find the old log there to
    // apply to the new file. What it finds is new, empty files that nothing writes. A process that
    // opens the old file in between reads it without its log, copied in first as far as its
    // readers allow.
    checkpoint(path);
    removeSideFiles(path);
  }
  let linked: boolean;
  try {
    linked = pointAt(file, path);
  } catch (error) {
    rmSync(`${path}.next`, { force: true });
    removeDatabase(file);
    throw error;
  }
  syncPath(dirname(path));
  if (linked && previous.kind === 'file') removeSideFiles(path); // ones a process opening the old file as it went started
  // The old generation goes before its side files: SQLite makes no -wal for a file whose name is
  // gone, so no process can start reading it without its log from then on.
  if (previous.kind === 'generation') removeDatabase(previous.file);
}

/**
 * Points `path` at the generation `file` with a new link renamed over it, and says true; on a file
 * system without symbolic links, renames `file` itself over it, as before generation files (where
 * a process opening the old file as it goes may still share the new one's -wal), and says false.
 */
function pointAt(file: string, path: string): boolean {
  const next = `${path}.next`;
  rmSync(next, { force: true });
  try {
    symlinkSync(basename(file), next);
  } catch (error) {
    if (!NO_SYMLINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    removeSideFiles(path);
    renameSync(file, path);
    return false;
  }
  renameSync(next, path);
  return true;
}

/** Copies the log of the database `file` into it as far as its readers allow (a passive checkpoint). */
function checkpoint(file: string): void {
  try {
    const db = new Database(file, { fileMustExist: true, timeout: 0 });
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      db.close();
    }
  } catch {
    // No file, or one that is no database: nothing to copy.
  }
}

/** What is at the path of an index. */
type IndexEntry =
  | { kind: 'missing' }
  /** A regular file: an index from before generation files, or one `openLexicalIndex` created. */
  | { kind: 'file' }
  /** A link to a generation file beside it, `file`. */
  | { kind: 'generation'; file: string }
  /** A link to nothing, or to a file that is not one of the index's generations; `reason` says which. */
  | { kind: 'broken'; reason: string };

function locateIndex(path: string): IndexEntry {
  const entry = lstatSync(path, { throwIfNoEntry: false });
  if (!entry) return { kind: 'missing' };
  if (!entry.isSymbolicLink()) return { kind: 'file' };
  const target = readlinkSync(path);
  const resolved = resolve(dirname(path), target);
  const name = generationName(path).exec(basename(resolved));
  if (dirname(resolved) !== resolve(dirname(path)) || !name || name[2]) {
    return { kind: 'broken', reason: `it is a link to ${target}, which is not a generation of this index (${basename(generationPath(path, '<build id>'))} beside it)` };
  }
  const file = join(dirname(path), basename(resolved));
  const found = lstatSync(file, { throwIfNoEntry: false });
  if (!found?.isFile()) return { kind: 'broken', reason: `it is a link to ${target}, which ${found ? 'is not a file' : 'does not exist'}` };
  return { kind: 'generation', file };
}

/** `lexical.db` → `lexical.<buildId>.db`, beside it. */
function generationPath(path: string, buildId: string): string {
  const extension = extname(path);
  return join(dirname(path), `${basename(path, extension)}.${buildId}${extension}`);
}

/** Names of the generation files of the index at `path` (group 1) and their side files (group 2 the suffix). */
function generationName(path: string): RegExp {
  const extension = extname(path);
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  return new RegExp(`^(${literal(basename(path, extension))}\\.${uuid}${literal(extension)})(-wal|-shm|-journal)?$`);
}

/**
 * Deletes what killed runs left beside the index at `path`, under the update lock so never a file
 * another `index` is writing: generation files the link does not name, with their side files, the
 * `.next` link of a swap, the `.building` file of patmatch versions before generation files, and,
 * when `path` is a link, side files named after it. Processes still reading an old generation keep
 * their open files.
 */
function removeLeftovers(path: string, entry: IndexEntry): void {
  removeDatabase(`${path}.building`);
  rmSync(`${path}.next`, { force: true });
  const current = entry.kind === 'generation' ? basename(entry.file) : undefined;
  const generation = generationName(path);
  for (const name of readdirSync(dirname(path))) {
    const match = generation.exec(name);
    if (match && match[1] !== current) rmSync(join(dirname(path), name), { force: true });
  }
  // Openers of a link name their side files after its target: ones named after the link are a
  // regular file's from before it, or ones that a process opening that file as it went started.
  if (entry.kind === 'generation' || entry.kind === 'broken') removeSideFiles(path);
}

/**
 * Takes the lock of one update of the index at `indexPath` at a time (an exclusive SQLite lock on
 * the empty file `<indexPath>.lock`), waiting up to `timeoutMs` for another process to let go,
 * until released. The system drops the lock when the process dies, so a killed `index` never
 * leaves the index locked. `updateLexicalIndex` takes it; `buildIndexes` holds it over the whole
 * run, vectors included.
 *
 * @example
 * const lock = lockIndexUpdate('.patmatch/lexical.db');
 * try { … } finally { lock.release(); }
 */
export function lockIndexUpdate(indexPath: string, timeoutMs = DEFAULT_UPDATE_OPTIONS.lockTimeoutMs): { release(): void } {
  const lockPath = `${indexPath}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  const db = new Database(lockPath, { timeout: timeoutMs });
  try {
    db.pragma('journal_mode = MEMORY'); // the lock leaves no journal file behind
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new PatmatchError(
      'not_ready',
      `${indexPath} is being updated by another process (a \`patmatch index\`? it has held ${lockPath} for over ${timeoutMs / 1000} s); try again when it is done`,
    );
  }
  return {
    release() {
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/** Deletes a database, its file first (see `swapIn`), then its side files. */
function removeDatabase(path: string): void {
  rmSync(path, { force: true });
  removeSideFiles(path);
}

function removeSideFiles(path: string): void {
  for (const suffix of SIDE_FILES) rmSync(`${path}${suffix}`, { force: true });
}

/** fsync of a file, or of a folder so that a rename in it is durable. */
function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function resolveOptions(options: Partial<LexicalIndexOptions>): Promise<LexicalIndexOptions> {
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
  return { ...settings, analyzer: settings.analyzer ?? (await createAnalyzer()) };
}

/** The index over an open database whose schema and analyser are current. */
function indexOver(db: Database.Database, settings: LexicalIndexOptions): LexicalIndex {
  const { analyzer, weights, maxQueryTerms } = settings;
  const readMeta = db.prepare<[string], { value: string }>('SELECT value FROM lexical_meta WHERE name = ?');
  const writeMeta = db.prepare<[string, string]>(
    'INSERT INTO lexical_meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value',
  );
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

  const queryTerms = (query: string): string[] => {
    if (typeof query !== 'string') throw new PatmatchError('invalid_input', 'Lexical search: query must be a string');
    return mostFrequent(analyzer.terms(query), maxQueryTerms);
  };
  const fieldWeights = (field: LexicalField): ColumnWeights => {
    const inField = (column: 'title' | 'abstract'): number => (field === 'all' || field === column ? 1 : 0);
    return [weights.title * inField('title'), weights.titleEn * inField('title'), weights.abstract * inField('abstract')];
  };
  const match = (field: LexicalField, terms: readonly string[]): string => `${COLUMN_FILTER[field]}(${terms.map(quoteTerm).join(' OR ')})`;
  /** Bound parameters of a query, or undefined when it has no terms (only stopwords or symbols). */
  const queryParameters = (query: string, field: LexicalField): Record<string, unknown> | undefined => {
    if (!Object.hasOwn(COLUMN_FILTER, field)) {
      throw new PatmatchError('invalid_input', `Lexical search: field "${String(field)}" is not title, abstract or all`);
    }
    const terms = queryTerms(query);
    if (terms.length === 0) return undefined;
    const [title, titleEn, abstract] = fieldWeights(field);
    return { match: match(field, terms), title, titleEn, abstract };
  };

  return {
    analyzer,
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
    async documentScorer(keys) {
      keys.forEach((key, at) => assertKey(key, `Lexical documentScorer: keys[${at}]`));
      return createDocumentScorer({ db, queryTerms, weights: fieldWeights, match }, keys);
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
    count: () => countRows.get()!.n,
    close: () => db.close(),
  };
}

/**
 * Opens the database of an index: `shared` for the index in place (WAL, readers beside one writer),
 * `private` for a new generation nobody reads before the link names it (no journal, no fsync: a
 * killed build's file is thrown away). A new file gets the schema, this analyser and `buildId`; an
 * existing one that cannot be used as it is, or a link to none, comes back as `stale`, with the reason.
 */
function openDatabase(
  path: string,
  mode: 'shared' | 'private',
  analyzer: KoreanAnalyzer,
  buildId: string = randomUUID(),
): { db: Database.Database } | { stale: string } {
  mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database | undefined;
  try {
    const prepare = (opened: Database.Database): boolean => {
      if (mode === 'shared') {
        opened.pragma('journal_mode = WAL');
        opened.pragma('busy_timeout = 5000');
      } else {
        opened.pragma('journal_mode = OFF');
        opened.pragma('synchronous = OFF');
      }
      return opened.prepare('SELECT count(*) FROM sqlite_master').pluck().get() === 0;
    };
    let isNew: boolean;
    if (mode === 'shared') {
      const entry = locateIndex(path);
      if (entry.kind === 'broken') return { stale: entry.reason };
      [db, isNew] = openSettled(path, {}, prepare);
    } else {
      db = new Database(path);
      isNew = prepare(db);
    }
    const stale = isNew ? undefined : staleReason(db, path, analyzer);
    if (stale) {
      db.close();
      return { stale };
    }
    if (isNew) initialise(db, analyzer, buildId);
    return { db };
  } catch (error) {
    db?.close();
    if (error instanceof PatmatchError) throw error;
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'SQLITE_BUSY') {
      throw new PatmatchError('not_ready', `${path} is busy: another process (a \`patmatch index\`?) has been writing it for over 5 s; try again when it is done`);
    }
    if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) return { stale: `it is not a lexical index (${message})` };
    throw new PatmatchError('not_ready', `${path} is not a usable lexical index (${message ?? String(error)}); delete it and run the index again`);
  }
}

/** Tries of `openSettled` before it keeps what it opened, or the error. */
const OPEN_TRIES = 3;

/**
 * Opens the database at `path` and runs `read` on it (a first read opens its -wal and -shm), again
 * when `index` swapped what the path names meanwhile: SQLite looks at the path before it opens it,
 * so a connection opened across a swap may hold the old generation, which SQLite refuses to read
 * once its name is gone (SQLITE_IOERR_FSTAT), or the new file under the side-file names of the
 * regular file it replaced. A link is opened without create, so that a generation deleted meanwhile
 * is not made anew, empty.
 */
function openSettled<T>(path: string, options: Database.Options, read: (db: Database.Database) => T): [Database.Database, T] {
  for (let tries = 1; ; tries++) {
    const before = whatIsAt(path);
    let db: Database.Database | undefined;
    let outcome: { value: T } | { error: unknown };
    try {
      db = new Database(path, { ...options, fileMustExist: options.fileMustExist || before?.startsWith('link') });
      outcome = { value: read(db) };
    } catch (error) {
      outcome = { error };
    }
    const after = whatIsAt(path);
    const settled = before !== undefined && (after === before || (before === 'nothing' && after?.startsWith('file')));
    if ((settled || tries === OPEN_TRIES) && 'value' in outcome) return [db!, outcome.value];
    db?.close();
    if (settled || tries === OPEN_TRIES) throw (outcome as { error: unknown }).error;
  }
}

/** What `path` names now: a link and its target, a file and its inode, nothing, or undefined while it changes. */
function whatIsAt(path: string): string | undefined {
  try {
    const entry = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    if (!entry) return 'nothing';
    return entry.isSymbolicLink() ? `link to ${readlinkSync(path)}` : `file ${entry.dev}:${entry.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Schema, analyser and build id of a new index, in one transaction: another process opening it sees
 * all or none.
 */
function initialise(db: Database.Database, analyzer: KoreanAnalyzer, buildId: string): void {
  const insertMeta = `INSERT INTO lexical_meta (name, value) VALUES ('analyzer', ?), ('indexed_revision', '0') ON CONFLICT(name) DO NOTHING`;
  db.transaction(() => {
    migrate(db, 'lexical', MIGRATIONS);
    db.prepare(insertMeta).run(analyzer.signature);
    db.prepare(INSERT_BUILD_ID).run(buildId);
  }).immediate();
}

/**
 * The build id of the lexical index `path` names now (the generation its link names, or the file
 * itself): a random id given to every file an index is created in (so to every rebuild, which also
 * names its generation file), and kept by updates in place; null for an index written before build
 * ids until `updateLexicalIndex` next updates it in place. Read through a short-lived read-only
 * connection, which is safe while `index` writes. Throws when the file is missing or holds no
 * lexical index.
 *
 * @example
 * readLexicalBuildId('.patmatch/lexical.db'); // '2f1c0e52-8d5b-4c1e-9a57-0b3c6f4d2e11'
 */
export function readLexicalBuildId(path: string): string | null {
  return readLexicalMeta(path).buildId;
}

/** What a lexical index records about itself: its build id, and the store and revision it reflects. */
export interface LexicalMeta {
  buildId: string | null;
  indexedRevision: number;
  indexedStore: string | null;
}

/**
 * The {@link LexicalMeta} of the index `path` names now, read like {@link readLexicalBuildId}.
 *
 * @example
 * readLexicalMeta('.patmatch/lexical.db') // { buildId: '2f1c…', indexedRevision: 2308, indexedStore: '7b0e…' }
 */
export function readLexicalMeta(path: string): LexicalMeta {
  const db = openLexicalReader(path);
  try {
    return lexicalMetaOf(db);
  } finally {
    db.close();
  }
}

/**
 * A read-only connection to the index `path` names now (the generation its link names), opened
 * again when `index` swapped it meanwhile; for reading its meta or copying it (`patmatch backup`).
 * Throws when the file is missing or holds no lexical index.
 *
 * @example
 * const db = openLexicalReader('.patmatch/lexical.db'); // … db.close()
 */
export function openLexicalReader(path: string): Database.Database {
  return openSettled(path, { readonly: true, fileMustExist: true, timeout: 1000 }, lexicalMetaOf)[0];
}

/**
 * The {@link LexicalMeta} of an open lexical index database.
 *
 * @example
 * lexicalMetaOf(new Database('/backups/b1/lexical.2f1c….db', { readonly: true })).indexedRevision // 2308
 */
export function lexicalMetaOf(db: Database.Database): LexicalMeta {
  const meta = new Map(db.prepare<[], [string, string]>(`SELECT name, value FROM lexical_meta`).raw().all());
  return { buildId: meta.get('build_id') ?? null, indexedRevision: Number(meta.get('indexed_revision') ?? 0), indexedStore: meta.get('store_id') ?? null };
}

/**
 * Whether there is an index at `path` to open: a file, or a link, a broken one too, which
 * `openLexicalIndex` then refuses with the reason.
 *
 * @example
 * if (!hasLexicalIndex(homeLayout(home).lexical)) throw new PatmatchError('not_ready', 'run `patmatch index` first');
 */
export function hasLexicalIndex(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** Why an existing index must be rebuilt before it can be used, or undefined when it is current. */
function staleReason(db: Database.Database, path: string, analyzer: KoreanAnalyzer): string | undefined {
  const version = schemaVersion(db, 'lexical');
  if (version > MIGRATIONS.length) {
    throw new PatmatchError('not_ready', `${path} has lexical schema version ${version}, newer than this patmatch's (${MIGRATIONS.length}); upgrade patmatch`);
  }
  if (version === 0) return 'it holds no lexical index';
  if (version < MIGRATIONS.length) return `it has lexical schema version ${version}, and this patmatch writes version ${MIGRATIONS.length}`;
  const builtWith = db.prepare(`SELECT value FROM lexical_meta WHERE name = 'analyzer'`).pluck().get() as string | undefined;
  if (builtWith === analyzer.signature) return undefined;
  return `it was built by another analyser (${builtWith ?? 'none recorded'}; this patmatch uses ${analyzer.signature})`;
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
