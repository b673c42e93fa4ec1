/**
 * Match schema step 3: the applicant string that match requests and recommendation snapshots kept
 * becomes a list, as the store's applicants did (see `listApplicantsAndInventors`).
 */
import type Database from 'better-sqlite3';
import { applicantList } from '../domain/names/index.js';

/**
 * Moves `match_requests.applicant` into `applicants` (a JSON array) and rewrites each snapshot hit's
 * `applicant` as `applicants`. A patent the store holds takes the store's list; otherwise the string
 * is split as `ingest` splits a field.
 *
 * @example
 * migrate(db, 'match', [...earlierSteps, listMatchApplicants]);
 */
export function listMatchApplicants(db: Database.Database): void {
  const storeHasLists = db.prepare(`SELECT 1 FROM pragma_table_info('patents') WHERE name = 'applicants'`).get() !== undefined;
  const stored = storeHasLists ? db.prepare<[string], { applicants: string }>('SELECT applicants FROM patents WHERE application_number = ?') : null;
  const applicantsOf = (applicationNumber: string, applicant: unknown): string[] => {
    const row = stored?.get(applicationNumber);
    const fromStore = row ? (JSON.parse(row.applicants) as string[]) : [];
    return fromStore.length > 0 ? fromStore : applicantList(applicant).names;
  };
  db.exec(`ALTER TABLE match_requests ADD COLUMN applicants TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(applicants))`);
  const requests = db.prepare('SELECT id, application_number, applicant FROM match_requests').all() as Array<{ id: number; application_number: string; applicant: string | null }>;
  const setRequest = db.prepare('UPDATE match_requests SET applicants = ? WHERE id = ?');
  for (const row of requests) setRequest.run(JSON.stringify(applicantsOf(row.application_number, row.applicant)), row.id);
  db.exec('ALTER TABLE match_requests DROP COLUMN applicant');
  const demands = db.prepare('SELECT id, recommendations FROM match_demands').all() as Array<{ id: number; recommendations: string }>;
  const setDemand = db.prepare('UPDATE match_demands SET recommendations = ? WHERE id = ?');
  for (const demand of demands) {
    const hits = JSON.parse(demand.recommendations) as Array<Record<string, unknown>>;
    const listed = hits.map(({ applicant, ...hit }) => ({ ...hit, applicants: hit.applicants ?? applicantsOf(String(hit.applicationNumber), applicant) }));
    setDemand.run(JSON.stringify(listed), demand.id);
  }
}
