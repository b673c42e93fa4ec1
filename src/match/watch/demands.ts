import type Database from 'better-sqlite3';
import type { SearchFilters, SearchHit, SearchMode } from '../../domain/index.js';
import type { LexicalMaxima } from './score.js';

/** A recommendation as a demand stores it: the search hit, and when and by which index build the watch found it (null for the original snapshot). */
export type Recommendation = SearchHit & { addedAt: string | null; build: string | null };

/** A watched demand as the watch reads it. */
export interface WatchedDemand {
  id: number;
  userId: number;
  name: string;
  query: string;
  mode: SearchMode;
  /** The model its snapshot was scored with (`lexical` for keyword search). */
  model: string;
  recommendations: Recommendation[];
  filters: SearchFilters | null;
  vector: Float32Array | null;
  vectorModel: string | null;
  lexicalMax: LexicalMaxima | null;
  watchedRevision: number;
}

interface DemandRow {
  id: number;
  user_id: number;
  name: string;
  query: string;
  mode: SearchMode;
  model: string;
  recommendations: string;
  filters: string | null;
  query_vector: Buffer | null;
  vector_model: string | null;
  lexical_max: string | null;
  watched_revision: number;
}

const COLUMNS = 'id, user_id, name, query, mode, model, recommendations, filters, query_vector, vector_model, lexical_max, watched_revision';

/**
 * A stored f32 vector as its own Float32Array (SQLite's buffer may not be 4-byte aligned).
 *
 * @example
 * vectorOfBlob(row.query_vector) // Float32Array(256)
 */
export function vectorOfBlob(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

/**
 * The f32 bytes of a vector, as `query_vector` stores them.
 *
 * @example
 * blobOfVector(Float32Array.of(0.6, 0.8)).length // 8
 */
export function blobOfVector(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function toDemand(row: DemandRow): WatchedDemand {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    query: row.query,
    mode: row.mode,
    model: row.model,
    recommendations: JSON.parse(row.recommendations) as Recommendation[],
    filters: row.filters === null ? null : (JSON.parse(row.filters) as SearchFilters),
    vector: row.query_vector ? vectorOfBlob(row.query_vector) : null,
    vectorModel: row.vector_model,
    lexicalMax: row.lexical_max === null ? null : (JSON.parse(row.lexical_max) as LexicalMaxima),
    watchedRevision: row.watched_revision,
  };
}

/**
 * Watched demands behind revision `target`, page by page in id order, so memory stays bounded
 * however many there are; each page holds demands of one watched revision (they share candidates).
 *
 * @example
 * for (const page of watchedDemandPages(db, 2308, 500)) for (const demand of page) …
 */
export function* watchedDemandPages(db: Database.Database, target: number, pageSize: number): IterableIterator<WatchedDemand[]> {
  const revisions = db
    .prepare(`SELECT DISTINCT watched_revision AS revision FROM match_demands WHERE watch = 1 AND watched_revision < ? ORDER BY 1`)
    .all(target) as { revision: number }[];
  const page = db.prepare(`SELECT ${COLUMNS} FROM match_demands WHERE watch = 1 AND watched_revision = ? AND id > ? ORDER BY id LIMIT ?`);
  for (const { revision } of revisions) {
    let after = 0;
    for (;;) {
      const rows = page.all(revision, after, pageSize) as DemandRow[];
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      yield rows.map(toDemand);
    }
  }
}

/**
 * Starts the demands no watch has run for yet (created before the watch existed, or without a
 * known index revision) at `target`: the patents they were matched against are not news.
 *
 * @example
 * startUnwatched(db, 2308) // 12
 */
export function startUnwatched(db: Database.Database, target: number): number {
  return db.prepare('UPDATE match_demands SET watched_revision = ? WHERE watched_revision IS NULL').run(target).changes;
}

/**
 * How many watched demands are behind `target` (the progress bar's total).
 *
 * @example
 * countBehind(db, 2308) // 10000
 */
export function countBehind(db: Database.Database, target: number): number {
  return (db.prepare('SELECT count(*) AS n FROM match_demands WHERE watch = 1 AND watched_revision < ?').get(target) as { n: number }).n;
}
