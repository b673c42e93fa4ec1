import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** A message the test server accepted (answered `250` to), decoded. */
export interface ReceivedMail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * How the server answers the n-th DATA (1-based): accept it, reply with an SMTP error, drop the
 * connection, or hold the reply for `holdMs` (then accept, unless the client has gone by then).
 */
export type SmtpBehaviour = (attempt: number) => 'accept' | 'close' | { code: number; message: string } | { holdMs: number };

/** A real SMTP server on a free local port. */
export interface TestSmtpServer {
  url: string;
  /** Accepted messages, decoded (filled shortly after the `250`). */
  received: ReceivedMail[];
  /** Message-IDs of accepted messages, recorded before the `250` is sent: the duplicate check. */
  acceptedIds: string[];
  /** DATA commands seen, accepted or not. */
  attempts: number;
  /** Resolves once `count` messages were accepted (rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once the accepted messages satisfy `done`. */
  waitUntil(done: (received: ReceivedMail[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the `attempt`-th DATA arrives. */
  waitForAttempt(attempt: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts an SMTP server (the `smtp-server` package) on 127.0.0.1 (a free port unless `port` is
 * given) that records what it accepts.
 *
 * @example
 * const smtp = await startSmtpServer((n) => (n === 1 ? { code: 451, message: 'try later' } : 'accept'));
 * // … send to smtp.url …
 * await smtp.waitForMessages(1);
 */
export async function startSmtpServer(behaviour: SmtpBehaviour = () => 'accept', port = 0): Promise<TestSmtpServer> {
  const closedSessions = new Set<string>();
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((check) => check());
  const state: TestSmtpServer = {
    url: '',
    received: [],
    acceptedIds: [],
    attempts: 0,
    waitForMessages: (count, timeoutMs) => waitUntil(() => state.received.length >= count, `${count} messages`, timeoutMs),
    waitUntil: (done, what, timeoutMs) => waitUntil(() => done(state.received), what, timeoutMs),
    waitForAttempt: (attempt, timeoutMs) => waitUntil(() => state.attempts >= attempt, `DATA attempt ${attempt}`, timeoutMs),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const waitUntil = (done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`SMTP test server: timed out waiting for ${what} (have ${state.received.length} messages, ${state.attempts} attempts)`));
      }, timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  const dropConnection = (session: SMTPServerSession): void => {
    for (const connection of server.connections) if (connection.session?.id === session.id) connection._socket.destroy();
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onClose(session) {
      closedSessions.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.attempts++;
        const reply = behaviour(state.attempts);
        notify();
        const accept = async (): Promise<void> => {
          if (closedSessions.has(session.id)) return; // the client left before our 250: not delivered
          const to = session.envelope.rcptTo.map((rcpt) => rcpt.address).join(',');
          const raw = Buffer.concat(chunks);
          state.acceptedIds.push(/^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1'))?.[1] ?? '');
          callback(null, 'queued');
          const mail = await simpleParser(raw);
          state.received.push({
            messageId: mail.messageId ?? '',
            to,
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          });
          notify();
        };
        if (reply === 'accept') return void accept();
        if (reply === 'close') return dropConnection(session);
        if ('holdMs' in reply) return void setTimeout(() => void accept(), reply.holdMs).unref();
        callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return state;
}
