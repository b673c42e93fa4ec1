import type { Command } from 'commander';
import { ingestEvaluations } from '../../ingest/evaluations.js';
import { openStore } from '../../store/index.js';
import { resolveHome } from '../context.js';
import { startProgress } from '../progress.js';
import { statSync } from 'node:fs';

/** Unknown application numbers and rejections listed in the text summary; `--json` lists the first 10,000. */
const SHOWN = 5;

/**
 * `patmatch ingest-evaluations <file>`: loads evaluation indices for stored patents.
 *
 * @example
 * patmatch ingest-evaluations ../shared/data/kipris/sample-evaluations.csv
 */
export function register(program: Command): void {
  program
    .command('ingest-evaluations')
    .description('Load evaluation indices (PQI, 권리성, 기술성, 상업성, 6T class) for stored patents from a CSV/TSV file')
    .argument('<file>', 'columns application_number, pqi, rights_score, technology_score, commercial_score, tech_6t, source')
    .option('--source <label>', 'source label for rows with an empty source column (default: the file name)')
    .action(async (file: string, flags: { source?: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const store = openStore(resolveHome(globals.home), { writes: true });
      const bar = startProgress('evaluations', statSync(file, { throwIfNoEntry: false })?.size ?? 1);
      let done = 0;
      try {
        const summary = await ingestEvaluations(store, file, {
          source: flags.source,
          onBytes: (bytes) => bar.update((done += bytes)),
        });
        bar.stop();
        if (globals.json) {
          process.stdout.write(`${JSON.stringify(summary)}\n`);
          return;
        }
        const unknown = summary.unknownPatent.length + summary.unknownPatentOmitted;
        const lines = [
          `read ${summary.read} · inserted ${summary.inserted} · updated ${summary.updated} · unchanged ${summary.unchanged} · rejected ${summary.rejected} · unknown patent ${unknown}`,
          ...summary.rejections.slice(0, SHOWN).map((r) => `  ${r.file} line ${r.line}, ${r.field}: ${r.reason}`),
        ];
        if (summary.unknownPatent.length > 0) {
          const more = unknown > SHOWN ? ' …(--json lists up to 10,000)' : '';
          lines.push(`not in the store (ingest the patents first): ${summary.unknownPatent.slice(0, SHOWN).join(', ')}${more}`);
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        bar.stop();
        store.close();
      }
    });
}
