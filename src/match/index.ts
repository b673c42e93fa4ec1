/**
 * The match workflow: accounts, demands with recommendation snapshots, match requests routed to
 * technology managers through the manager directory, their answers and timelines, and the email
 * outbox with its worker. `openMatch` wires it all for `patmatch serve`.
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import type { SearchEngine } from '../search/types.js';
import type { LogLevel } from '../util/log.js';
import { loadSecret } from './links.js';
import { logTransport, MailWorker, smtpTransport, type MailWorkerOptions, type SmtpTimeouts } from './mailer.js';
import { matchRoutes, type MatchRoutesOptions } from './routes.js';
import { MatchService } from './service.js';
import { indexedRevision } from './watch/index.js';

export { Accounts, type User, type Principal, type Session, type NewUser } from './accounts.js';
export { ManagerDirectory, readManagersCsv, MANAGER_CSV_COLUMNS, type Manager } from './managers.js';
export { nameKey } from '../domain/names/index.js';
export { LinkSigner, loadSecret, LINK_ACTIONS, type LinkAction, type LinkClaim } from './links.js';
export { Outbox, OUTBOX_STATES, type OutboxEntry, type OutboxState, type DoneState, type OutgoingEmail, type ClaimedEmail } from './outbox.js';
export {
  MailWorker,
  smtpTransport,
  checkSmtpUrl,
  logTransport,
  isPermanentFailure,
  defaultMailWorkerOptions,
  defaultSmtpTimeouts,
  type MailTransport,
  type MailMessage,
  type MailResult,
  type MailOutcome,
  type MailWorkerOptions,
  type SmtpTimeouts,
} from './mailer.js';
export { MatchService, defaultMatchServiceOptions, type MatchServiceOptions } from './service.js';
export { matchBodies, type DemandInput, type MatchInput } from './inputs.js';
export type { DemandListItem, DemandView, MatchView, TimelineEvent } from './views.js';
export type { Actor } from './status.js';
export { matchRoutes, defaultMatchRoutesOptions, SESSION_COOKIE, type MatchRoutesOptions } from './routes.js';
export { migrateMatch, MATCH_STATUSES, ROLES, type MatchStatus, type Role } from './schema.js';

/** What `openMatch` needs; `smtp` absent means emails are written to `log` instead of sent. */
export interface OpenMatchOptions {
  home: string;
  /** The store's database (`openStore(home).db`). */
  db: Database.Database;
  search: SearchEngine;
  /** `smtp://host:port` or `smtps://user:pass@host:465`; omitted = log emails instead of sending. */
  smtp?: string;
  /** Base URL for links in emails (the address users reach the server at). */
  publicUrl: string;
  /** Sender address of every email. */
  mailFrom: string;
  /** Where logged emails and worker events go. */
  log: (message: string, fields?: Record<string, unknown>, level?: LogLevel) => void;
  /**
   * Start the email worker here (default true). Of several server processes on one store only one
   * sends; the others only queue, and the sender's poll picks their emails up.
   */
  sendsMail?: boolean;
  /** Worker settings; `onAttempt` is told the outcome of every send (metrics). */
  worker?: Partial<Omit<MailWorkerOptions, 'from' | 'onSent' | 'onLogged' | 'log'>>;
  smtpTimeouts?: Partial<SmtpTimeouts>;
  routes?: Partial<Omit<MatchRoutesOptions, 'service'>>;
}

const senderDomain = (from: string): string | undefined => /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1];

/** A running match workflow: mount `plugin`, and `close()` on shutdown (stops the worker after its current email). */
export interface OpenedMatch {
  service: MatchService;
  worker: MailWorker;
  plugin: FastifyPluginAsync;
  close(): Promise<void>;
}

/**
 * Opens the match workflow on the store's database and starts the email worker.
 *
 * @example
 * const match = await openMatch({ home, db: store.db, search: engine, smtp: 'smtp://127.0.0.1:2525',
 *   publicUrl: 'http://127.0.0.1:8080', mailFrom: 'patmatch <no-reply@localhost>', log: console.error });
 * const app = await buildServer({ engine, store, plugins: [match.plugin] });
 * app.addHook('onClose', () => match.close());
 */
export async function openMatch(options: OpenMatchOptions): Promise<OpenedMatch> {
  const secret = await loadSecret(options.home);
  const transport = options.smtp
    ? smtpTransport(options.smtp, options.smtpTimeouts)
    : logTransport((text) => options.log('email (not sent: no --smtp)', { text }));
  const service = new MatchService({
    db: options.db,
    search: options.search,
    secret,
    publicUrl: options.publicUrl,
    onEnqueue: () => worker.wake(),
    mailServer: Boolean(options.smtp),
    ...(senderDomain(options.mailFrom) && { messageIdDomain: senderDomain(options.mailFrom) }),
    indexRevision: () => indexedRevision(options.home),
  });
  const worker = new MailWorker(service.outbox, transport, {
    ...options.worker,
    from: options.mailFrom,
    onSent: service.onEmailSent,
    onLogged: service.onEmailLogged,
    log: options.log,
  });
  if (options.sendsMail !== false) worker.start();
  const plugin = matchRoutes({ service, secureCookies: options.publicUrl.startsWith('https:'), ...options.routes });
  return { service, worker, plugin, close: () => worker.stop() };
}
