import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { PatmatchError } from '../domain/errors.js';

/** An email to send; written to the outbox in the same transaction as the change it reports. */
export interface OutgoingEmail {
  /** What the email is for, e.g. `manager-request`, `status-update`. */
  kind: string;
  matchId: number | null;
  to: string;
  subject: string;
  text: string;
  /**
   * The email's identity when it has a natural one, e.g. `watch-12-2308` for the watch digest of
   * demand 12 at revision 2308: a second enqueue of the same identity adds nothing. Without it
   * every enqueue is a new email.
   */
  identity?: string;
}

/**
 * Outbox row states: `pending` waits for its time, `sending` means a worker holds a lease on it until
 * `claimedAt + lease`, `sent` was accepted by the mail server, `logged` was only written to the log
 * (no `--smtp`: nobody received it), `failed` was given up or cancelled (`lastError` says why).
 */
export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'logged', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];
/** How a claimed email ended well: delivered to a mail server, or only logged. */
export type DoneState = Extract<OutboxState, 'sent' | 'logged'>;

/** One outbox row as admins see it. */
export interface OutboxEntry extends OutgoingEmail {
  id: number;
  /** Fixed when the row is written, so every attempt carries the same `Message-ID` header. */
  messageId: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  smtpResponse: string | null;
  /** When it was sent or logged. */
  sentAt: number | null;
  createdAt: number;
}

/** A row a worker has claimed; `claimToken` proves the lease when the result is recorded. */
export interface ClaimedEmail extends OutboxEntry {
  claimToken: string;
}

interface OutboxRow {
  id: number;
  message_id: string;
  kind: string;
  match_id: number | null;
  recipient: string;
  subject: string;
  body: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  claim_token: string | null;
  last_error: string | null;
  smtp_response: string | null;
  sent_at: number | null;
  created_at: number;
}

const toEntry = (row: OutboxRow): OutboxEntry => ({
  id: row.id,
  messageId: row.message_id,
  kind: row.kind,
  matchId: row.match_id,
  to: row.recipient,
  subject: row.subject,
  text: row.body,
  state: row.state,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error,
  smtpResponse: row.smtp_response,
  sentAt: row.sent_at,
  createdAt: row.created_at,
});

/**
 * The transactional outbox: emails are rows written together with the change they report, then
 * claimed by a worker under a lease, and marked sent or failed only by the holder of that lease.
 *
 * @example
 * db.transaction(() => {
 *   createMatchRow();
 *   outbox.enqueue({ kind: 'manager-request', matchId, to, subject, text });
 * })();
 */
export class Outbox {
  constructor(
    private readonly db: Database.Database,
    private readonly messageIdDomain = 'patmatch.localhost',
  ) {}

  /** Adds an email, due now (or returns the one of the same `identity`). Call it inside the transaction that makes the change. */
  enqueue(email: OutgoingEmail, now = Date.now()): OutboxEntry {
    const messageId = `<${email.identity ?? randomUUID()}@${this.messageIdDomain}>`;
    const row = this.db
      .prepare(
        `INSERT INTO match_outbox (message_id, kind, match_id, recipient, subject, body, state, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (message_id) DO NOTHING RETURNING *`,
      )
      .get(messageId, email.kind, email.matchId, email.to, email.subject, email.text, now, now) as OutboxRow | undefined;
    return toEntry(row ?? (this.db.prepare('SELECT * FROM match_outbox WHERE message_id = ?').get(messageId) as OutboxRow));
  }

  /**
   * Takes the next due email: a pending one whose time has come, or one left `sending` by a worker
   * whose lease ran out (it crashed or hung mid-send). The claim is committed before any SMTP traffic.
   */
  claim(leaseMs: number, now = Date.now()): ClaimedEmail | undefined {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `SELECT * FROM match_outbox
           WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'sending' AND claimed_at <= ?)
           ORDER BY next_attempt_at, id LIMIT 1`,
        )
        .get(now, now - leaseMs) as OutboxRow | undefined;
      if (!row) return undefined;
      const claimToken = randomUUID();
      const claimed = this.db
        .prepare(
          `UPDATE match_outbox SET state = 'sending', claimed_at = ?, claim_token = ?, attempts = attempts + 1
           WHERE id = ? RETURNING *`,
        )
        .get(now, claimToken, row.id) as OutboxRow;
      return { ...toEntry(claimed), claimToken };
    }).immediate();
  }

  /**
   * Records a send the mail server accepted (`sent`) or a message only written to the log
   * (`logged`), and runs `then` (e.g. a status change) in the same transaction. If `then` throws,
   * only its own changes are rolled back: the email stays done (so it is never sent again) and the
   * error is rethrown after the commit. Returns false when the lease was lost.
   *
   * @example
   * outbox.markDone(claim, 'sent', '250 2.0.0 queued', service.onEmailSent);
   */
  markDone(claim: ClaimedEmail, state: DoneState, response: string, then?: (entry: OutboxEntry) => void, now = Date.now()): boolean {
    let followUpError: unknown;
    const recorded = this.db.transaction(() => {
      const row = this.db
        .prepare(
          `UPDATE match_outbox SET state = ?, sent_at = ?, smtp_response = ?, claim_token = NULL, last_error = NULL
           WHERE id = ? AND state = 'sending' AND claim_token = ? RETURNING *`,
        )
        .get(state, now, response, claim.id, claim.claimToken) as OutboxRow | undefined;
      if (row && then) {
        try {
          this.db.transaction(() => then(toEntry(row)))();
        } catch (error) {
          followUpError = error;
        }
      }
      return row !== undefined;
    }).immediate();
    if (followUpError !== undefined) throw followUpError;
    return recorded;
  }

  /** Records a failed attempt: back to `pending` at `retryAt`, or `failed` for good when `retryAt` is null. */
  markFailed(claim: ClaimedEmail, error: string, retryAt: number | null): boolean {
    const result = this.db
      .prepare(
        `UPDATE match_outbox SET state = ?, next_attempt_at = coalesce(?, next_attempt_at), last_error = ?, claim_token = NULL
         WHERE id = ? AND state = 'sending' AND claim_token = ?`,
      )
      .run(retryAt === null ? 'failed' : 'pending', retryAt, error.slice(0, 2000), claim.id, claim.claimToken);
    return result.changes === 1;
  }

  /** One email, or undefined when there is none with this id. */
  get(id: number): OutboxEntry | undefined {
    const row = this.db.prepare('SELECT * FROM match_outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    return row && toEntry(row);
  }

  /**
   * Puts a `failed` or `logged` email back in the queue with a fresh attempt count, optionally with
   * a rebuilt subject and text (e.g. fresh links). Throws when it is in another state.
   */
  retry(id: number, content?: { subject: string; text: string }, now = Date.now()): OutboxEntry {
    const row = this.db
      .prepare(
        `UPDATE match_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?,
           subject = coalesce(?, subject), body = coalesce(?, body)
         WHERE id = ? AND state IN ('failed', 'logged') RETURNING *`,
      )
      .get(now, content?.subject ?? null, content?.text ?? null, id) as OutboxRow | undefined;
    if (row) return toEntry(row);
    const exists = this.db.prepare('SELECT state FROM match_outbox WHERE id = ?').get(id) as { state: string } | undefined;
    if (!exists) throw new PatmatchError('not_found', `outbox email ${id} does not exist`);
    throw new PatmatchError('conflict', `outbox email ${id} is ${exists.state}; only failed and logged emails can be sent again`);
  }

  /**
   * Marks a match's unsent emails of one kind (pending, or only logged) failed with `reason`, so they
   * are never sent (call it inside the transaction that makes them obsolete). Returns 'sending'
   * without changing anything when one of them is being sent right now, else how many were cancelled.
   */
  cancelUnsent(matchId: number, kind: string, reason: string): number | 'sending' {
    const sending = this.db.prepare(`SELECT 1 FROM match_outbox WHERE match_id = ? AND kind = ? AND state = 'sending'`).get(matchId, kind);
    if (sending) return 'sending';
    return this.db
      .prepare(`UPDATE match_outbox SET state = 'failed', last_error = ? WHERE match_id = ? AND kind = ? AND state IN ('pending', 'logged')`)
      .run(reason, matchId, kind).changes;
  }

  /** Emails in a state (all when omitted), newest first. */
  list(state?: OutboxState, limit = 200): OutboxEntry[] {
    const rows = this.db
      .prepare(`SELECT * FROM match_outbox WHERE @state IS NULL OR state = @state ORDER BY id DESC LIMIT @limit`)
      .all({ state: state ?? null, limit }) as OutboxRow[];
    return rows.map(toEntry);
  }

  /**
   * The last finished attempt to send, when it failed: its time (the claim) and error; undefined
   * when it succeeded or nothing was tried yet. Readiness reports it with `--smtp`.
   *
   * @example
   * outbox.lastAttemptFailure() // { at: 1765123456789, error: 'connect ECONNREFUSED 127.0.0.1:25' }
   */
  lastAttemptFailure(): { at: number; error: string } | undefined {
    const row = this.db
      .prepare(
        `SELECT claimed_at AS at, last_error AS error FROM match_outbox
         WHERE claimed_at IS NOT NULL AND state <> 'sending' ORDER BY claimed_at DESC, id DESC LIMIT 1`,
      )
      .get() as { at: number; error: string | null } | undefined;
    return row?.error ? { at: row.at, error: row.error } : undefined;
  }

  /** Emails by state, every state listed (0 when none). */
  countByState(): Record<OutboxState, number> {
    const counts = Object.fromEntries(OUTBOX_STATES.map((state) => [state, 0])) as Record<OutboxState, number>;
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM match_outbox GROUP BY state').all() as { state: OutboxState; n: number }[];
    for (const { state, n } of rows) counts[state] = n;
    return counts;
  }

  /** When the worker next has something to do: the earliest due pending email or lease expiry. */
  nextWakeAt(leaseMs: number): number | undefined {
    const row = this.db
      .prepare(
        `SELECT min(CASE state WHEN 'pending' THEN next_attempt_at ELSE claimed_at + ? END) AS at
         FROM match_outbox WHERE state IN ('pending', 'sending')`,
      )
      .get(leaseMs) as { at: number | null };
    return row.at ?? undefined;
  }
}
