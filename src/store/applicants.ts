/**
 * Applicants and inventors in the store: `patents.applicants` and `patents.inventors` hold each list
 * as a JSON array (the record as read), and `patent_applicants` holds one row per applicant with its
 * `nameKey`, for the applicant filter and the names that help split space-joined fields.
 */
import type Database from 'better-sqlite3';
import { applicantList, inventorList, knownNames, nameKey, type KnownNames } from '../domain/names/index.js';

/**
 * Patents schema step 3: the single `applicant` and `inventors` strings become lists. Each stored
 * string is split as `ingest` splits a field today (separators, then space-joined co-applicants,
 * helped by the names the store's separated fields and the manager directory know).
 *
 * @example
 * migrate(db, 'patents', [...earlierSteps, listApplicantsAndInventors]);
 */
export function listApplicantsAndInventors(db: Database.Database): void {
  const rows = db.prepare('SELECT id, applicant, inventors FROM patents').all() as Array<{ id: number; applicant: string | null; inventors: string | null }>;
  const known = knownNames([...separatedNames(rows.map((row) => row.applicant)), ...directoryNames(db)]);
  db.exec(`
    ALTER TABLE patents DROP COLUMN applicant;
    ALTER TABLE patents DROP COLUMN inventors;
    ALTER TABLE patents ADD COLUMN applicants TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE patents ADD COLUMN inventors TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE patent_applicants (
      patent_id INTEGER NOT NULL REFERENCES patents (id),
      position INTEGER NOT NULL,
      name TEXT NOT NULL,
      name_key TEXT NOT NULL,
      PRIMARY KEY (patent_id, position)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX patent_applicants_name_key ON patent_applicants (name_key, patent_id);
  `);
  const update = db.prepare('UPDATE patents SET applicants = ?, inventors = ? WHERE id = ?');
  const writer = applicantWriter(db);
  for (const row of rows) {
    const applicants = applicantList(row.applicant, known).names;
    update.run(JSON.stringify(applicants), JSON.stringify(inventorList(row.inventors)), row.id);
    writer.write(row.id, applicants);
  }
}

/** Names from fields whose source separated them (`A|B`), and fields holding one name. */
function separatedNames(fields: ReadonlyArray<string | null>): string[] {
  return fields.flatMap((field) => {
    const list = applicantList(field);
    return list.outcome === 'separated' || list.outcome === 'single' ? list.names : [];
  });
}

/** The manager directory's applicants, when the match module has created it in this database. */
function directoryNames(db: Database.Database): string[] {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'match_managers'`).get();
  if (!table) return [];
  return (db.prepare('SELECT applicant FROM match_managers').all() as Array<{ applicant: string }>).map((row) => row.applicant);
}

/**
 * Replaces the `patent_applicants` rows of a patent.
 *
 * @example
 * applicantWriter(db).write(patentId, ['인천대학교 산학협력단', '에이치씨테크(주)']);
 */
export function applicantWriter(db: Database.Database): { write(patentId: number, applicants: readonly string[]): void } {
  const remove = db.prepare('DELETE FROM patent_applicants WHERE patent_id = ?');
  const insert = db.prepare('INSERT INTO patent_applicants (patent_id, position, name, name_key) VALUES (?, ?, ?, ?)');
  return {
    write(patentId, applicants) {
      remove.run(patentId);
      applicants.forEach((name, position) => insert.run(patentId, position, name, nameKey(name)));
    },
  };
}

/**
 * The SQL condition (on `patents.id`) and parameter of the applicant filter: any applicant whose
 * `nameKey` contains the filter's key. A filter that is only a company form (`주식회사`) has an
 * empty key, and is matched against the names as written instead.
 *
 * @example
 * applicantCondition('(주)에이치씨') // { sql: 'id IN (… instr(name_key, ?) …)', param: '에이치씨' }
 */
export function applicantCondition(filter: string): { sql: string; param: string } {
  const key = nameKey(filter);
  return key
    ? { sql: 'id IN (SELECT patent_id FROM patent_applicants WHERE instr(name_key, ?) > 0)', param: key }
    : { sql: 'id IN (SELECT patent_id FROM patent_applicants WHERE instr(lower(name), lower(?)) > 0)', param: filter.normalize('NFKC').trim() };
}

/**
 * Stored applicants that a source separated from others (patents with several), and one-word names.
 * A field kept whole because its reading was unsure is neither, so it never becomes a known name.
 */
const SEPARATED_NAMES = `SELECT DISTINCT name FROM patent_applicants
  WHERE instr(name, ' ') = 0 OR patent_id IN (SELECT patent_id FROM patent_applicants WHERE position = 1)`;

/**
 * The applicant names this database knows, as `KnownNames` for splitting space-joined fields: the
 * stored applicants a source separated and the manager directory's, read when first asked.
 *
 * @example
 * normalizePatent(raw, { knownApplicants: knownApplicantNames(store.db) });
 */
export function knownApplicantNames(db: Database.Database): KnownNames {
  // Read on first use: most files separate their applicants and never ask.
  let known: KnownNames | undefined;
  return {
    has(name) {
      if (!known) {
        const stored = (db.prepare(SEPARATED_NAMES).all() as Array<{ name: string }>).map((row) => row.name);
        known = knownNames([...stored, ...directoryNames(db)]);
      }
      return known.has(name);
    },
  };
}
