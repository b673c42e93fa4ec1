import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Accounts, migrateMatch, type Role } from '../../match/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { homeLayout } from '../../store/home.js';
import { openStore } from '../../store/index.js';
import { resolveHome, sharedDataDir } from '../context.js';
import { main } from '../main.js';
import { checkCanListen } from '../serve/index.js';
import { rangeHelp } from '../options.js';
import { checkServeFlags, SERVE_LIMITS } from './serve.js';

/** Accounts the demo creates so the match workflow can be tried at once (sample data only). */
export const demoAccounts: ReadonlyArray<{ email: string; password: string; role: Role; organization?: string }> = [
  { email: 'demander@patmatch.localhost', password: 'patmatch-demo', role: 'demander', organization: '데모 주식회사' },
  { email: 'manager@patmatch.localhost', password: 'patmatch-demo', role: 'manager', organization: '인천대학교 산학협력단' },
  { email: 'admin@patmatch.localhost', password: 'patmatch-demo', role: 'admin' },
];

/**
 * `patmatch demo` (what `npm run demo` runs): ingests the shared KIPRIS sample data, the synthetic
 * evaluation indices and manager directory, trains the default model if the home has none, brings
 * the indexes up to date, creates demo accounts, then serves the API and dashboard. Every step is
 * the real command, so a second run only does what is missing. The serve flags are checked, and the
 * port tried, before the first step.
 *
 * @example
 * patmatch demo --port 8080   # then open http://127.0.0.1:8080/
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('Ingest the shared sample data, train the model and index if missing, then serve the dashboard')
    .option('--port <n>', rangeHelp('port to listen on (env PORT, default 8080)', SERVE_LIMITS.port))
    .option('--host <address>', 'address to bind (env HOST)')
    .option('--smtp <url>', 'send notification emails through this SMTP server instead of logging them')
    .action(async (flags: { port?: string; host?: string; smtp?: string }, command: Command) => {
      // What serve would refuse at the end is refused before minutes of ingest and training.
      const where = checkServeFlags(flags);
      await checkCanListen(where);
      const home = resolveHome(command.optsWithGlobals<{ home?: string }>().home);
      const shared = sharedDataDir();
      const kipris = join(shared, 'kipris');
      const step = (title: string, args: string[]) => runStep(home, title, args);

      await step('Ingesting the shared KIPRIS patents', ['ingest', join(kipris, 'plus-xml'), join(kipris, 'inu-patents.csv')]);
      await step('Ingesting the synthetic sample evaluation indices', ['ingest-evaluations', join(kipris, 'sample-evaluations.csv')]);
      await step('Ingesting the synthetic sample technology managers', ['ingest-managers', join(kipris, 'sample-managers.csv')]);
      if (existsSync(homeLayout(home).defaultModel)) {
        announce(`Using the trained model in ${homeLayout(home).defaultModel}`);
      } else {
        await step('Training the default embedding model (first run only, several minutes)', ['train']);
      }
      await step('Bringing the lexical and vector indexes up to date', ['index']);
      await createDemoAccounts(home);
      const serve = ['serve', ...(flags.port ? ['--port', flags.port] : []), ...(flags.host ? ['--host', flags.host] : [])];
      // serve takes PATMATCH_SMTP as well; without either it only logs emails, which the demo says plainly.
      if (!(flags.smtp ?? process.env.PATMATCH_SMTP)) announce(DEMO_NO_SMTP);
      await step(`Serving the API and dashboard ${servingAt(where)}`, [...serve, ...(flags.smtp ? ['--smtp', flags.smtp] : [])]);
    });
}

/** The demo's banner line when it runs without a mail server. */
export const DEMO_NO_SMTP =
  'Emails are NOT sent: without --smtp they are only written to the log below, and nobody receives them. ' +
  'To send them, run `patmatch demo --smtp smtp://host:25` (or set PATMATCH_SMTP).';

async function runStep(home: string, title: string, args: string[]): Promise<void> {
  announce(title);
  process.exitCode = undefined;
  const code = await main(['--home', home, ...args]);
  if (code !== 0) throw new PatmatchError('invalid_input', `demo: \`patmatch ${args[0]}\` failed (exit ${code}); see above`);
}

async function createDemoAccounts(home: string): Promise<void> {
  const store = openStore(home, { writes: true });
  try {
    migrateMatch(store.db);
    const accounts = new Accounts(store.db);
    for (const account of demoAccounts) {
      if (!accounts.findByEmail(account.email)) await accounts.create(account);
    }
  } finally {
    store.close();
  }
  announce(
    `Demo accounts (password patmatch-demo): ${demoAccounts.map((a) => `${a.role} ${a.email}`).join(', ')}`,
  );
}

/**
 * Where the demo serves, for a person at the terminal: serve's own start-up line is a JSON log line
 * (as all its lines are), which hides the address among its fields.
 */
function servingAt({ host, port }: { host: string; port: number }): string {
  if (port === 0) return 'on a free port (its address is the `url` of the JSON log line below; Ctrl-C to stop)';
  return `at http://${host.includes(':') ? `[${host}]` : host}:${port}/ (Ctrl-C to stop; the server's log lines below are JSON)`;
}

function announce(message: string): void {
  process.stderr.write(`\npatmatch demo: ${message}\n`);
}
