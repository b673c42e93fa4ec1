import type Database from 'better-sqlite3';
import type { SearchEngine } from '../search/types.js';
import { Accounts, type User } from './accounts.js';
import { adminQueue, assignManager, retryEmail } from './admin.js';
import { createDemand, getDemand, listDemands } from './demands.js';
import { linkedDemand, markSeen, unwatchByLink, updateDemand } from './watch/owner.js';
import { LinkSigner, type DemandLinkClaim, type LinkClaim } from './links.js';
import { ManagerDirectory } from './managers.js';
import { getMarketDemand, listMarketDemands, proposePatents, rankingCache, type MarketDemandView, type MarketPage, type MarketQuery } from './market/index.js';
import { getMatch, listManagedMatches } from './matches.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { requestMatches } from './requests.js';
import { migrateMatch } from './schema.js';
import { changeStatus, emailLogged, emailSent, linkedMatch, postMessage, respondByLink, type Actor } from './status.js';
import type { DemandListItem, DemandView, MatchView } from './views.js';

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
  /**
   * The store revision the search indexes reflect (`indexedRevision` of the home): a new demand's
   * watch starts there. Null: unknown, the next watch run starts it.
   */
  indexRevision: () => Promise<number | null>;
}

export const defaultMatchServiceOptions = {
  linkTtlMs: 14 * 24 * 3_600_000,
  recommendations: 20,
  onEnqueue: () => {},
  messageIdDomain: 'patmatch.localhost',
  mailServer: true,
  indexRevision: async () => null,
} satisfies Partial<MatchServiceOptions>;

/**
 * The demand → recommendation → match request → answer workflow, with authorisation: demanders see
 * their own demands, managers the matches of their organisation, admins everything. Every change
 * and the email reporting it are written in one transaction (the outbox). Each verb lives in its own
 * file (demands, requests, matches, status, admin; emails in notify) and is given the service.
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
  /** The market's rankings, per organisation, index build and set of public demands. */
  readonly rankings = rankingCache();

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
  createDemand(user: User, input: unknown): Promise<DemandView> {
    return createDemand(this, user, input);
  }

  /** The user's demands (all demands for admins), newest first, without recommendations but with the count of new ones. */
  listDemands(user: User): DemandListItem[] {
    return listDemands(this, user);
  }

  /** One demand; `not_found` unless the user owns it (or is an admin), so other demands stay invisible. */
  getDemand(user: User, id: number): DemandView {
    return getDemand(this, user, id);
  }

  /**
   * Requests the selected recommended patents. Each one gets a match per organisation of its
   * applicants that the directory knows (`ManagerDirectory.lookupAll`), with an email to each
   * manager; a patent without a known manager gets one match, waiting in the admin queue.
   */
  requestMatches(user: User, demandId: number, input: unknown): MatchView[] {
    return requestMatches(this, user, demandId, input);
  }

  /**
   * One match as its demander, its manager's organisation or an admin may see it. Reading changes
   * nothing (a GET can be triggered from another site); a manager marks it viewed with `changeStatus`.
   */
  getMatch(user: User, id: number): MatchView {
    return getMatch(this, user, id);
  }

  /**
   * The public demands the manager's organisation's patents match best (admins: all public
   * demands, or those matching `organization`), each with its matching patents, their scores as the
   * demand's own search gives them, and why; never the owner's contact.
   */
  listMarketDemands(user: User, query: MarketQuery): Promise<MarketPage> {
    return listMarketDemands(this, user, query);
  }

  /** One public demand as `listMarketDemands` shows it; `not_found` for a private one. */
  getMarketDemand(user: User, id: number, organization?: string): Promise<MarketDemandView> {
    return getMarketDemand(this, user, id, organization);
  }

  /**
   * A manager proposes patents of their organisation to a public demand: one `proposed` match
   * each, emailed to the demander, who accepts (sharing their contact) or declines it.
   */
  proposePatents(user: User, demandId: number, input: unknown): Promise<MatchView[]> {
    return proposePatents(this, user, demandId, input);
  }

  /** Matches a manager answers (their organisation's; all for admins), newest first. */
  listManagedMatches(user: User): MatchView[] {
    return listManagedMatches(this, user);
  }

  /** Moves a match to a new status (recorded in the timeline, emailed to the demander). */
  changeStatus(actor: Actor, id: number, input: unknown): MatchView {
    return changeStatus(this, actor, id, input);
  }

  /**
   * Adds a message (a manager's question, a demander's answer, an admin's note) to the timeline and
   * emails the other side. A manager's first message marks the match viewed. Finished matches
   * (declined, transferred, closed) take no more messages: nobody would act on them.
   */
  postMessage(actor: Actor, id: number, input: unknown): MatchView {
    return postMessage(this, actor, id, input);
  }

  /** Performs what a signed email link asks (`accept`, `decline`, `question` with a message). */
  respondByLink(claim: LinkClaim, signature: string, message: string | undefined): MatchView {
    return respondByLink(this, claim, signature, message);
  }

  /**
   * Changes a demand's settings (its owner or an admin): `{ "watch": false }` stops it watching for
   * new patents, `{ "visibility": "public" }` shows it to managers whose patents match.
   */
  updateDemand(user: User, id: number, input: unknown): DemandView {
    return updateDemand(this, user, id, input);
  }

  /**
   * Marks the owner's recommendations seen: those added up to `until` (the newest the page showed;
   * default now) are no longer `new`.
   *
   * @example
   * service.markDemandSeen(user, 3, { until: '2026-12-07T21:00:00.000Z' })
   */
  markDemandSeen(user: User, id: number, input?: unknown): DemandView {
    return markSeen(this, user, id, input);
  }

  /** The demand a valid stop-watching link refers to (for the confirmation page). */
  linkedDemand(claim: DemandLinkClaim, signature: string): { id: number; name: string; watch: boolean } {
    return linkedDemand(this, claim, signature);
  }

  /** Stops a demand watching, from the signed link of its digest email. */
  unwatchByLink(claim: DemandLinkClaim, signature: string): { id: number; name: string; watch: boolean } {
    return unwatchByLink(this, claim, signature);
  }

  /** The match a valid link refers to (for the confirmation page). */
  linkedMatch(claim: LinkClaim, signature: string): MatchView {
    return linkedMatch(this, claim, signature);
  }

  /**
   * Matches waiting for an admin: no manager is known for the patent's applicant, or the request
   * email to the manager failed for good (a wrong address) and nothing else is on its way.
   */
  adminQueue(user: User): MatchView[] {
    return adminQueue(this, user);
  }

  /**
   * Routes a match that no manager has received yet (`requested`) to a manager chosen by an admin
   * and emails them, with the messages the demander wrote so far. This also re-routes a match whose
   * request email failed (a wrong address): unsent emails to the former manager are cancelled.
   * An organisation that already has a match for the patent on that demand is a `conflict`.
   */
  assignManager(user: User, id: number, input: unknown): MatchView {
    return assignManager(this, user, id, input);
  }

  /**
   * Sends a failed or only logged email again (admins). A manager request is rebuilt with fresh
   * response links, and only while the match still waits for the manager: a withdrawn or answered
   * match is not re-sent to a manager who could no longer act on it. A logged email is resent only
   * when there is a mail server now.
   */
  retryEmail(user: User, id: number): OutboxEntry {
    return retryEmail(this, user, id);
  }

  /** Outbox hook: a delivered manager request moves its match from requested to notified. */
  readonly onEmailSent = (entry: OutboxEntry): void => emailSent(this, entry);

  /**
   * Outbox hook: a manager request that was only logged (no mail server) leaves its match
   * `requested` and says so in the timeline, so nobody takes it for delivered.
   */
  readonly onEmailLogged = (entry: OutboxEntry): void => emailLogged(this, entry);
}
