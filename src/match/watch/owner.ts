// What a demand's owner does about its watch (switch it off and on, mark new recommendations seen,
// stop it from the digest's signed link) and its other settings (visibility). MatchService
// delegates here and carries the doc comments.
import { PatmatchError } from '../../domain/errors.js';
import type { User } from '../accounts.js';
import { demandRow, ownDemand, type MatchContext } from '../context.js';
import { matchBodies } from '../inputs.js';
import type { DemandLinkClaim } from '../links.js';
import { demandView, type DemandView } from '../views.js';
import { parseInput } from '../../util/validate.js';

export function updateDemand(ctx: MatchContext, user: User, id: number, input: unknown): DemandView {
  const patch = parseInput(matchBodies.demandPatch, input, `demand ${id}`);
  ctx.db.transaction(() => {
    ownDemand(ctx, user, id);
    if (patch.watch !== undefined) ctx.db.prepare('UPDATE match_demands SET watch = ? WHERE id = ?').run(patch.watch ? 1 : 0, id);
    if (patch.visibility) ctx.db.prepare('UPDATE match_demands SET visibility = ? WHERE id = ?').run(patch.visibility, id);
  }).immediate();
  return demandView(ctx, ownDemand(ctx, user, id));
}

export function markSeen(ctx: MatchContext, user: User, id: number, input: unknown): DemandView {
  const { until } = parseInput(matchBodies.seen, input ?? {}, `seen of demand ${id}`);
  const row = ownDemand(ctx, user, id);
  if (user.id !== row.user_id) throw new PatmatchError('forbidden', `only the owner of demand ${id} marks its recommendations seen`);
  // A watch run that commits between the page's read and this call adds recommendations the owner
  // has not seen: only those the page showed (added up to `until`) become seen. Never moves back.
  const now = new Date().toISOString();
  const seenAt = until === undefined ? now : new Date(Math.min(Date.parse(until), Date.now())).toISOString();
  ctx.db.prepare('UPDATE match_demands SET seen_at = max(coalesce(seen_at, \'\'), ?) WHERE id = ?').run(seenAt, id);
  return demandView(ctx, ownDemand(ctx, user, id));
}

/** The demand of a valid stop-watching link; `forbidden` for a forged or expired one. */
function linkedRow(ctx: MatchContext, claim: DemandLinkClaim, signature: string) {
  if (!ctx.signer.verifyDemand(claim, signature)) {
    throw new PatmatchError('forbidden', 'this link is not valid or has expired; switch watching off on the demand page instead');
  }
  const row = demandRow(ctx, claim.demandId);
  if (!row) throw new PatmatchError('not_found', `demand ${claim.demandId} does not exist`);
  return row;
}

export function linkedDemand(ctx: MatchContext, claim: DemandLinkClaim, signature: string): { id: number; name: string; watch: boolean } {
  const row = linkedRow(ctx, claim, signature);
  return { id: row.id, name: row.name, watch: row.watch === 1 };
}

export function unwatchByLink(ctx: MatchContext, claim: DemandLinkClaim, signature: string): { id: number; name: string; watch: boolean } {
  const row = linkedRow(ctx, claim, signature);
  ctx.db.prepare('UPDATE match_demands SET watch = 0 WHERE id = ?').run(row.id);
  return { id: row.id, name: row.name, watch: false };
}
