import type { Command } from 'commander';
import type Database from 'better-sqlite3';
import type { SearchEngine } from '../search/types.js';
import { openMatch, type MailWorkerOptions, type OpenedMatch } from './index.js';
import { logLine } from '../util/log.js';

/** The `patmatch serve` flags of the match workflow. */
export interface MatchServeFlags {
  smtp?: string;
  publicUrl?: string;
  mailFrom: string;
}

/**
 * Adds `--smtp`, `--public-url` and `--mail-from` to the serve command.
 *
 * @example
 * addMatchServeOptions(program.command('serve'))
 */
export function addMatchServeOptions(command: Command): Command {
  return command
    .option('--smtp <url>', 'SMTP server for notification emails, e.g. smtp://127.0.0.1:25 (env PATMATCH_SMTP; default: log emails instead)', process.env.PATMATCH_SMTP)
    .option('--public-url <url>', 'address users reach this server at, used in emailed links (default: the listening address)')
    .option('--mail-from <address>', 'sender of notification emails', 'patmatch <no-reply@patmatch.localhost>');
}

/** What `serve` and `demo` say when they run without `--smtp`. */
export const NO_SMTP_WARNING =
  'emails are not sent: without --smtp they are only written to this log and nobody receives them; give --smtp smtp://host:25 (or PATMATCH_SMTP) to send them, then resend the logged ones from the admin outbox';

/**
 * Logs {@link NO_SMTP_WARNING} at level warn when `flags` have no SMTP server. `serve` calls it once,
 * from the process that announces the address (worker 0 of `--workers N`).
 *
 * @example
 * warnWithoutSmtp({ smtp: undefined }); // {"level":"warn",…,"msg":"emails are not sent: …","smtp":null}
 */
export function warnWithoutSmtp(flags: Pick<MatchServeFlags, 'smtp'>, log: typeof logLine = logLine): void {
  if (!flags.smtp) log(NO_SMTP_WARNING, { pid: process.pid, smtp: null }, 'warn');
}

/**
 * Opens the match workflow for `patmatch serve` and returns it with `listening(url)`, which points
 * emailed links at the real address once the server listens (unless `--public-url` was given).
 *
 * @example
 * const match = await openMatchForServe(command.opts(), { home, db: store.db, search: engine });
 * const app = await buildServer({ engine, store, plugins: [match.plugin] });
 * match.listening((await startServer(app)).url);
 */
export async function openMatchForServe(
  flags: MatchServeFlags,
  context: { home: string; db: Database.Database; search: SearchEngine; sendsMail?: boolean; onMailAttempt?: MailWorkerOptions['onAttempt'] },
): Promise<OpenedMatch & { listening(url: string): void }> {
  const { onMailAttempt, ...shared } = context;
  const match = await openMatch({
    ...shared,
    ...(onMailAttempt && { worker: { onAttempt: onMailAttempt } }),
    smtp: flags.smtp,
    publicUrl: flags.publicUrl ?? 'http://127.0.0.1:8080',
    mailFrom: flags.mailFrom,
    log: logLine,
  });
  return {
    ...match,
    listening(url) {
      if (!flags.publicUrl) match.service.setPublicUrl(url);
    },
  };
}
