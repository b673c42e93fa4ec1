import type Database from 'better-sqlite3';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { PatmatchError } from '../domain/errors.js';
import { nameKey } from '../domain/names/index.js';
import { parseInput } from '../util/validate.js';
import iconv from 'iconv-lite';
import { detectFileEncoding } from '../ingest/source.js';

/** The technology manager responsible for an applicant's patents. `organization` is their institution. */
export interface Manager {
  applicant: string;
  name: string;
  email: string;
  organization: string;
}

/** Columns of a manager directory CSV (`sample-managers.csv` has exactly these). */
export const MANAGER_CSV_COLUMNS = ['applicant', 'manager_name', 'manager_email', 'organization'] as const;

const managerCsvRecord = z.object({
  applicant: z.string().trim().min(1, 'is empty').max(500),
  manager_name: z.string().trim().min(1, 'is empty').max(200),
  manager_email: z.email().max(254),
  organization: z.string().trim().min(1, 'is empty').max(300),
});

/** A shorter directory key than this is not used for partial matches (it would match too much). */
const MIN_PARTIAL_KEY = 4;

/**
 * Reads and validates a manager directory CSV (UTF-8 with or without BOM, UTF-16 or CP949; header
 * row with `applicant,manager_name,manager_email,organization`). Errors name the file, line and
 * column; two rows for the same applicant (after `nameKey`) are an error, not a silent overwrite.
 *
 * @example
 * const managers = await readManagersCsv('../shared/data/kipris/sample-managers.csv');
 */
export async function readManagersCsv(path: string): Promise<Manager[]> {
  const file = basename(path);
  const missingFile = (error: NodeJS.ErrnoException): never => {
    throw new PatmatchError('not_found', `${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  };
  const encoding = await detectFileEncoding(path).catch(missingFile);
  const text = iconv.decode(await readFile(path).catch(missingFile), encoding);
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, info: true, relax_column_count: false }) as unknown as typeof rows;
  } catch (error) {
    throw new PatmatchError('invalid_input', `${file}: not a valid CSV (${(error as Error).message})`);
  }
  const header = rows[0]?.record.map((cell) => cell.trim()) ?? [];
  const missing = MANAGER_CSV_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new PatmatchError('invalid_input', `${file} header: missing column(s) ${missing.join(', ')} (found: ${header.join(', ') || 'nothing'})`);
  }
  const lineOf = new Map<string, number>();
  return rows.slice(1).map(({ record, info }) => {
    const where = `${file} line ${info.lines}`;
    const row = parseInput(managerCsvRecord, Object.fromEntries(header.map((column, i) => [column, record[i]])), where);
    const key = nameKey(row.applicant);
    const earlier = lineOf.get(key);
    if (earlier !== undefined) {
      throw new PatmatchError('invalid_input', `${where}, applicant: "${row.applicant}" is the same applicant as line ${earlier}; keep one row per applicant`);
    }
    lineOf.set(key, info.lines);
    return { applicant: row.applicant, name: row.manager_name, email: row.manager_email, organization: row.organization };
  });
}

interface ManagerRow {
  applicant: string;
  applicant_key: string;
  name: string;
  email: string;
  organization: string;
  organization_key: string;
}

const toManager = (row: ManagerRow): Manager => ({
  applicant: row.applicant,
  name: row.name,
  email: row.email,
  organization: row.organization,
});

/**
 * The applicant → manager directory. Lookups compare normalised names (see `nameKey`); a patent
 * with several applicants reaches the manager of each applicant the directory knows.
 *
 * @example
 * const directory = new ManagerDirectory(db);
 * directory.upsert(await readManagersCsv('managers.csv'));
 * directory.lookupAll(['인천대학교 산학협력단', '에이치씨테크(주)']).map((m) => m.organization) // ['인천대학교 산학협력단', '에이치씨테크(주)']
 */
export class ManagerDirectory {
  constructor(private readonly db: Database.Database) {}

  /** Adds or replaces entries (keyed by normalised applicant) in one transaction; identical ones are left alone. */
  upsert(managers: readonly Manager[]): { added: number; updated: number; unchanged: number } {
    const existing = this.db.prepare('SELECT applicant, name, email, organization FROM match_managers WHERE applicant_key = ?');
    const write = this.db.prepare(
      `INSERT INTO match_managers (applicant, applicant_key, name, email, organization, organization_key, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(applicant_key) DO UPDATE SET applicant = excluded.applicant, name = excluded.name,
         email = excluded.email, organization = excluded.organization,
         organization_key = excluded.organization_key, updated_at = excluded.updated_at`,
    );
    const now = new Date().toISOString();
    return this.db.transaction(() => {
      const counts = { added: 0, updated: 0, unchanged: 0 };
      for (const manager of managers) {
        const key = nameKey(manager.applicant);
        const before = existing.get(key) as Pick<Manager, 'applicant' | 'name' | 'email' | 'organization'> | undefined;
        const same =
          before?.applicant === manager.applicant &&
          before.name === manager.name &&
          before.email === manager.email.toLowerCase() &&
          before.organization === manager.organization;
        counts[!before ? 'added' : same ? 'unchanged' : 'updated']++;
        if (same) continue;
        write.run(manager.applicant, key, manager.name, manager.email.toLowerCase(), manager.organization, nameKey(manager.organization), now);
      }
      return counts;
    }).immediate();
  }

  /** Number of entries. */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM match_managers').get() as { n: number }).n;
  }

  /**
   * The managers of a patent's applicants, one per organisation (by `nameKey`), in applicant order:
   * the entry of each applicant, then an entry for all of them together (a directory may list a
   * co-applied string as written; it counts for the organisation it names). A single applicant the
   * directory does not know may be a field that stayed whole (`어느회사 인천대학교 산학협력단`): then
   * the known names inside it count, left to right, the longest where two overlap. Empty when none
   * is known (the request waits in the admin queue).
   */
  lookupAll(applicants: readonly string[]): Manager[] {
    const keys = applicants.map(nameKey).filter((key) => key !== '');
    const byKey = this.db.prepare<[string], ManagerRow>('SELECT * FROM match_managers WHERE applicant_key = ?');
    const whole = keys.join('');
    let rows = [...keys, ...(keys.length > 1 ? [whole] : [])].flatMap((key) => byKey.get(key) ?? []);
    if (rows.length === 0 && keys.length === 1) rows = this.namesInside(whole);
    const byOrganisation = new Map<string, Manager>();
    for (const row of rows) if (!byOrganisation.has(row.organization_key)) byOrganisation.set(row.organization_key, toManager(row));
    return [...byOrganisation.values()];
  }

  /** Entries whose key (at least `MIN_PARTIAL_KEY` long) appears inside `key`, left to right, without overlaps (longest first). */
  private namesInside(key: string): ManagerRow[] {
    const found = this.db
      .prepare<[number, string], ManagerRow>('SELECT * FROM match_managers WHERE length(applicant_key) >= ? AND instr(?, applicant_key) > 0')
      .all(MIN_PARTIAL_KEY, key)
      .map((row) => ({ row, start: key.indexOf(row.applicant_key) }))
      .sort((a, b) => a.start - b.start || b.row.applicant_key.length - a.row.applicant_key.length);
    const inside: ManagerRow[] = [];
    let end = 0;
    for (const { row, start } of found) {
      if (start < end) continue;
      inside.push(row);
      end = start + row.applicant_key.length;
    }
    return inside;
  }
}
