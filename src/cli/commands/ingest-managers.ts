import type { Command } from 'commander';
import { ManagerDirectory, migrateMatch, readManagersCsv } from '../../match/index.js';
import { openStore } from '../../store/index.js';
import { resolveHome } from '../context.js';

/**
 * `patmatch ingest-managers file.csv`: loads the applicant → technology manager directory
 * (columns applicant, manager_name, manager_email, organization). Re-running updates entries.
 *
 * @example
 * patmatch ingest-managers ../shared/data/kipris/sample-managers.csv
 * # Managers: 200 added, 0 updated, 0 unchanged (200 in the directory).
 */
export function register(program: Command): void {
  program
    .command('ingest-managers')
    .description('Load the applicant → technology manager directory from a CSV (applicant,manager_name,manager_email,organization)')
    .argument('<file>', 'CSV file, UTF-8')
    .action(async (file: string, _flags: unknown, command: Command) => {
      const { home, json } = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const managers = await readManagersCsv(file);
      const store = openStore(resolveHome(home), { writes: true });
      try {
        migrateMatch(store.db);
        const directory = new ManagerDirectory(store.db);
        const counts = directory.upsert(managers);
        const total = directory.count();
        process.stdout.write(
          json
            ? `${JSON.stringify({ ...counts, total })}\n`
            : `Managers: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged (${total} in the directory).\n`,
        );
      } finally {
        store.close();
      }
    });
}
