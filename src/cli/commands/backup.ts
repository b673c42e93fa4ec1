import type { Command } from 'commander';
import { backupHome, restoreHome } from '../../backup/index.js';
import { resolveHome } from '../context.js';

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * `patmatch backup <dir>` and `patmatch restore <dir>` (into `--home`, new or empty).
 *
 * @example
 * patmatch --home /srv/patmatch backup /backups/patmatch-2026-12-07 --json
 * patmatch restore /backups/patmatch-2026-12-07 --home /srv/patmatch-restored
 */
export function register(program: Command): void {
  program
    .command('backup <dir>')
    .description('Back up the home while serve, ingest or index run: store, lexical index, vectors, models, link secret, and a manifest of checksums (<dir> must be new or empty)')
    .action(async (dir: string, _flags: unknown, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const report = await backupHome(resolveHome(globals.home), dir);
      if (globals.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      const lines = [
        `backed up to ${report.dir}: ${report.files} files, ${megabytes(report.bytes)} in ${report.seconds.toFixed(1)} s`,
        `store: ${report.store.patents} patents, revision ${report.store.revision}`,
        report.lexical ? `lexical index: ${report.lexical.file}, revision ${report.lexical.revision}` : 'lexical index: none',
        report.vectors
          ? `vectors: ${report.vectors.count} patents with ${report.vectors.model}, revision ${report.vectors.revision}${report.vectors.modelFolder ? '' : ` (model ${report.vectors.embedder} not included)`}`
          : 'vectors: none',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  program
    .command('restore <dir>')
    .description('Restore a backup into --home (a new or empty folder), checking every file against the manifest first')
    .action(async (dir: string, _flags: unknown, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const report = await restoreHome(dir, resolveHome(globals.home));
      if (globals.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      process.stdout.write(
        `restored ${report.files} files (${megabytes(report.bytes)}) into ${report.home} in ${report.seconds.toFixed(1)} s: ${report.store.patents} patents, revision ${report.store.revision}, search model ${report.model ?? 'lexical'}\n`,
      );
    });
}
