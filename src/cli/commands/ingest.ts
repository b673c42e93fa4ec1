import type { Command } from 'commander';
import { PatmatchError } from '../../domain/errors.js';
import { ingest, type ColumnUse, type IngestSummary, type RunCounts } from '../../ingest/index.js';
import { openStore } from '../../store/index.js';
import { resolveHome } from '../context.js';
import { startProgress } from '../progress.js';

/** Rejections listed in the text summary; `--json` lists them all. */
const SHOWN_REJECTIONS = 20;

/**
 * `patmatch ingest <paths...>`: loads KIPRIS XML, CSV/TSV/XLSX exports and JSON Lines into the store.
 * Exit code 0 when every file was read (rejected records are reported, not fatal), 2 when a file
 * could not be read at all or stopped being readable part-way.
 *
 * @example
 * patmatch ingest ../shared/data/kipris/plus-xml ../shared/data/kipris/inu-patents.csv --map title=특허명
 */
export function register(program: Command): void {
  program
    .command('ingest')
    .description('Load patents from KIPRIS Plus XML, CSV/TSV/XLSX exports or JSON Lines (files or folders)')
    .argument('<paths...>', 'files or folders (read recursively; formats are detected from the content)')
    .option('--map <field=column>', 'read a field from a named (or 1-based numbered) column, e.g. title=특허명; repeatable', collectMap)
    .addHelpText('after', '\nExit code 0 when every file was read (rejected records are listed, not fatal); 2 when a file could not be read.')
    .action(async (paths: string[], flags: { map?: Record<string, string> }, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const store = openStore(resolveHome(globals.home), { writes: true });
      const bar = startProgress('ingest', 1);
      let summary: IngestSummary;
      try {
        summary = await ingest(store, paths, {
          map: flags.map,
          onProgress: (done, total) => {
            bar.setTotal(total);
            bar.update(done);
          },
        });
      } finally {
        bar.stop();
        store.close();
      }
      process.stdout.write(globals.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
      if (summary.failed.length > 0) process.exitCode = 2;
    });
}

/** `updated n (…)` and `unchanged n (…)`, saying how many repeat an application read earlier in the run. */
function countsText(counts: RunCounts): [string, string] {
  const text = (word: string, total: number, repeats: number) => {
    if (total === 0 || repeats === 0) return `${word} ${total}`;
    const others = total - repeats;
    return `${word} ${total} (${others === 0 ? 'all' : repeats} repeat an application read earlier in this run${others === 0 ? '' : `, ${others} stored before it`})`;
  };
  return [text('updated', counts.updated, counts.updatedRepeats), text('unchanged', counts.unchanged, counts.unchangedRepeats)];
}

function sheetAndColumn(column: ColumnUse): string {
  return column.sheet === undefined ? column.column : `${column.sheet}: ${column.column}`;
}

function rowsText(rows: number): string {
  return rows === 1 ? '1 row' : `${rows} rows`;
}

function mapHint(column: ColumnUse): string {
  const name = /[\s=]/.test(column.column) ? `"${column.column}"` : column.column;
  return column.suggestion ? `use --map ${column.suggestion}=${name}` : `not read; --map <field>=${name} reads it into a field`;
}

function collectMap(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^\s*([A-Za-z]+)\s*=\s*(.+?)\s*$/.exec(value);
  if (!match) throw new PatmatchError('invalid_input', `--map ${value}: expected field=column, e.g. title=특허명`);
  return { ...previous, [match[1]!]: match[2]! };
}

/**
 * The text summary: totals, then per file its counts and the columns it did not read, then
 * rejections (the first few) and unreadable files.
 *
 * @example
 * formatSummary(summary)
 * // 'read 342 · new 259 · updated 83 (83 repeat an application read earlier in this run) · unchanged 0 · rejected 0\n…'
 */
export function formatSummary(summary: IngestSummary): string {
  const lines = [`read ${summary.read} · new ${summary.inserted} · ${countsText(summary).join(' · ')} · rejected ${summary.rejected}`];
  for (const file of summary.files) {
    lines.push(`  ${file.format.padEnd(10)} ${file.file}: read ${file.read}, new ${file.inserted}, ${countsText(file).join(', ')}, rejected ${file.rejected}`);
    // The sheet is named only when the columns come from more than one.
    const name = new Set([...file.unmapped, ...file.notStored].map((column) => column.sheet)).size > 1 ? sheetAndColumn : (column: ColumnUse) => column.column;
    for (const column of file.unmapped) lines.push(`    unmapped: ${name(column)} (${rowsText(column.rows)}) — ${mapHint(column)}`);
    const byHolds = new Map<string, ColumnUse[]>();
    for (const column of file.notStored) {
      const holds = column.readFrom === undefined ? column.holds! : `${column.holds} (read from "${column.readFrom}")`;
      byHolds.set(holds, [...(byHolds.get(holds) ?? []), column]);
    }
    for (const [holds, columns] of byHolds) {
      lines.push(`    not stored, ${holds}: ${columns.map((column) => `${name(column)} (${rowsText(column.rows)})`).join(', ')}`);
    }
  }
  const { split, keptWhole } = summary.joinedApplicants;
  if (split + keptWhole > 0) lines.push(`space-joined applicants: ${split} split into names, ${keptWhole} kept whole (unsure)`);
  const total = summary.rejections.length + summary.rejectionsOmitted;
  if (total > 0) lines.push(`rejections (${total}${total > SHOWN_REJECTIONS ? `, first ${SHOWN_REJECTIONS}; --json lists them` : ''}):`);
  for (const rejection of summary.rejections.slice(0, SHOWN_REJECTIONS)) {
    const where = rejection.line !== undefined ? `line ${rejection.line}` : `item ${rejection.item}`;
    const number = rejection.applicationNumber ? ` (${rejection.applicationNumber})` : '';
    lines.push(`  ${rejection.file} ${where}${number}, ${rejection.field}: ${rejection.reason}`);
  }
  for (const { file, reason } of summary.skipped) lines.push(`skipped ${file}: ${reason}`);
  for (const { file, reason } of summary.failed) lines.push(`error: ${file}: ${reason}`);
  return `${lines.join('\n')}\n`;
}
