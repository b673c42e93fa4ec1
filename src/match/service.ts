import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { SearchHit, SearchMode, Translation } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import type { SearchEngine } from '../search/types.js';
import { Accounts, type User } from './accounts.js';
import { LOGGED_NOTICE, managerMessageEmail, managerRequestEmail, statusUpdateEmail, withdrawalEmail, type DemandSummary, type PatentSummary } from './emails.js';
import { LinkSigner, type LinkAction, type LinkClaim } from './links.js';
import { ManagerDirectory } from './managers.js';
import { nameKey } from '../domain/names/index.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { migrateMatch, type MatchStatus } from './schema.js';
import { parseInput } from '../util/validate.js';
import { SEARCH_LIMITS, validateFilters } from '../search/engine.js';

/** Settings of the match workflow; `db`, `search`, `secret` and `publicUrl` have no default. */
export interface MatchServiceOptions {
  db: Database.Database;
  search: SearchEngine;
  /** Key of the signed email links (see `loadSecret`). */
  secret: Buffer;
  /** Base URL that emailed links point to, e.g. `https://patmatch.example.org`. */
  publicUrl: string;
  /** How long emailed response links work. */
  linkTtlMs: number;
  /** Recommendations stored per demand. */
  recommendations: number;
  /** Called after a transaction that queued email commits (wakes the worker). */
  onEnqueue: () => void;
  /** Right-hand side of the Message-IDs of outgoing email (usually the sender's domain). */
  messageIdDomain: string;
  /** Whether emails go to a mail server (`--smtp`); false when they are only logged, so resending a logged one is refused. */
  mailServer: boolean;
}

export const defaultMatchServiceOptions = {
  linkTtlMs: 14 * 24 * 3_600_000,
  recommendations: 20,
  onEnqueue: () => {},
  messageIdDomain: 'patmatch.localhost',
  mailServer: true,
} satisfies Partial<MatchServiceOptions>;

/** One line of a match's timeline. */
export interface TimelineEvent {
  status: MatchStatus;
  actor: string;
  message: string | null;
  at: string;
}

/** A match request with its manager (null while it waits in the admin queue) and timeline. */
export interface MatchView {
  id: number;
  demandId: number;
  applicationNumber: string;
  title: string;
  applicants: string[];
  manager: { name: string; email: string; organization: string } | null;
  status: MatchStatus;
  createdAt: string;
  updatedAt: string;
  timeline: TimelineEvent[];
  /** The demand, for managers and admins who do not own it. */
  demand?: DemandSummary & { id: number };
}

/** A demand with the recommendation snapshot it was shown and the matches requested from it. */
export interface DemandView {
  id: number;
  name: string;
  description: string;
  field: string | null;
  transferKind: string | null;
  contact: string | null;
  query: string;
  mode: SearchMode;
  model: string;
  createdAt: string;
  /** English words of the demand that keyword search (lexical, hybrid) also looked for in Korean. */
  translations: Translation[];
  recommendations: SearchHit[];
  matches: MatchView[];
}

/** Who changes a match: a logged-in user, the manager holding a signed link, or patmatch itself. */
export type Actor = { user: User } | { link: LinkClaim } | { system: string };

// Control characters: none in one-line fields; a description may keep tabs and line breaks. The
// ranges are Unicode's Cc, spelt out: the OpenAPI document shows the pattern, and OpenAPI's regular
// expressions have no u flag, without which \p{Cc} would mean the letters p, C, c and braces.
const oneLine = (max: number) => z.string().trim().max(max).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must be one line without control characters');
const demandInput = z.object({
  name: oneLine(200).min(1, 'is empty'),
  description: z
    .string()
    .trim()
    .min(1, 'is empty')
    .max(5000)
    .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/u, 'must not contain control characters other than tabs and line breaks'),
  field: oneLine(200).optional(),
  transferKind: oneLine(100).optional(),
  contact: oneLine(300).optional(),
  top: z.number().int().min(1).max(100).optional(),
  mode: z.enum(['seed', 'dense', 'hybrid', 'lexical']).optional(),
  // Types only: lengths, forms and date order are checked by validateFilters, as for a search.
  filters: z
    .object({
      ipc: z.string().optional(),
      from: z.string().optional(),
      to: z.string().optional(),
      applicant: z.string().optional(),
      status: z.string().optional(),
    })
    .strict()
    .optional(),
});
/** Body of `POST /api/demands`. */
export type DemandInput = z.input<typeof demandInput>;

const matchInput = z.object({
  applicationNumbers: z.array(z.string().regex(/^\d{13}$/, 'must be a 13-digit application number')).min(1).max(50),
  message: z.string().trim().max(2000).optional(),
});
/** Body of `POST /api/demands/{id}/matches`. */
export type MatchInput = z.input<typeof matchInput>;

const statusInput = z.object({
  status: z.enum(['viewed', 'accepted', 'declined', 'negotiating', 'transferred', 'closed']),
  message: z.string().trim().max(2000).optional(),
});
const messageInput = z.object({ message: z.string().trim().min(1, 'is empty').max(2000) });
const assignInput = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  organization: z.string().trim().min(1).max(300),
});

/**
 * The zod schemas of the JSON bodies the match routes take. The service parses bodies with them,
 * and the OpenAPI document describes the bodies with JSON Schema generated from them.
 *
 * @example
 * matchBodies.message.safeParse({ message: '샘플 제공 가능 여부?' }).success // true
 */
export const matchBodies = { demand: demandInput, matches: matchInput, status: statusInput, message: messageInput, manager: assignInput } as const;

/** Where each status may go next. */
const NEXT: Record<MatchStatus, readonly MatchStatus[]> = {
  requested: ['notified', 'viewed', 'accepted', 'declined', 'closed'],
  notified: ['viewed', 'accepted', 'declined', 'closed'],
  viewed: ['accepted', 'declined', 'closed'],
  accepted: ['negotiating', 'closed'],
  declined: [],
  negotiating: ['transferred', 'closed'],
  transferred: [],
  closed: [],
};
/** Statuses in which the manager has not answered yet, so the request email's links still apply. */
const WAITING_FOR_MANAGER: readonly MatchStatus[] = ['requested', 'notified', 'viewed'];
/** Statuses a demander may set on their own match (withdrawing it); managers set the rest. */
const DEMANDER_STATUSES: readonly MatchStatus[] = ['closed'];
const LINK_STATUS: Record<Exclude<LinkAction, 'question'>, MatchStatus> = { accept: 'accepted', decline: 'declined' };

interface DemandRow {
  id: number;
  user_id: number;
  name: string;
  description: string;
  field: string | null;
  transfer_kind: string | null;
  contact: string | null;
  query: string;
  mode: SearchMode;
  model: string;
  recommendations: string;
  translations: string | null;
  created_at: string;
}

interface MatchRow {
  id: number;
  demand_id: number;
  application_number: string;
  title: string;
  /** JSON array of the applicants. */
  applicants: string;
  manager_name: string | null;
  manager_email: string | null;
  organization: string | null;
  organization_key: string | null;
  status: MatchStatus;
  created_at: string;
  updated_at: string;
}

const notFound = (what: string, id: number): PatmatchError => new PatmatchError('not_found', `${what} ${id} does not exist`);

/**
 * The demand → recommendation → match request → answer workflow, with authorisation: demanders see
 * their own demands, managers the matches of their organisation, admins everything. Every change
 * and the email reporting it are written in one transaction (the outbox).
 *
 * @example
 * const service = new MatchService({ db, search, secret, publicUrl: 'http://localhost:8080' });
 * const demand = await service.createDemand(user, { name: '영상 인식', description: '딥러닝 기반 불량 검출' });
 * service.requestMatches(user, demand.id, { applicationNumbers: [demand.recommendations[0]!.applicationNumber] });
 */
export class MatchService {
  readonly options: MatchServiceOptions;
  readonly db: Database.Database;
  readonly accounts: Accounts;
  readonly managers: ManagerDirectory;
  readonly outbox: Outbox;
  readonly signer: LinkSigner;

  constructor(options: Partial<MatchServiceOptions> & Pick<MatchServiceOptions, 'db' | 'search' | 'secret' | 'publicUrl'>) {
    this.options = { ...defaultMatchServiceOptions, ...options, publicUrl: options.publicUrl.replace(/\/+$/, '') };
    this.db = options.db;
    migrateMatch(this.db);
    this.accounts = new Accounts(this.db);
    this.managers = new ManagerDirectory(this.db);
    this.outbox = new Outbox(this.db, this.options.messageIdDomain);
    this.signer = new LinkSigner(options.secret);
  }

  /** Changes the base URL of emailed links, e.g. once the server knows the port it listens on. */
  setPublicUrl(url: string): void {
    this.options.publicUrl = url.replace(/\/+$/, '');
  }

  /** Registers a demand, computes its recommendations and stores them as shown (snapshot). */
  async createDemand(user: User, input: unknown): Promise<DemandView> {
    const demand = parseInput(demandInput, input, 'demand');
    if (demand.filters) demand.filters = validateFilters(demand.filters, 'demand, filters.');
    // The description may be longer than a search query may be; its start says the most.
    const query = `${demand.name}\n${demand.description}`.slice(0, SEARCH_LIMITS.maxQueryLength);
    const result = await this.options.search.search(query, {
      top: demand.top ?? this.options.recommendations,
      ...(demand.mode && { mode: demand.mode }),
      ...(demand.filters && { filters: demand.filters }),
    });
    const row = this.db
      .prepare(
        `INSERT INTO match_demands (user_id, name, description, field, transfer_kind, contact, query, mode, model, recommendations, translations, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        user.id,
        demand.name,
        demand.description,
        demand.field || null,
        demand.transferKind || null,
        demand.contact || null,
        query,
        result.mode,
        result.model,
        JSON.stringify(result.hits),
        result.translations ? JSON.stringify(result.translations) : null,
        new Date().toISOString(),
      ) as DemandRow;
    return this.#demandView(row);
  }

  /** The user's demands (all demands for admins), newest first, without recommendations. */
  listDemands(user: User): Omit<DemandView, 'recommendations'>[] {
    const rows = this.db
      .prepare(`SELECT * FROM match_demands WHERE ? OR user_id = ? ORDER BY id DESC`)
      .all(user.role === 'admin' ? 1 : 0, user.id) as DemandRow[];
    return rows.map((row) => {
      const { recommendations: _snapshot, ...view } = this.#demandView(row);
      return view;
    });
  }

  /** One demand; `not_found` unless the user owns it (or is an admin), so other demands stay invisible. */
  getDemand(user: User, id: number): DemandView {
    return this.#demandView(this.#ownDemand(user, id));
  }

  /**
   * Requests the selected recommended patents. Each one gets a match routed to the manager of its
   * applicant, with an email to them; patents without a known manager wait in the admin queue.
   */
  requestMatches(user: User, demandId: number, input: unknown): MatchView[] {
    const body = parseInput(matchInput, input, `matches of demand ${demandId}`);
    const created = this.db.transaction(() => {
      const demand = this.#ownDemand(user, demandId);
      const hits = new Map((JSON.parse(demand.recommendations) as SearchHit[]).map((hit) => [hit.applicationNumber, hit]));
      return [...new Set(body.applicationNumbers)].map((number) => {
        const hit = hits.get(number);
        if (!hit) {
          throw new PatmatchError('invalid_input', `matches of demand ${demandId}, applicationNumbers: ${number} is not among its recommendations`);
        }
        const existing = this.db.prepare('SELECT id FROM match_requests WHERE demand_id = ? AND application_number = ?').get(demandId, number);
        if (existing) throw new PatmatchError('conflict', `patent ${number} is already requested for demand ${demandId}`);
        const manager = this.managers.lookup(hit.applicants);
        const now = new Date().toISOString();
        const row = this.db
          .prepare(
            `INSERT INTO match_requests (demand_id, application_number, title, applicants, manager_name, manager_email,
               organization, organization_key, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?) RETURNING *`,
          )
          .get(
            demandId,
            number,
            hit.title,
            JSON.stringify(hit.applicants),
            manager?.name ?? null,
            manager?.email ?? null,
            manager?.organization ?? null,
            manager ? nameKey(manager.organization) : null,
            now,
            now,
          ) as MatchRow;
        this.#appendEvent(row.id, 'requested', user.email, body.message ?? null);
        if (!manager) this.#appendEvent(row.id, 'requested', 'patmatch', 'no known manager: waiting in the admin queue');
        if (manager) this.#enqueueManagerRequest(row, demand, body.message ?? null);
        return row.id;
      });
    }).immediate();
    this.options.onEnqueue();
    return created.map((id) => this.#matchView(this.#matchRow(id)));
  }

  /**
   * One match as its demander, its manager's organisation or an admin may see it. Reading changes
   * nothing (a GET can be triggered from another site); a manager marks it viewed with `changeStatus`.
   */
  getMatch(user: User, id: number): MatchView {
    const row = this.#visibleMatch(user, id);
    return { ...this.#matchView(row), demand: this.#demandSummary(row.demand_id) };
  }

  /** Matches a manager answers (their organisation's; all for admins), newest first. */
  listManagedMatches(user: User): MatchView[] {
    if (user.role === 'demander') throw new PatmatchError('forbidden', 'only managers and admins have an inbox of match requests');
    const rows = this.db
      .prepare(`SELECT * FROM match_requests WHERE ? OR organization_key = ? ORDER BY id DESC`)
      .all(user.role === 'admin' ? 1 : 0, nameKey(user.organization ?? '')) as MatchRow[];
    return rows.map((row) => ({ ...this.#matchView(row), demand: this.#demandSummary(row.demand_id) }));
  }

  /** Moves a match to a new status (recorded in the timeline, emailed to the demander). */
  changeStatus(actor: Actor, id: number, input: unknown): MatchView {
    const body = parseInput(statusInput, input, `status of match ${id}`);
    this.#withMatch(actor, id, (row) => {
      if ('user' in actor && actor.user.role === 'demander' && !DEMANDER_STATUSES.includes(body.status)) {
        throw new PatmatchError('forbidden', `a demander can only close a match, not set it to ${body.status}`);
      }
      this.#transition(actor, row, body.status, body.message ?? null);
    });
    return this.#matchView(this.#matchRow(id));
  }

  /**
   * Adds a message (a manager's question, a demander's answer, an admin's note) to the timeline and
   * emails the other side. A manager's first message marks the match viewed. Finished matches
   * (declined, transferred, closed) take no more messages: nobody would act on them.
   */
  postMessage(actor: Actor, id: number, input: unknown): MatchView {
    const { message } = parseInput(messageInput, input, `message on match ${id}`);
    this.#withMatch(actor, id, (row) => {
      if (NEXT[row.status].length === 0) {
        throw new PatmatchError('conflict', `match ${id} is ${row.status}; it takes no more messages`);
      }
      const role = 'link' in actor ? 'manager' : 'user' in actor ? actor.user.role : 'admin';
      const who = this.#actorName(actor, row);
      if (role === 'manager' && (row.status === 'requested' || row.status === 'notified')) {
        this.#transition(actor, row, 'viewed', message);
        return;
      }
      this.#appendEvent(row.id, row.status, who, message);
      if (role !== 'demander') this.#enqueueStatusUpdate(row, row.status, who, message);
      else if (row.manager_email) this.#enqueueManagerMessage(row, message);
    });
    return this.#matchView(this.#matchRow(id));
  }

  /** Performs what a signed email link asks (`accept`, `decline`, `question` with a message). */
  respondByLink(claim: LinkClaim, signature: string, message: string | undefined): MatchView {
    if (!this.signer.verify(claim, signature)) {
      throw new PatmatchError('forbidden', 'this link is not valid or has expired; ask the requester for a new one');
    }
    const actor = { link: claim };
    if (claim.action === 'question') return this.postMessage(actor, claim.matchId, { message });
    return this.changeStatus(actor, claim.matchId, { status: LINK_STATUS[claim.action], ...(message && { message }) });
  }

  /** The match a valid link refers to (for the confirmation page). */
  linkedMatch(claim: LinkClaim, signature: string): MatchView {
    if (!this.signer.verify(claim, signature)) {
      throw new PatmatchError('forbidden', 'this link is not valid or has expired; ask the requester for a new one');
    }
    const row = this.#matchRow(claim.matchId);
    return { ...this.#matchView(row), demand: this.#demandSummary(row.demand_id) };
  }

  /**
   * Matches waiting for an admin: no manager is known for the patent's applicant, or the request
   * email to the manager failed for good (a wrong address) and nothing else is on its way.
   */
  adminQueue(user: User): MatchView[] {
    this.#requireAdmin(user);
    const rows = this.db
      .prepare(
        `SELECT * FROM match_requests r WHERE r.status = 'requested' AND (r.manager_email IS NULL OR (
           EXISTS (SELECT 1 FROM match_outbox o WHERE o.match_id = r.id AND o.kind = 'manager-request' AND o.state = 'failed')
           AND NOT EXISTS (SELECT 1 FROM match_outbox o WHERE o.match_id = r.id AND o.kind = 'manager-request' AND o.state <> 'failed')))
         ORDER BY r.id`,
      )
      .all() as MatchRow[];
    return rows.map((row) => ({ ...this.#matchView(row), demand: this.#demandSummary(row.demand_id) }));
  }

  /**
   * Routes a match that no manager has received yet (`requested`) to a manager chosen by an admin
   * and emails them, with the messages the demander wrote so far. This also re-routes a match whose
   * request email failed (a wrong address): unsent emails to the former manager are cancelled.
   */
  assignManager(user: User, id: number, input: unknown): MatchView {
    this.#requireAdmin(user);
    const manager = parseInput(assignInput, input, `manager of match ${id}`);
    this.db.transaction(() => {
      const row = this.#matchRow(id);
      if (row.status !== 'requested') {
        throw new PatmatchError('conflict', `match ${id} is ${row.status}: its manager ${row.manager_email ?? ''} already has the request`);
      }
      if (this.outbox.cancelUnsent(id, 'manager-request', `cancelled: match ${id} was routed to ${manager.email}`) === 'sending') {
        throw new PatmatchError('conflict', `match ${id}: an email to ${row.manager_email} is being sent right now; try again in a minute`);
      }
      this.db
        .prepare(`UPDATE match_requests SET manager_name = ?, manager_email = ?, organization = ?, organization_key = ?, updated_at = ? WHERE id = ?`)
        .run(manager.name, manager.email.toLowerCase(), manager.organization, nameKey(manager.organization), new Date().toISOString(), id);
      this.#appendEvent(id, 'requested', user.email, `assigned to ${manager.name} <${manager.email}> (${manager.organization})`);
      const demand = this.#demandRow(row.demand_id);
      this.#enqueueManagerRequest(this.#matchRow(id), demand, this.#demanderMessages(id, demand));
    }).immediate();
    this.options.onEnqueue();
    return this.#matchView(this.#matchRow(id));
  }

  /**
   * Sends a failed or only logged email again (admins). A manager request is rebuilt with fresh
   * response links, and only while the match still waits for the manager: a withdrawn or answered
   * match is not re-sent to a manager who could no longer act on it. A logged email is resent only
   * when there is a mail server now.
   */
  retryEmail(user: User, id: number): OutboxEntry {
    this.#requireAdmin(user);
    const entry = this.db.transaction(() => {
      const email = this.outbox.get(id);
      if (email?.state === 'logged' && !this.options.mailServer) {
        throw new PatmatchError('conflict', `outbox email ${id} was only logged; start serve with --smtp to send it, as it would only be logged again`);
      }
      if (email?.kind !== 'manager-request' || email.matchId === null) return this.outbox.retry(id);
      const row = this.#matchRow(email.matchId);
      if (!WAITING_FOR_MANAGER.includes(row.status)) {
        throw new PatmatchError('conflict', `outbox email ${id}: match ${row.id} is ${row.status}; its manager request is no longer needed`);
      }
      const demand = this.#demandRow(row.demand_id);
      return this.outbox.retry(id, this.#managerRequest(row, demand, this.#demanderMessages(row.id, demand)));
    }).immediate();
    this.options.onEnqueue();
    return entry;
  }

  /** Outbox hook: a delivered manager request moves its match from requested to notified. */
  readonly onEmailSent = (entry: OutboxEntry): void => {
    if (entry.kind !== 'manager-request' || entry.matchId === null) return;
    const row = this.#matchRow(entry.matchId);
    if (row.status === 'requested') this.#transition({ system: 'patmatch (email delivered)' }, row, 'notified', null);
  };

  /**
   * Outbox hook: a manager request that was only logged (no mail server) leaves its match
   * `requested` and says so in the timeline, so nobody takes it for delivered.
   */
  readonly onEmailLogged = (entry: OutboxEntry): void => {
    if (entry.kind !== 'manager-request' || entry.matchId === null) return;
    if (this.#matchRow(entry.matchId).status === 'requested') this.#appendEvent(entry.matchId, 'requested', 'patmatch', LOGGED_NOTICE);
  };

  #requireAdmin(user: User): void {
    if (user.role !== 'admin') throw new PatmatchError('forbidden', 'only admins can do this');
  }

  #withMatch(actor: Actor, id: number, change: (row: MatchRow) => void): void {
    // IMMEDIATE: the write lock is taken before the read, so a concurrent writer in another server
    // process makes this wait (busy timeout) rather than fail with SQLITE_BUSY on upgrade.
    this.db.transaction(() => {
      const row = 'user' in actor ? this.#visibleMatch(actor.user, id) : this.#matchRow(id);
      if ('link' in actor && actor.link.matchId !== id) throw notFound('match', id);
      change(row);
    }).immediate();
    this.options.onEnqueue();
  }

  #transition(actor: Actor, row: MatchRow, status: MatchStatus, message: string | null): void {
    const who = this.#actorName(actor, row);
    if (!NEXT[row.status].includes(status)) {
      throw new PatmatchError('conflict', `match ${row.id} is ${row.status}; it cannot become ${status}`);
    }
    this.db.transaction(() => {
      this.db.prepare('UPDATE match_requests SET status = ?, updated_at = ? WHERE id = ?').run(status, new Date().toISOString(), row.id);
      this.#appendEvent(row.id, status, who, message);
      this.#enqueueStatusUpdate(row, status, who, message);
      // A manager who has (or will get) the request hears that the demander withdrew it.
      if (status === 'closed' && row.manager_email && 'user' in actor && actor.user.role === 'demander') {
        this.outbox.enqueue({ kind: 'withdrawal', matchId: row.id, to: row.manager_email, ...withdrawalEmail(this.#patentOf(row), row.manager_name ?? '담당자', message) });
      }
    })();
  }

  #actorName(actor: Actor, row: MatchRow): string {
    if ('user' in actor) return `${actor.user.email} (${actor.user.role})`;
    if ('system' in actor) return actor.system;
    return `${row.manager_name ?? 'manager'} <${row.manager_email ?? '?'}> (email link)`;
  }

  #appendEvent(matchId: number, status: MatchStatus, actor: string, message: string | null): void {
    this.db
      .prepare('INSERT INTO match_events (match_id, status, actor, message, at) VALUES (?, ?, ?, ?, ?)')
      .run(matchId, status, actor, message, new Date().toISOString());
  }

  #enqueueManagerRequest(row: MatchRow, demand: DemandRow, message: string | null): void {
    this.outbox.enqueue({ kind: 'manager-request', matchId: row.id, to: row.manager_email!, ...this.#managerRequest(row, demand, message) });
  }

  #managerRequest(row: MatchRow, demand: DemandRow, message: string | null): { subject: string; text: string } {
    const expires = Date.now() + this.options.linkTtlMs;
    const link = (action: LinkAction): string => this.#responseLink(row.id, action, expires);
    return managerRequestEmail(
      this.#summaryOf(demand),
      this.#patentOf(row),
      { accept: link('accept'), decline: link('decline'), question: link('question'), expires },
      row.manager_name ?? '담당자',
      message,
      bestSentence(demand, row.application_number),
    );
  }

  #responseLink(matchId: number, action: LinkAction, expires: number): string {
    const signature = this.signer.sign({ matchId, action, expires });
    return `${this.options.publicUrl}/match/respond/${matchId}/${action}?expires=${expires}&sig=${signature}`;
  }

  /**
   * A demander's message to the manager. While the request still waits for an answer it is re-sent
   * with the message and fresh response links; after that only a reply link comes with it.
   */
  #enqueueManagerMessage(row: MatchRow, message: string): void {
    const demand = this.#demandRow(row.demand_id);
    if (WAITING_FOR_MANAGER.includes(row.status)) {
      this.#enqueueManagerRequest(row, demand, message);
      return;
    }
    const expires = Date.now() + this.options.linkTtlMs;
    const email = managerMessageEmail(this.#summaryOf(demand), this.#patentOf(row), row.manager_name ?? '담당자', message, {
      reply: this.#responseLink(row.id, 'question', expires),
      expires,
    });
    this.outbox.enqueue({ kind: 'manager-message', matchId: row.id, to: row.manager_email!, ...email });
  }

  /** Every message the demander wrote on a match, oldest first, or null when there is none. */
  #demanderMessages(matchId: number, demand: DemandRow): string | null {
    const owner = this.accounts.get(demand.user_id)?.email ?? '';
    const rows = this.db
      .prepare(`SELECT message FROM match_events WHERE match_id = ? AND actor IN (?, ?) AND message IS NOT NULL ORDER BY id`)
      .all(matchId, owner, `${owner} (demander)`) as { message: string }[];
    return rows.length > 0 ? rows.map((r) => r.message).join('\n\n') : null;
  }

  #enqueueStatusUpdate(row: MatchRow, status: MatchStatus, actor: string, message: string | null): void {
    const owner = this.db
      .prepare('SELECT u.email FROM match_demands d JOIN match_users u ON u.id = d.user_id WHERE d.id = ?')
      .get(row.demand_id) as { email: string };
    const email = statusUpdateEmail(this.#patentOf(row), status, actor, message, `${this.options.publicUrl}/`);
    this.outbox.enqueue({ kind: 'status-update', matchId: row.id, to: owner.email, ...email });
  }

  #ownDemand(user: User, id: number): DemandRow {
    const row = this.db.prepare('SELECT * FROM match_demands WHERE id = ?').get(id) as DemandRow | undefined;
    if (!row || (user.role !== 'admin' && row.user_id !== user.id)) throw notFound('demand', id);
    return row;
  }

  #demandRow(id: number): DemandRow {
    return this.db.prepare('SELECT * FROM match_demands WHERE id = ?').get(id) as DemandRow;
  }

  #matchRow(id: number): MatchRow {
    const row = this.db.prepare('SELECT * FROM match_requests WHERE id = ?').get(id) as MatchRow | undefined;
    if (!row) throw notFound('match', id);
    return row;
  }

  /** The match if this user may see it; `not_found` otherwise, so its existence does not leak. */
  #visibleMatch(user: User, id: number): MatchRow {
    const row = this.#matchRow(id);
    const visible =
      user.role === 'admin' ||
      (user.role === 'manager' && row.organization_key !== null && row.organization_key === nameKey(user.organization ?? '')) ||
      (user.role === 'demander' && this.#demandRow(row.demand_id).user_id === user.id);
    if (!visible) throw notFound('match', id);
    return row;
  }

  #summaryOf(demand: DemandRow): DemandSummary {
    const owner = this.accounts.get(demand.user_id);
    return {
      name: demand.name,
      description: demand.description,
      field: demand.field,
      transferKind: demand.transfer_kind,
      contact: demand.contact,
      requesterEmail: owner?.email ?? '?',
    };
  }

  #demandSummary(id: number): DemandSummary & { id: number } {
    return { id, ...this.#summaryOf(this.#demandRow(id)) };
  }

  #patentOf(row: MatchRow): PatentSummary {
    return { applicationNumber: row.application_number, title: row.title, applicants: JSON.parse(row.applicants) as string[] };
  }

  #matchView(row: MatchRow): MatchView {
    const timeline = this.db
      .prepare('SELECT status, actor, message, at FROM match_events WHERE match_id = ? ORDER BY id')
      .all(row.id) as TimelineEvent[];
    return {
      id: row.id,
      demandId: row.demand_id,
      applicationNumber: row.application_number,
      title: row.title,
      applicants: JSON.parse(row.applicants) as string[],
      manager: row.manager_email ? { name: row.manager_name ?? '', email: row.manager_email, organization: row.organization ?? '' } : null,
      status: row.status,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      timeline,
    };
  }

  #demandView(row: DemandRow): DemandView {
    const matches = this.db.prepare('SELECT * FROM match_requests WHERE demand_id = ? ORDER BY id').all(row.id) as MatchRow[];
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      field: row.field,
      transferKind: row.transfer_kind,
      contact: row.contact,
      query: row.query,
      mode: row.mode,
      model: row.model,
      createdAt: row.created_at,
      translations: row.translations === null ? [] : (JSON.parse(row.translations) as Translation[]),
      recommendations: JSON.parse(row.recommendations) as SearchHit[],
      matches: matches.map((match) => this.#matchView(match)),
    };
  }
}

/** The best sentence of a recommendation's explanation in a demand's snapshot, or null (none, or stored before explanations). */
function bestSentence(demand: DemandRow, applicationNumber: string): string | null {
  const hits = JSON.parse(demand.recommendations) as SearchHit[];
  return hits.find((hit) => hit.applicationNumber === applicationNumber)?.explanation.sentences[0]?.text ?? null;
}
