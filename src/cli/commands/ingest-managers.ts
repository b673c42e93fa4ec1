import type { Command } from 'commander';
import { nameKey } from '../../domain/names/index.js';
import { ManagerDirectory, migrateMatch, readManagersCsv } from '../../match/index.js';
import { openStore, type PatentStore } from '../../store/index.js';
import { resolveHome } from '../context.js';

/**
 * How a request for each stored patent would be routed with the directory: `routed` patents reach
 * at least one manager, `queued` ones would wait in the admin queue. Of the `coApplied` patents
 * (two or more applicants), `coAppliedSeveral` reach more than one organisation, and
 * `coAppliedSeveralByApplicant` do so without counting an entry the directory lists for the whole
 * co-applied string.
 */
export interface StoreRouting {
  patents: number;
  routed: number;
  queued: number;
  coApplied: number;
  coAppliedSeveral: number;
  coAppliedSeveralByApplicant: number;
}

/**
 * `patmatch ingest-managers file.csv`: loads the applicant → technology manager directory
 * (columns applicant, manager_name, manager_email, organization), then says how requests for the
 * stored patents would be routed with it. Re-running updates entries.
 *
 * @example
 * patmatch ingest-managers ../shared/data/kipris/sample-managers.csv
 * # Managers: 200 added, 0 updated, 0 unchanged (200 in the directory).
 * # Routing of the 2,214 stored patents: 2,180 reach a manager, 34 would wait in the admin queue; …
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
        const routing = storeRouting(store, directory);
        process.stdout.write(
          json
            ? `${JSON.stringify({ ...counts, total, routing })}\n`
            : `Managers: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged (${total} in the directory).\n${formatRouting(routing)}`,
        );
      } finally {
        store.close();
      }
    });
}

/**
 * Routes every stored patent's applicants through the directory (`ManagerDirectory.lookupAll`).
 *
 * @example
 * storeRouting(store, new ManagerDirectory(store.db)).coAppliedSeveral // 311
 */
export function storeRouting(store: PatentStore, directory: ManagerDirectory): StoreRouting {
  const routing: StoreRouting = { patents: 0, routed: 0, queued: 0, coApplied: 0, coAppliedSeveral: 0, coAppliedSeveralByApplicant: 0 };
  for (const batch of store.iterate()) {
    for (const { applicants } of batch) {
      const managers = directory.lookupAll(applicants);
      routing.patents++;
      routing[managers.length > 0 ? 'routed' : 'queued']++;
      if (applicants.length < 2) continue;
      routing.coApplied++;
      const whole = nameKey(applicants.join(''));
      if (managers.length > 1) routing.coAppliedSeveral++;
      if (managers.filter((manager) => nameKey(manager.applicant) !== whole).length > 1) routing.coAppliedSeveralByApplicant++;
    }
  }
  return routing;
}

function formatRouting(routing: StoreRouting): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  return (
    `Routing of the ${n(routing.patents)} stored patents: ${n(routing.routed)} reach a manager, ${n(routing.queued)} would wait in the admin queue; ` +
    `${n(routing.coApplied)} are co-applied, ${n(routing.coAppliedSeveral)} of them reach more than one organisation ` +
    `(${n(routing.coAppliedSeveralByApplicant)} by entries of their own applicants, the rest also by an entry for the whole co-applied string).\n`
  );
}
