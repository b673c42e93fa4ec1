import nodemailer from 'nodemailer';
import { PatmatchError } from '../domain/errors.js';
import type { LogLevel } from '../util/log.js';
import type { ClaimedEmail, Outbox, OutboxEntry } from './outbox.js';

/** One message as handed to a transport. */
export interface MailMessage {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** What became of a message: `delivered` when a mail server accepted it (its reply is `response`), false when it was only logged. */
export interface MailResult {
  response: string;
  delivered: boolean;
}

/** Delivers messages. `send` resolves once the message is accepted (or written, for a transport that only logs). */
export interface MailTransport {
  send(message: MailMessage): Promise<MailResult>;
  close(): void;
}

/** Timeouts of the SMTP transport, in milliseconds. */
export interface SmtpTimeouts {
  connectionTimeout: number;
  greetingTimeout: number;
  /** Longest silence from the server during a conversation. */
  socketTimeout: number;
}

export const defaultSmtpTimeouts: SmtpTimeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * Throws `invalid_input` naming `--smtp` unless `url` is an `smtp://` or `smtps://` URL.
 *
 * @example
 * checkSmtpUrl('smtp://127.0.0.1:25'); // ok
 */
export function checkSmtpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PatmatchError('invalid_input', `--smtp: "${url}" is not a URL such as smtp://host:25`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new PatmatchError('invalid_input', `--smtp: "${url}" must start with smtp:// or smtps://`);
  }
}

/**
 * An SMTP transport (nodemailer) for an `smtp://` or `smtps://` URL.
 *
 * @example
 * const transport = smtpTransport('smtp://127.0.0.1:2525');
 */
export function smtpTransport(url: string, timeouts: Partial<SmtpTimeouts> = {}): MailTransport {
  checkSmtpUrl(url);
  const transporter = nodemailer.createTransport({ url, ...defaultSmtpTimeouts, ...timeouts });
  return {
    async send(message) {
      const info = (await transporter.sendMail(message)) as { response?: string };
      return { response: info.response ?? '250', delivered: true };
    },
    close: () => transporter.close(),
  };
}

/**
 * A transport that writes each message to `write` instead of sending it (for demos without a
 * mail server). Nobody receives them: the results say `delivered: false`, and the outbox marks
 * them `logged`.
 *
 * @example
 * const transport = logTransport((line) => process.stderr.write(line));
 */
export function logTransport(write: (text: string) => void): MailTransport {
  return {
    async send(message) {
      write(`--- mail ${message.messageId} to ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n---\n`);
      return { response: 'logged', delivered: false };
    },
    close: () => {},
  };
}

/** The outcome of one attempt to send an email. */
export type MailOutcome = 'sent' | 'logged' | 'retry' | 'failed';

/** How the worker retries. A send that is still running when its lease ends may be repeated, so keep `leaseMs` well above the SMTP timeouts. */
export interface MailWorkerOptions {
  from: string;
  /** How long a claim is exclusive; a `sending` email older than this is taken over (its worker died). */
  leaseMs: number;
  /** Polling interval when nothing is due (the worker is also woken on every enqueue). */
  pollMs: number;
  /**
   * Attempts before an email is marked failed. The default 32 with 5 s doubling to 1 h keeps trying
   * for about 22 hours, so a mail server down overnight loses nothing.
   */
  maxAttempts: number;
  /** Delay before the 2nd attempt; doubles each time up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Runs in the transaction that marks an email sent. */
  onSent?: (entry: OutboxEntry) => void;
  /** Runs in the transaction that marks an email logged (the transport only wrote it down). */
  onLogged?: (entry: OutboxEntry) => void;
  /** Told the outcome of every attempt: sent, only logged, failed and to be retried, or failed for good (metrics count them). */
  onAttempt?: (outcome: MailOutcome) => void;
  log: (message: string, fields: Record<string, unknown>, level?: LogLevel) => void;
}

export const defaultMailWorkerOptions: Omit<MailWorkerOptions, 'from'> = {
  leaseMs: 300_000,
  pollMs: 5_000,
  maxAttempts: 32,
  backoffMs: 5_000,
  maxBackoffMs: 3_600_000,
  log: () => {},
};

/** True for errors a later attempt cannot fix: 5xx replies and unusable addresses. */
export function isPermanentFailure(error: unknown): boolean {
  const { responseCode, code } = error as { responseCode?: number; code?: string };
  if (typeof responseCode === 'number') return responseCode >= 500;
  return code === 'EENVELOPE';
}

/**
 * Sends the outbox: one email at a time, exponential backoff on temporary failures, `failed` on
 * permanent ones or after `maxAttempts`. Delivery is at-least-once with a fixed Message-ID: an email
 * is retried after a crash unless its success was recorded, so a duplicate is possible only when the
 * process dies between the server's `250` and the commit that follows it.
 *
 * @example
 * const worker = new MailWorker(outbox, smtpTransport(url), { from: 'patmatch <no-reply@corp.example>' });
 * worker.start();
 * outbox.enqueue(email); worker.wake();
 * await worker.stop();
 */
export class MailWorker {
  readonly options: MailWorkerOptions;
  #running: Promise<void> | undefined;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #wakeUp: (() => void) | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly transport: MailTransport,
    options: Partial<MailWorkerOptions> & Pick<MailWorkerOptions, 'from'>,
  ) {
    this.options = { ...defaultMailWorkerOptions, ...options };
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    this.#stopping = false;
    this.#running ??= this.#loop().finally(() => (this.#running = undefined));
  }

  /** Makes a sleeping loop look at the outbox now. */
  wake(): void {
    this.#wakeUp?.();
  }

  /** Finishes the email in flight, stops the loop and closes the transport. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#running;
    this.transport.close();
  }

  /** Sends every email that is due now; returns how many attempts were made. */
  async drain(): Promise<number> {
    let attempts = 0;
    while (!this.#stopping && (await this.#sendNext())) attempts++;
    return attempts;
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.drain();
      } catch (error) {
        this.options.log('mail worker error', { error: (error as Error).message }, 'error');
      }
      if (this.#stopping) break;
      const next = this.outbox.nextWakeAt(this.options.leaseMs);
      const delay = next === undefined ? this.options.pollMs : Math.min(this.options.pollMs, Math.max(0, next - Date.now()) + 5);
      await new Promise<void>((resolve) => {
        this.#wakeUp = resolve;
        this.#timer = setTimeout(resolve, delay);
      });
      clearTimeout(this.#timer);
      this.#wakeUp = undefined;
    }
  }

  async #sendNext(): Promise<boolean> {
    const claim = this.outbox.claim(this.options.leaseMs);
    if (!claim) return false;
    if (claim.attempts > this.options.maxAttempts) {
      this.outbox.markFailed(claim, `gave up after ${claim.attempts - 1} attempts: ${claim.lastError ?? 'lease expired'}`, null);
      this.options.onAttempt?.('failed');
      return true;
    }
    let result: MailResult;
    try {
      result = await this.transport.send({
        messageId: claim.messageId,
        from: this.options.from,
        to: claim.to,
        subject: claim.subject,
        text: claim.text,
      });
    } catch (error) {
      this.#recordFailure(claim, error);
      return true;
    }
    const state = result.delivered ? 'sent' : 'logged';
    this.options.log(result.delivered ? 'mail sent' : 'mail logged, not sent (no mail server)', { id: claim.id, to: claim.to, attempt: claim.attempts });
    this.options.onAttempt?.(state);
    this.outbox.markDone(claim, state, result.response, result.delivered ? this.options.onSent : this.options.onLogged);
    return true;
  }

  #recordFailure(claim: ClaimedEmail, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const permanent = isPermanentFailure(error) || claim.attempts >= this.options.maxAttempts;
    const delay = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (claim.attempts - 1));
    const retryAt = permanent ? null : Date.now() + Math.round(delay * (0.75 + Math.random() * 0.5));
    this.outbox.markFailed(claim, message, retryAt);
    this.options.onAttempt?.(permanent ? 'failed' : 'retry');
    this.options.log(permanent ? 'mail failed permanently' : 'mail failed, will retry', {
      id: claim.id,
      to: claim.to,
      attempt: claim.attempts,
      error: message,
    }, permanent ? 'error' : 'warn');
  }
}
