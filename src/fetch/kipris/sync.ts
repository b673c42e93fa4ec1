/**
 * The sync record of each KIPRIS Plus query: how far its current pass got and what it changed. A
 * page's patents and its sync record are written in one transaction, so the record never claims a
 * page whose patents are not stored, nor the reverse.
 */
import type Database from 'better-sqlite3';
import { migrate } from '../../store/schema.js';

/** The counts of a pass or a run. */
export interface PassCounts {
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** One query's sync record. */
export interface SyncRecord extends PassCounts {
  /** `<operation>:<term>`, e.g. `applicantNameSearchInfo:120040373042`. */
  query: string;
  docsCount: number;
  /** What `docsStart` held in this pass (`page` or `offset`). */
  docsStart: string;
  /** The last page committed in the current pass. */
  pagesDone: number;
  /** `TotalSearchCount` of the last page read, null when KIPRIS did not say. */
  totalCount: number | null;
  /** `running`: the pass stopped before its last page (killed, failed, `--max-pages`); `done`: it reached the end. */
  status: 'running' | 'done';
  startedAt: string;
  updatedAt: string;
}

const MIGRATIONS = [
  `CREATE TABLE kipris_sync (
    query TEXT PRIMARY KEY,
    docs_count INTEGER NOT NULL,
    docs_start TEXT NOT NULL,
    pages_done INTEGER NOT NULL,
    total_count INTEGER,
    status TEXT NOT NULL CHECK (status IN ('running', 'done')),
    pages INTEGER NOT NULL,
    fetched INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT`,
];

/** A row of `kipris_sync`: the counts keep their names, the rest is snake case. */
interface SyncRow extends PassCounts {
  query: string;
  docs_count: number;
  docs_start: string;
  pages_done: number;
  total_count: number | null;
  status: 'running' | 'done';
  started_at: string;
  updated_at: string;
}

/**
 * Creates or upgrades the `kipris_sync` table (module `fetch`). Safe to call on every run.
 *
 * @example
 * migrateSync(store.db);
 */
export function migrateSync(db: Database.Database): void {
  migrate(db, 'fetch', MIGRATIONS);
}

/**
 * A query's sync record, or null when it was never fetched.
 *
 * @example
 * readSync(store.db, 'applicantNameSearchInfo:120040373042')?.pagesDone // 2
 */
export function readSync(db: Database.Database, query: string): SyncRecord | null {
  const row = db.prepare<[string], SyncRow>('SELECT * FROM kipris_sync WHERE query = ?').get(query);
  if (!row) return null;
  const { docs_count, docs_start, pages_done, total_count, started_at, updated_at, ...rest } = row;
  return { ...rest, docsCount: docs_count, docsStart: docs_start, pagesDone: pages_done, totalCount: total_count, startedAt: started_at, updatedAt: updated_at };
}

/**
 * Writes a query's sync record; call it inside the transaction that stores the page it records.
 *
 * @example
 * store.db.transaction(() => { store.upsertPatents(patents, source); writeSync(store.db, record); }).immediate();
 */
export function writeSync(db: Database.Database, record: SyncRecord): void {
  db.prepare(
    `INSERT INTO kipris_sync (query, docs_count, docs_start, pages_done, total_count, status, pages, fetched, inserted, updated, unchanged, rejected, started_at, updated_at)
     VALUES (@query, @docsCount, @docsStart, @pagesDone, @totalCount, @status, @pages, @fetched, @inserted, @updated, @unchanged, @rejected, @startedAt, @updatedAt)
     ON CONFLICT (query) DO UPDATE SET docs_count = excluded.docs_count, docs_start = excluded.docs_start, pages_done = excluded.pages_done, total_count = excluded.total_count,
       status = excluded.status, pages = excluded.pages, fetched = excluded.fetched, inserted = excluded.inserted, updated = excluded.updated,
       unchanged = excluded.unchanged, rejected = excluded.rejected, started_at = excluded.started_at, updated_at = excluded.updated_at`,
  ).run(record);
}
