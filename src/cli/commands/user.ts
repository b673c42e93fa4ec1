import type { Command } from 'commander';
import { Accounts, migrateMatch, ROLES, type Role } from '../../match/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { openStore } from '../../store/index.js';
import { resolveHome } from '../context.js';
import { readPassword, type PasswordSource } from '../password.js';

interface UserAddFlags extends PasswordSource {
  email: string;
  role: string;
  organization?: string;
}

/**
 * `patmatch user add`: creates an account and an API token for it. The password comes from a prompt
 * on a terminal or from standard input (`--password-stdin`), never from the command line unless
 * `--password` is given, which warns.
 *
 * @example
 * patmatch user add --email tlo@inu.example --role manager --organization '인천대학교 산학협력단' --json
 * # Password (at least 8 characters): ********  (asked twice)
 * # {"id":2,"token":"pm_…"}
 * printf '%s\n' "$PASSWORD" | patmatch user add --email a@corp.example --role demander --password-stdin
 */
export function register(program: Command): void {
  const user = program.command('user').description('Manage dashboard and API accounts');
  user
    .command('add')
    .description('Create a user (demander = company, manager = technology-licensing office, admin) and print an API token')
    .requiredOption('--email <email>', 'login email')
    .option('--password-stdin', 'read the password from standard input (one trailing line break is dropped)')
    .option('--password <password>', 'password on the command line (at least 8 characters); visible to other users and kept in shell history, so it warns: prefer the prompt or --password-stdin')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--organization <name>', "the manager's institution, as in the manager directory (required for managers)")
    .action(async (flags: UserAddFlags, command: Command) => {
      const { home, json } = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      if (!(ROLES as readonly string[]).includes(flags.role)) {
        throw new PatmatchError('invalid_input', `--role: "${flags.role}" is not one of ${ROLES.join(', ')}`);
      }
      const store = openStore(resolveHome(home), { writes: true });
      try {
        const password = await readPassword(flags);
        migrateMatch(store.db);
        const accounts = new Accounts(store.db);
        const created = await accounts.create({
          email: flags.email,
          password,
          role: flags.role as Role,
          organization: flags.organization,
        });
        const token = accounts.createApiToken(created.id);
        process.stdout.write(
          json
            ? `${JSON.stringify({ id: created.id, token })}\n`
            : `Created ${created.role} ${created.email} (id ${created.id}).\nAPI token (shown once): ${token}\n`,
        );
      } finally {
        store.close();
      }
    });
}
