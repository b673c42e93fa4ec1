/**
 * A mail worker in its own process, for the crash tests: `node --import tsx worker-process.ts
 * <db> <smtpUrl> <leaseMs> [killAfterSend]`. With `killAfterSend` = n, the process SIGKILLs itself
 * right after the n-th message is accepted, before the outbox records it (the worst moment to die).
 * Prints `ready` once the worker runs; stops cleanly on SIGTERM.
 */
import Database from 'better-sqlite3';
import { MailWorker, migrateMatch, Outbox, smtpTransport, type MailTransport } from '../index.js';

const [dbPath, smtpUrl, leaseMs, killAfterSend] = process.argv.slice(2);
const db = new Database(dbPath!);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
migrateMatch(db);
const smtp = smtpTransport(smtpUrl!, { socketTimeout: 30_000 });
let sends = 0;
const transport: MailTransport = {
  async send(message) {
    const response = await smtp.send(message);
    if (++sends === Number(killAfterSend)) process.kill(process.pid, 'SIGKILL');
    return response;
  },
  close: () => smtp.close(),
};
const worker = new MailWorker(new Outbox(db), transport, {
  from: 'patmatch <no-reply@patmatch.test>',
  leaseMs: Number(leaseMs),
  pollMs: 50,
  backoffMs: 20,
});
worker.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.stop().then(() => {
    db.close();
    process.exit(0);
  });
});
