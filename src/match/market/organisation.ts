// The patents of a manager's organisation: store patents with an applicant whose normalised name is
// the organisation's, or one the manager directory lists for that organisation.
import { nameKey } from '../../domain/names/index.js';
import type { MatchContext } from '../context.js';

/** A patent of the organisation, as the market lists it. */
export interface OrganisationPatent {
  applicationNumber: string;
  title: string;
  abstract: string;
  applicants: string[];
}

/**
 * The normalised applicant names of an organisation: its own name, and every applicant the manager
 * directory routes to it (an organisation may file under several names).
 *
 * @example
 * organisationKeys(ctx, '인천대학교 산학협력단') // ['인천대학교산학협력단', …]
 */
export function organisationKeys(ctx: MatchContext, organization: string): string[] {
  const key = nameKey(organization);
  const listed = ctx.db.prepare('SELECT applicant_key FROM match_managers WHERE organization_key = ?').pluck().all(key) as string[];
  return [...new Set([key, ...listed])];
}

/**
 * The organisation's stored patents, in store order.
 *
 * @example
 * organisationPatents(ctx, organisationKeys(ctx, '인천대학교 산학협력단')).length // 979
 */
export function organisationPatents(ctx: MatchContext, keys: readonly string[]): OrganisationPatent[] {
  const rows = ctx.db
    .prepare(
      `SELECT application_number, title, abstract, applicants FROM patents WHERE id IN (
         SELECT patent_id FROM patent_applicants WHERE name_key IN (SELECT value FROM json_each(?))) ORDER BY id`,
    )
    .all(JSON.stringify(keys)) as { application_number: string; title: string; abstract: string; applicants: string }[];
  return rows.map((row) => ({ applicationNumber: row.application_number, title: row.title, abstract: row.abstract, applicants: JSON.parse(row.applicants) as string[] }));
}
