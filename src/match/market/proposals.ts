// A manager proposes patents of their organisation to a public demand: one match each, `proposed`,
// which the demander accepts or declines. The public methods of MatchService delegate here.
import { PatmatchError } from '../../domain/errors.js';
import { parseInput } from '../../util/validate.js';
import type { User } from '../accounts.js';
import { hasMatchFor, insertMatch, matchRow } from '../context.js';
import { matchBodies } from '../inputs.js';
import { enqueueProposal } from '../notify.js';
import { appendEvent, matchWithDemand, type MatchView } from '../views.js';
import { publicDemand } from './demands.js';
import type { MarketContext } from './index.js';
import { organisationKeys } from './organisation.js';

export async function proposePatents(ctx: MarketContext, user: User, demandId: number, input: unknown): Promise<MatchView[]> {
  if (user.role !== 'manager') throw new PatmatchError('forbidden', "only technology managers propose their organisation's patents");
  const body = parseInput(matchBodies.proposals, input, `proposals for demand ${demandId}`);
  const numbers = [...new Set(body.applicationNumbers)];
  // Explained before the transaction (it waits for the engine); only the best sentence is kept, for the email.
  const { query } = publicDemand(ctx, demandId);
  const reasons = (await ctx.options.search.explainPatents(query, numbers)).map((explanation) => explanation.sentences[0]?.text ?? null);
  const organization = user.organization ?? '';
  const keys = new Set(organisationKeys(ctx, organization));
  const patentOf = ctx.db.prepare('SELECT id, title, applicants FROM patents WHERE application_number = ?');
  const applicantKeys = ctx.db.prepare('SELECT name_key FROM patent_applicants WHERE patent_id = ?').pluck();
  const created = ctx.db.transaction(() => {
    const demand = publicDemand(ctx, demandId);
    const managerName = (ctx.db.prepare('SELECT name FROM match_managers WHERE email = ?').pluck().get(user.email) as string | undefined) ?? user.email;
    return numbers.map((number, i) => {
      const patent = patentOf.get(number) as { id: number; title: string; applicants: string } | undefined;
      if (!patent) throw new PatmatchError('not_found', `patent ${number} is not stored`);
      if (!(applicantKeys.all(patent.id) as string[]).some((key) => keys.has(key))) {
        throw new PatmatchError('forbidden', `patent ${number} is not a patent of ${organization}: you can only propose your organisation's patents`);
      }
      if (hasMatchFor(ctx, demandId, number)) {
        throw new PatmatchError('conflict', `patent ${number} is already requested or proposed for demand ${demandId}`);
      }
      const row = insertMatch(ctx, {
        demandId,
        applicationNumber: number,
        title: patent.title,
        applicants: patent.applicants,
        manager: { name: managerName, email: user.email, organization },
        status: 'proposed',
        origin: 'manager',
      });
      appendEvent(ctx, row.id, 'proposed', `${user.email} (manager)`, body.message ?? null);
      enqueueProposal(ctx, row, demand, reasons[i]!, body.message ?? null);
      return row.id;
    });
  }).immediate();
  ctx.options.onEnqueue();
  return created.map((id) => matchWithDemand(ctx, matchRow(ctx, id)));
}
