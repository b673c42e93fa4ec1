/**
 * CSV/TSV reader: sniffs encoding and delimiter, then streams rows through csv-parse.
 */
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { readHead, detectFileEncoding, openText, type PatentReader } from './source.js';
import { knownColumnCount, tableRecords, type TableRow } from './columns.js';

const DELIMITERS = [',', '\t', ';', '|'] as const;

/**
 * The delimiter of a table: the candidate under which one of the first 10 lines (where the header
 * is looked for; exports often start with a title line) has the most cells naming known patent
 * columns, ties broken by the cell count (so a plain TSV still reads as TSV).
 *
 * @example
 * sniffDelimiter('출원번호\t발명의 명칭\n…') // '\t'
 */
export function sniffDelimiter(text: string): string {
  const lines = text.split(/\r\n|\r|\n/, 10);
  let best: { delimiter: string; named: number; cells: number } = { delimiter: ',', named: -1, cells: 0 };
  for (const line of lines) {
    for (const delimiter of DELIMITERS) {
      const cells = line.split(delimiter);
      const named = knownColumnCount(cells);
      if (named > best.named || (named === best.named && cells.length > best.cells)) best = { delimiter, named, cells: cells.length };
    }
  }
  return best.delimiter;
}

/**
 * Reads a CSV or TSV file (UTF-8 with or without BOM, UTF-16, CP949/EUC-KR), streaming.
 *
 * @example
 * for await (const record of readDelimited('export.csv', { map: { title: '특허명' } })) …
 */
export const readDelimited: PatentReader = async function* (path, options) {
  const { rows, delimiter } = await readTableRows(path, options.onBytes);
  yield* tableRecords(rows, { overrides: options.map, delimiter, onUnusedColumns: options.onUnusedColumns });
};

/**
 * The rows of a CSV/TSV file with their 1-based line numbers, encoding and delimiter sniffed.
 *
 * @example
 * const { rows } = await readTableRows('evaluations.csv');
 * for await (const { line, cells } of rows) …
 */
export async function readTableRows(
  path: string,
  onBytes?: (bytes: number) => void,
): Promise<{ rows: AsyncIterable<TableRow>; delimiter: string; encoding: string }> {
  const encoding = await detectFileEncoding(path);
  const delimiter = sniffDelimiter(iconv.decode(await readHead(path), encoding));
  return { rows: parseRows(path, encoding, delimiter, onBytes), delimiter, encoding };
}

async function* parseRows(
  path: string,
  encoding: string,
  delimiter: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<TableRow> {
  const parser = openText(path, encoding, onBytes).pipe(
    // A record over 1M characters is a broken file (an unclosed quote swallowing the rest): stop there.
    parse({ delimiter, bom: true, raw: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: 1_000_000 }),
  );
  // csv-parse's own line counter miscounts CRLF inside quoted cells, so count breaks in the raw text.
  let breaks = 0;
  for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    const leading = /^(?:\r\n|\r|\n)*/.exec(raw)![0].match(LINE_BREAK)?.length ?? 0;
    yield { line: breaks + leading + 1, cells: record };
    breaks += raw.match(LINE_BREAK)?.length ?? 0;
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;
