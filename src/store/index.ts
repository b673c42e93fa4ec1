/**
 * The patent store: one embedded SQLite file (`<home>/patmatch.db`, WAL mode) holding patents,
 * their IPC codes and evaluation indices. Row ids are stable across updates because vector
 * indexes key on them; every insert or update takes a new, monotonically increasing revision so
 * indexes can catch up incrementally.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import type { Evaluation, Patent, SearchFilters, Tech6T } from '../domain/index.js';
import { TECH_6T } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import { normalizeApplicationNumber, normalizeDate, normalizeIpc } from '../domain/normalize/index.js';
import { migrate, type MigrationStep } from './schema.js';
import { applicantCondition, applicantWriter, knownApplicantNames, listApplicantsAndInventors } from './applicants.js';
import type { KnownNames } from '../domain/names/index.js';
import { assertWritable, deniedBy, homeLayout, notWritableError, writeDenied } from './home.js';
import { recoverReplacedDir } from '../util/atomic.js';

/** A patent as stored: its stable row id, the revision of its last change and the source of that change. */
export interface StoredPatent extends Patent {
  id: number;
  revision: number;
  /** `<format>:<absolute file path>` from `ingest` (only the file name in stores ingested before paths were kept), `bench` … */
  source: string;
}

/** What an upsert did to one record. */
export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';

/** What an upsert did, record by record. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Scores of every stored evaluation in one 6T class, for percentile displays. */
export interface ClassDistribution {
  tech6t: Tech6T;
  count: number;
  pqi: number[];
  rights: number[];
  technology: number[];
  commercial: number[];
  sources: string[];
}

/** Options of `PatentStore.iterate`. */
export interface IterateOptions {
  /** Only patents whose revision is greater than this (default 0: all). */
  afterRevision?: number;
  /** Patents per yielded batch (default 500). */
  batchSize?: number;
}

/**
 * The store's interface. Other modules add their own tables to `db` with `migrate()`.
 *
 * @example
 * const store = openStore('.patmatch');
 * store.upsertPatents(patents, 'kipris-xml:page-1.xml'); // { inserted: 20, updated: 0, unchanged: 0 }
 * for (const batch of store.iterate({ afterRevision: 0 })) index.add(batch);
 * store.close();
 */
export interface PatentStore {
  readonly db: Database.Database;
  /**
   * Inserts new patents and merges the others (a non-empty stored field is never blanked), in one
   * transaction; `onRecord` is told each record's outcome by its index in `records`.
   */
  upsertPatents(records: readonly Patent[], source: string, onRecord?: (index: number, outcome: UpsertOutcome) => void): UpsertCounts;
  getByIds(ids: readonly number[]): Map<number, StoredPatent>;
  /** Accepts any accepted number form (`10-2016-0138184`, `1020160138184` …). */
  getByApplicationNumber(applicationNumber: string): StoredPatent | null;
  /** Batches of patents in revision order. */
  iterate(options?: IterateOptions): IterableIterator<StoredPatent[]>;
  /** Patents stored; with `afterRevision`, those changed after that revision (what an index update reads). */
  count(afterRevision?: number): number;
  /** The greatest revision stored (0 when empty). */
  readonly currentRevision: number;
  /** A random id of this database, recorded by the indexes built from it. */
  readonly storeId: string;
  /** The applicant names the store and the manager directory know, to split space-joined co-applicants with. */
  knownApplicants(): KnownNames;
  /** Ids of the patents matching every given filter; `null` when no filter is given. */
  filterIds(filters: SearchFilters): Set<number> | null;
  /** Stores evaluations of known patents in one transaction and lists the application numbers that are not stored. */
  upsertEvaluations(rows: readonly Evaluation[]): UpsertCounts & { unknownPatent: string[] };
  /** Evaluations keyed by the normalised application number; numbers without one are absent. */
  getEvaluations(applicationNumbers: readonly string[]): Map<string, Evaluation>;
  classDistribution(tech6t: Tech6T): ClassDistribution;
  close(): void;
}

/**
 * The patents module's schema steps, in order (`migrate` applies those a database lacks). Exported so
 * tests can build a database as an older patmatch left it (`PATENT_MIGRATIONS.slice(0, 2)`).
 */
export const PATENT_MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE patents (
    id INTEGER PRIMARY KEY,
    application_number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT,
    abstract TEXT NOT NULL,
    ipc TEXT NOT NULL,
    applicant TEXT,
    application_date TEXT,
    opening_number TEXT,
    opening_date TEXT,
    publication_number TEXT,
    publication_date TEXT,
    registration_number TEXT,
    registration_date TEXT,
    registration_status TEXT,
    inventors TEXT,
    agent TEXT,
    source TEXT NOT NULL,
    revision INTEGER NOT NULL UNIQUE
  ) STRICT;
  CREATE INDEX patents_application_date ON patents (application_date);
  CREATE INDEX patents_registration_status ON patents (registration_status);
  CREATE TABLE patent_ipc (
    patent_id INTEGER NOT NULL REFERENCES patents (id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (patent_id, position)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX patent_ipc_code ON patent_ipc (code, patent_id);
  CREATE TABLE evaluations (
    patent_id INTEGER PRIMARY KEY REFERENCES patents (id),
    pqi REAL,
    rights_score REAL,
    technology_score REAL,
    commercial_score REAL,
    tech_6t TEXT,
    source TEXT NOT NULL
  ) STRICT;
  CREATE INDEX evaluations_tech_6t ON evaluations (tech_6t);`,
  // A random id per database: indexes record it, so a database replaced or restored from a backup
  // (its ids and revisions starting over) is never matched against indexes of another one.
  `CREATE TABLE store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  INSERT INTO store_meta (name, value) VALUES ('store_id', lower(hex(randomblob(16))));`,
  // Applicants and inventors as lists (patents.applicants / inventors JSON, patent_applicants rows).
  listApplicantsAndInventors,
];

interface PatentRow {
  id: number;
  application_number: string;
  kind: string;
  title: string;
  title_en: string | null;
  abstract: string;
  ipc: string;
  applicants: string;
  application_date: string | null;
  opening_number: string | null;
  opening_date: string | null;
  publication_number: string | null;
  publication_date: string | null;
  registration_number: string | null;
  registration_date: string | null;
  registration_status: string | null;
  inventors: string;
  agent: string | null;
  source: string;
  revision: number;
}

interface EvaluationRow {
  application_number: string;
  pqi: number | null;
  rights_score: number | null;
  technology_score: number | null;
  commercial_score: number | null;
  tech_6t: string | null;
  source: string;
}

/**
 * Patent fields in column order; the lists (`ipc`, `applicants`, `inventors`) are stored as JSON
 * arrays, and `ipc` and `applicants` also row by row (patent_ipc, patent_applicants) for filters.
 */
const COLUMNS: ReadonlyArray<[keyof Patent, keyof PatentRow]> = [
  ['applicationNumber', 'application_number'],
  ['kind', 'kind'],
  ['title', 'title'],
  ['titleEn', 'title_en'],
  ['abstract', 'abstract'],
  ['ipc', 'ipc'],
  ['applicants', 'applicants'],
  ['applicationDate', 'application_date'],
  ['openingNumber', 'opening_number'],
  ['openingDate', 'opening_date'],
  ['publicationNumber', 'publication_number'],
  ['publicationDate', 'publication_date'],
  ['registrationNumber', 'registration_number'],
  ['registrationDate', 'registration_date'],
  ['registrationStatus', 'registration_status'],
  ['inventors', 'inventors'],
  ['agent', 'agent'],
];

const LIST_FIELDS: ReadonlySet<keyof Patent> = new Set(['ipc', 'applicants', 'inventors']);

const DEFAULT_BATCH_SIZE = 500;

/**
 * Whether an index that reflects `indexed` (the store id and revision it recorded) can be brought up
 * to date incrementally from `store`. Not when it was built from another database (replaced,
 * restored from a backup), nor when the store's revisions went back. An index from before stores had
 * ids (`store` null) is taken as this store's unless its revision is ahead.
 *
 * @example
 * if (!indexFollowsStore({ store: manifest.store ?? null, revision: manifest.revision }, store)) rebuild();
 */
export function indexFollowsStore(indexed: { store: string | null; revision: number }, store: PatentStore): boolean {
  return (indexed.store === null || indexed.store === store.storeId) && indexed.revision <= store.currentRevision;
}

/** Options of `openStore`. */
export interface StoreOptions {
  /**
   * The caller writes: refuse at once, naming the path, when the home folder or the store file is
   * not writable. A read-only store file would otherwise open read-only and fail at the first write.
   */
  writes: boolean;
}

export const defaultStoreOptions: StoreOptions = { writes: false };

/**
 * Opens (creating when needed) the store in `home`: the folder, `patmatch.db` in WAL mode and the
 * `patents` schema. A home that cannot be written is reported as such (see `notWritableError`).
 *
 * @example
 * const store = openStore(resolveHome(opts.home), { writes: true });
 */
export function openStore(home: string, options: Partial<StoreOptions> = {}): PatentStore {
  const settings: StoreOptions = { ...defaultStoreOptions, ...options };
  const layout = homeLayout(home);
  let db: Database.Database | undefined;
  try {
    if (settings.writes) assertWritable(home, layout.store);
    mkdirSync(home, { recursive: true });
    // Folders replaced whole (vectors, the trained model) come back if a replacement was cut short.
    recoverReplacedDir(layout.vectors);
    recoverReplacedDir(layout.defaultModel);
    db = new Database(layout.store);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, 'patents', PATENT_MIGRATIONS);
  } catch (error) {
    db?.close();
    if (error instanceof PatmatchError) throw error;
    // Even a reader needs the folder writable: SQLite creates the -wal and -shm files beside the
    // store, and fails with only "unable to open database file" when it cannot.
    const denied = writeDenied(home) ?? writeDenied(layout.store) ?? deniedBy(error, layout.store);
    if (denied) throw notWritableError(denied);
    const reason = error instanceof Error ? error.message : String(error);
    throw new PatmatchError('not_ready', `${layout.store} cannot be opened as a patmatch store (${reason}); check --home ${home}`);
  }
  return new SqlitePatentStore(db);
}

class SqlitePatentStore implements PatentStore {
  private readonly statements;
  private readonly applicants;

  constructor(readonly db: Database.Database) {
    const columnList = COLUMNS.map(([, column]) => column).join(', ');
    // Patents are read as arrays (`raw`) in this column order: a third faster than named rows.
    const selectPatents = `SELECT id, revision, source, ${columnList} FROM patents`;
    this.applicants = applicantWriter(db);
    this.statements = {
      byNumber: db.prepare<[string], unknown[]>(`${selectPatents} WHERE application_number = ?`).raw(),
      byIds: db.prepare<[string], unknown[]>(`${selectPatents} WHERE id IN (SELECT value FROM json_each(?))`).raw(),
      insert: db.prepare(
        `INSERT INTO patents (${columnList}, source, revision) VALUES (${COLUMNS.map(([, c]) => `@${c}`).join(', ')}, @source, @revision)`,
      ),
      update: db.prepare(
        `UPDATE patents SET ${COLUMNS.map(([, c]) => `${c} = @${c}`).join(', ')}, source = @source, revision = @revision WHERE id = @id`,
      ),
      deleteIpc: db.prepare('DELETE FROM patent_ipc WHERE patent_id = ?'),
      insertIpc: db.prepare('INSERT INTO patent_ipc (patent_id, position, code) VALUES (?, ?, ?)'),
      maxRevision: db.prepare<[], { revision: number | null }>('SELECT MAX(revision) AS revision FROM patents'),
      count: db.prepare<[number], { count: number }>('SELECT COUNT(*) AS count FROM patents WHERE revision > ?'),
      batch: db.prepare<[number, number], unknown[]>(`${selectPatents} WHERE revision > ? ORDER BY revision LIMIT ?`).raw(),
      idByNumber: db.prepare<[string], { id: number }>('SELECT id FROM patents WHERE application_number = ?'),
      evaluation: db.prepare<[number], Omit<EvaluationRow, 'application_number'>>(
        'SELECT pqi, rights_score, technology_score, commercial_score, tech_6t, source FROM evaluations WHERE patent_id = ?',
      ),
      upsertEvaluation: db.prepare(
        `INSERT INTO evaluations (patent_id, pqi, rights_score, technology_score, commercial_score, tech_6t, source)
         VALUES (@patent_id, @pqi, @rights_score, @technology_score, @commercial_score, @tech_6t, @source)
         ON CONFLICT (patent_id) DO UPDATE SET pqi = excluded.pqi, rights_score = excluded.rights_score,
           technology_score = excluded.technology_score, commercial_score = excluded.commercial_score,
           tech_6t = excluded.tech_6t, source = excluded.source`,
      ),
      evaluationsByNumbers: db.prepare<[string], EvaluationRow>(
        `SELECT p.application_number, e.pqi, e.rights_score, e.technology_score, e.commercial_score, e.tech_6t, e.source
         FROM evaluations e JOIN patents p ON p.id = e.patent_id
         WHERE p.application_number IN (SELECT value FROM json_each(?))`,
      ),
      classRows: db.prepare<[string], Omit<EvaluationRow, 'application_number' | 'tech_6t'>>(
        'SELECT pqi, rights_score, technology_score, commercial_score, source FROM evaluations WHERE tech_6t = ?',
      ),
    };
  }

  get currentRevision(): number {
    return this.statements.maxRevision.get()?.revision ?? 0;
  }

  get storeId(): string {
    return (this.db.prepare(`SELECT value FROM store_meta WHERE name = 'store_id'`).get() as { value: string }).value;
  }

  upsertPatents(records: readonly Patent[], source: string, onRecord?: (index: number, outcome: UpsertOutcome) => void): UpsertCounts {
    const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
    if (records.length === 0) return counts;
    // IMMEDIATE: the write lock is taken before the first read, so a writer in another process (serve,
    // a second ingest) makes this wait (busy timeout) instead of failing with "database is locked".
    this.db.transaction(() => {
      let revision = this.currentRevision;
      for (const [index, record] of records.entries()) {
        assertStorable(record);
        const existing = this.statements.byNumber.get(record.applicationNumber);
        if (!existing) {
          const { lastInsertRowid } = this.statements.insert.run({ ...toRow(withDerivedStatus(record)), source, revision: ++revision });
          this.writeLists(Number(lastInsertRowid), record);
          counts.inserted++;
          onRecord?.(index, 'inserted');
          continue;
        }
        const stored = fromValues(existing);
        const merged = mergePatent(stored, record);
        if (samePatent(stored, merged)) {
          counts.unchanged++;
          onRecord?.(index, 'unchanged');
          continue;
        }
        this.statements.update.run({ ...toRow(merged), source, revision: ++revision, id: stored.id });
        this.writeLists(stored.id, merged);
        counts.updated++;
        onRecord?.(index, 'updated');
      }
    }).immediate();
    return counts;
  }

  private writeLists(patentId: number, patent: Patent): void {
    this.statements.deleteIpc.run(patentId);
    patent.ipc.forEach((code, position) => this.statements.insertIpc.run(patentId, position, code));
    this.applicants.write(patentId, patent.applicants);
  }

  knownApplicants(): KnownNames {
    return knownApplicantNames(this.db);
  }

  getByIds(ids: readonly number[]): Map<number, StoredPatent> {
    const patents = this.statements.byIds.all(JSON.stringify(ids.filter(Number.isSafeInteger))).map(fromValues);
    return new Map(patents.map((patent) => [patent.id, patent]));
  }

  getByApplicationNumber(applicationNumber: string): StoredPatent | null {
    const normalized = normalizeApplicationNumber(applicationNumber);
    const row = normalized ? this.statements.byNumber.get(normalized) : undefined;
    return row ? fromValues(row) : null;
  }

  *iterate(options: IterateOptions = {}): IterableIterator<StoredPatent[]> {
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
    let after = options.afterRevision ?? 0;
    for (;;) {
      const patents = this.statements.batch.all(after, batchSize).map(fromValues);
      if (patents.length === 0) return;
      after = patents[patents.length - 1]!.revision;
      yield patents;
    }
  }

  count(afterRevision = 0): number {
    return this.statements.count.get(afterRevision)?.count ?? 0;
  }

  filterIds(filters: SearchFilters): Set<number> | null {
    const clauses: string[] = [];
    const params: string[] = [];
    const ipc = filters.ipc?.trim();
    if (ipc) {
      const [low, high] = ipcRange(ipc);
      clauses.push('id IN (SELECT patent_id FROM patent_ipc WHERE code >= ? AND code < ?)');
      params.push(low, high);
    }
    for (const [bound, operator] of [
      ['from', '>='],
      ['to', '<='],
    ] as const) {
      const value = filters[bound]?.trim();
      if (!value) continue;
      const date = normalizeDate(value);
      if (!date) throw new PatmatchError('invalid_input', `filter ${bound}: ${JSON.stringify(value)} is not a date`);
      clauses.push(`application_date ${operator} ?`);
      params.push(date);
    }
    const applicant = filters.applicant?.trim();
    if (applicant) {
      const condition = applicantCondition(applicant);
      clauses.push(condition.sql);
      params.push(condition.param);
    }
    const status = filters.status?.trim();
    if (status) {
      clauses.push('registration_status = ?');
      params.push(status.normalize('NFKC'));
    }
    if (clauses.length === 0) return null;
    const rows = this.db
      .prepare<string[], { id: number }>(`SELECT id FROM patents WHERE ${clauses.join(' AND ')}`)
      .all(...params);
    return new Set(rows.map((row) => row.id));
  }

  upsertEvaluations(rows: readonly Evaluation[]): UpsertCounts & { unknownPatent: string[] } {
    const result = { inserted: 0, updated: 0, unchanged: 0, unknownPatent: [] as string[] };
    this.db.transaction(() => {
      rows.forEach((evaluation, index) => {
        const valid = validateEvaluation(evaluation, index);
        const patent = this.statements.idByNumber.get(valid.applicationNumber);
        if (!patent) {
          result.unknownPatent.push(valid.applicationNumber);
          return;
        }
        const existing = this.statements.evaluation.get(patent.id);
        const row = { patent_id: patent.id, ...toEvaluationRow(valid) };
        if (existing && Object.entries(existing).every(([key, value]) => row[key as keyof typeof row] === value)) {
          result.unchanged++;
          return;
        }
        this.statements.upsertEvaluation.run(row);
        if (existing) result.updated++;
        else result.inserted++;
      });
    }).immediate();
    return result;
  }

  getEvaluations(applicationNumbers: readonly string[]): Map<string, Evaluation> {
    const numbers = applicationNumbers.map(normalizeApplicationNumber).filter((n): n is string => n !== null);
    const rows = this.statements.evaluationsByNumbers.all(JSON.stringify(numbers));
    return new Map(rows.map((row) => [row.application_number, fromEvaluationRow(row)]));
  }

  classDistribution(tech6t: Tech6T): ClassDistribution {
    const rows = this.statements.classRows.all(tech6t);
    const present = (values: Array<number | null>): number[] => values.filter((v): v is number => v !== null);
    return {
      tech6t,
      count: rows.length,
      pqi: present(rows.map((row) => row.pqi)),
      rights: present(rows.map((row) => row.rights_score)),
      technology: present(rows.map((row) => row.technology_score)),
      commercial: present(rows.map((row) => row.commercial_score)),
      sources: [...new Set(rows.map((row) => row.source))].sort(),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * The code range `[low, high)` matched by an IPC prefix: `H01G` → codes of subclass H01G, `H01G 11`
 * → main group 11 only (not 110), `H01G 11/86` → that code and its finer subgroups written as
 * longer numbers, `H0` → any code starting so.
 */
function ipcRange(prefix: string): [string, string] {
  const [code] = normalizeIpc(prefix);
  const upper = prefix.normalize('NFKC').toUpperCase().replace(/\s+/g, ' ').trim();
  const group = /^([A-H]\d{2}[A-Z])\s*-?0*(\d{1,4})$/.exec(upper);
  const low = code ?? (group ? `${group[1]} ${group[2]}/` : /^[A-H]\d{2}[A-Z]$/.test(upper) ? `${upper} ` : upper);
  return [low, `${low}\uffff`];
}

function toRow(patent: Patent): Record<string, string | null> {
  const row: Record<string, string | null> = {};
  for (const [field, column] of COLUMNS) {
    row[column] = LIST_FIELDS.has(field) ? JSON.stringify(patent[field]) : (patent[field] as string | null);
  }
  return row;
}

/** A patent from a row of `selectPatents`: id, revision, source, then `COLUMNS`. */
function fromValues(values: unknown[]): StoredPatent {
  const patent = { id: values[0], revision: values[1], source: values[2] } as StoredPatent;
  COLUMNS.forEach(([field], i) => {
    const value = values[i + 3];
    (patent as unknown as Record<string, unknown>)[field] = LIST_FIELDS.has(field) ? JSON.parse(value as string) : value;
  });
  return patent;
}

/** The stored patent with every non-empty field of the incoming record laid over it. */
function mergePatent(stored: Patent, incoming: Patent): Patent {
  const merged: Record<string, unknown> = {};
  for (const [field] of COLUMNS) {
    const next = incoming[field];
    const empty = next === null || next === '' || (Array.isArray(next) && next.length === 0);
    merged[field] = empty ? stored[field] : next;
  }
  return withDerivedStatus(merged as unknown as Patent);
}

/**
 * A patent with a registration number but no stated status is registered (등록). Derived here, after
 * merging, so a file without a status column never overwrites a known one (소멸 stays 소멸).
 */
function withDerivedStatus(patent: Patent): Patent {
  return patent.registrationStatus || !patent.registrationNumber ? patent : { ...patent, registrationStatus: '등록' };
}

function samePatent(a: Patent, b: Patent): boolean {
  return COLUMNS.every(([field]) => JSON.stringify(a[field]) === JSON.stringify(b[field]));
}

/** Boundary check for patents handed in from code; `normalizePatent` output always passes. */
function assertStorable(patent: Patent): void {
  if (typeof patent?.applicationNumber !== 'string' || normalizeApplicationNumber(patent.applicationNumber) !== patent.applicationNumber) {
    throw new PatmatchError('invalid_input', `patent ${String(patent?.applicationNumber)}: applicationNumber is not a normalised 13-digit number`);
  }
  if (typeof patent.title !== 'string' || !patent.title.trim()) {
    throw new PatmatchError('invalid_input', `patent ${patent.applicationNumber}: title is missing`);
  }
  for (const field of LIST_FIELDS) {
    const list = patent[field];
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
      throw new PatmatchError('invalid_input', `patent ${patent.applicationNumber}: ${field} is not a list of strings`);
    }
  }
}

const SCORE_FIELDS = ['pqi', 'rightsScore', 'technologyScore', 'commercialScore'] as const;

/** Boundary check for evaluations handed in from code: the CSV reader reports friendlier errors first. */
function validateEvaluation(evaluation: Evaluation, index: number): Evaluation {
  const applicationNumber = normalizeApplicationNumber(evaluation.applicationNumber);
  const where = `evaluation ${index + 1} (${String(evaluation.applicationNumber)})`;
  if (!applicationNumber) throw new PatmatchError('invalid_input', `${where}, applicationNumber: not an application number`);
  for (const field of SCORE_FIELDS) {
    const value = evaluation[field];
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new PatmatchError('invalid_input', `${where}, ${field}: ${String(value)} is not a non-negative number`);
    }
  }
  if (evaluation.tech6t !== null && !TECH_6T.includes(evaluation.tech6t)) {
    throw new PatmatchError('invalid_input', `${where}, tech6t: ${String(evaluation.tech6t)} is not one of ${TECH_6T.join(', ')}`);
  }
  if (typeof evaluation.source !== 'string' || !evaluation.source.trim()) {
    throw new PatmatchError('invalid_input', `${where}, source: is missing`);
  }
  return { ...evaluation, applicationNumber };
}

function toEvaluationRow(evaluation: Evaluation): Omit<EvaluationRow, 'application_number'> {
  return {
    pqi: evaluation.pqi,
    rights_score: evaluation.rightsScore,
    technology_score: evaluation.technologyScore,
    commercial_score: evaluation.commercialScore,
    tech_6t: evaluation.tech6t,
    source: evaluation.source,
  };
}

function fromEvaluationRow(row: EvaluationRow): Evaluation {
  return {
    applicationNumber: row.application_number,
    pqi: row.pqi,
    rightsScore: row.rights_score,
    technologyScore: row.technology_score,
    commercialScore: row.commercial_score,
    tech6t: row.tech_6t as Tech6T | null,
    source: row.source,
  };
}
