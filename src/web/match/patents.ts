/** How the demander's page groups the matches of a demand: a patent reaches one match per organisation. */
import type { MatchView } from '../../match/views.js';

/** One requested patent and its matches, one per organisation its request reached (or one waiting for an admin). */
export interface RequestedPatent {
  applicationNumber: string;
  title: string;
  matches: MatchView[];
}

/**
 * The matches of a demand grouped by patent, in the order each patent was first requested; each
 * group keeps its matches in request order (the applicants' order).
 *
 * @example
 * matchesByPatent(demand.matches).map((patent) => [patent.applicationNumber, patent.matches.length]) // [['1020160138184', 2], …]
 */
export function matchesByPatent(matches: readonly MatchView[]): RequestedPatent[] {
  const patents = new Map<string, RequestedPatent>();
  for (const match of matches) {
    const patent = patents.get(match.applicationNumber) ?? { applicationNumber: match.applicationNumber, title: match.title, matches: [] };
    patent.matches.push(match);
    patents.set(match.applicationNumber, patent);
  }
  return [...patents.values()];
}
