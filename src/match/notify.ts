import type { SearchHit } from '../domain/index.js';
import { demandRow, type DemandRow, type MatchContext, type MatchRow } from './context.js';
import { managerMessageEmail, managerRequestEmail, proposalEmail, statusUpdateEmail, withdrawalEmail } from './emails.js';
import type { LinkAction } from './links.js';
import type { MatchStatus } from './schema.js';
import { patentOf, sharedSummary, summaryOf } from './views.js';

/** Statuses in which the manager has not answered yet, so the request email's links still apply. */
export const WAITING_FOR_MANAGER: readonly MatchStatus[] = ['requested', 'notified', 'viewed'];

/** Queues the request email to the match's manager (who must be known). */
export function enqueueManagerRequest(ctx: MatchContext, row: MatchRow, demand: DemandRow, message: string | null): void {
  ctx.outbox.enqueue({ kind: 'manager-request', matchId: row.id, to: row.manager_email!, ...managerRequest(ctx, row, demand, message) });
}

/** The request email to a match's manager, with fresh signed response links. */
export function managerRequest(ctx: MatchContext, row: MatchRow, demand: DemandRow, message: string | null): { subject: string; text: string } {
  const expires = Date.now() + ctx.options.linkTtlMs;
  const link = (action: LinkAction): string => responseLink(ctx, row.id, action, expires);
  return managerRequestEmail(
    summaryOf(ctx, demand),
    patentOf(row),
    { accept: link('accept'), decline: link('decline'), question: link('question'), expires },
    row.manager_name ?? '담당자',
    message,
    bestSentence(demand, row.application_number),
  );
}

function responseLink(ctx: MatchContext, matchId: number, action: LinkAction, expires: number): string {
  const signature = ctx.signer.sign({ matchId, action, expires });
  return `${ctx.options.publicUrl}/match/respond/${matchId}/${action}?expires=${expires}&sig=${signature}`;
}

/**
 * A demander's message to the manager. While the request still waits for an answer it is re-sent
 * with the message and fresh response links; after that only a reply link comes with it.
 */
export function enqueueManagerMessage(ctx: MatchContext, row: MatchRow, message: string): void {
  const demand = demandRow(ctx, row.demand_id);
  if (WAITING_FOR_MANAGER.includes(row.status)) {
    enqueueManagerRequest(ctx, row, demand, message);
    return;
  }
  const expires = Date.now() + ctx.options.linkTtlMs;
  const email = managerMessageEmail(sharedSummary(ctx, row, demand), patentOf(row), row.manager_name ?? '담당자', message, {
    reply: responseLink(ctx, row.id, 'question', expires),
    expires,
  });
  ctx.outbox.enqueue({ kind: 'manager-message', matchId: row.id, to: row.manager_email!, ...email });
}

/** Every message the demander wrote on a match, oldest first, or null when there is none. */
export function demanderMessages(ctx: MatchContext, matchId: number, demand: DemandRow): string | null {
  const owner = ctx.accounts.get(demand.user_id)?.email ?? '';
  const rows = ctx.db
    .prepare(`SELECT message FROM match_events WHERE match_id = ? AND actor IN (?, ?) AND message IS NOT NULL ORDER BY id`)
    .all(matchId, owner, `${owner} (demander)`) as { message: string }[];
  return rows.length > 0 ? rows.map((r) => r.message).join('\n\n') : null;
}

/** Tells the demander what happened to their match. */
export function enqueueStatusUpdate(ctx: MatchContext, row: MatchRow, status: MatchStatus, actor: string, message: string | null): void {
  const owner = ctx.db
    .prepare('SELECT u.email FROM match_demands d JOIN match_users u ON u.id = d.user_id WHERE d.id = ?')
    .get(row.demand_id) as { email: string };
  const email = statusUpdateEmail(patentOf(row), status, actor, message, `${ctx.options.publicUrl}/`);
  ctx.outbox.enqueue({ kind: 'status-update', matchId: row.id, to: owner.email, ...email });
}

/** Tells the demander that a manager proposes a patent for their public demand, with a link to the demand page. */
export function enqueueProposal(ctx: MatchContext, row: MatchRow, demand: DemandRow, reason: string | null, message: string | null): void {
  const owner = ctx.accounts.get(demand.user_id)!;
  const manager = { name: row.manager_name ?? row.manager_email ?? '담당자', organization: row.organization ?? '' };
  const email = proposalEmail(demand.name, patentOf(row), manager, message, reason, `${ctx.options.publicUrl}/#/match?demand=${demand.id}`);
  ctx.outbox.enqueue({ kind: 'proposal', matchId: row.id, to: owner.email, ...email });
}

/** Tells the manager who proposed a patent how the demander answered. */
export function enqueueProposalAnswer(ctx: MatchContext, row: MatchRow, status: MatchStatus, actor: string, message: string | null): void {
  const email = statusUpdateEmail(patentOf(row), status, actor, message, `${ctx.options.publicUrl}/#/match`);
  ctx.outbox.enqueue({ kind: 'proposal-answer', matchId: row.id, to: row.manager_email!, ...email });
}

/** Tells the manager that the demander withdrew the match. */
export function enqueueWithdrawal(ctx: MatchContext, row: MatchRow, message: string | null): void {
  ctx.outbox.enqueue({ kind: 'withdrawal', matchId: row.id, to: row.manager_email!, ...withdrawalEmail(patentOf(row), row.manager_name ?? '담당자', message) });
}

/** The best sentence of a recommendation's explanation in a demand's snapshot, or null (none, or stored before explanations). */
function bestSentence(demand: DemandRow, applicationNumber: string): string | null {
  const hits = JSON.parse(demand.recommendations) as SearchHit[];
  return hits.find((hit) => hit.applicationNumber === applicationNumber)?.explanation.sentences[0]?.text ?? null;
}
