/**
 * Chooses a reader by a file's content (magic bytes, first characters, header row), not by its
 * extension, so a `.txt` TSV or an extension-less KIPRIS response still reads.
 */
import { readHead, decodeHead, detectEncoding, type PatentReader } from './source.js';
import { readKiprisXml } from './kipris-xml.js';
import { readDelimited, sniffDelimiter } from './delimited.js';
import { readXlsx } from './xlsx.js';
import { readJsonLines } from './jsonl.js';
import { mapColumns, missingHeader } from './columns.js';
import { headerKey, unkeyedExportReason } from './headers.js';

/** Formats patmatch reads. */
export type PatentFormat = 'kipris-xml' | 'xlsx' | 'jsonl' | 'csv' | 'tsv';

/** The detected format and its reader, or why the file is not a patent source. */
export type Detection = { format: PatentFormat; reader: PatentReader } | { format: null; reason: string };

/**
 * Detects a file's format from its first 64 KiB.
 *
 * @example
 * const detection = await detectFormat('exports/inu-patents.csv'); // { format: 'csv', reader: readDelimited }
 */
export async function detectFormat(path: string, map: Readonly<Record<string, string>> = {}): Promise<Detection> {
  const head = await readHead(path);
  if (head.length === 0) return { format: null, reason: 'the file is empty' };
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return { format: 'xlsx', reader: readXlsx };
  if (head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    return { format: null, reason: 'legacy .xls workbooks are not supported; save it as .xlsx or CSV' };
  }
  if (!/^utf16/.test(detectEncoding(head)) && head.subarray(0, 4096).includes(0)) {
    return { format: null, reason: 'binary content of an unknown format' };
  }
  const text = decodeHead(head).trimStart();
  if (text.startsWith('<')) {
    return /<PatentUtilityInfo[\s>]|<response[\s>]/.test(text)
      ? { format: 'kipris-xml', reader: readKiprisXml }
      : { format: null, reason: 'XML that is not a KIPRIS Plus response (no response/body/items/PatentUtilityInfo)' };
  }
  if (text.startsWith('{')) return { format: 'jsonl', reader: readJsonLines };
  const delimiter = sniffDelimiter(text);
  const rows = text.split(/\r\n|\r|\n/, 10).map((line) => line.split(delimiter));
  if (rows[0]!.some((cell) => headerKey(cell) === 'pqi')) {
    return { format: null, reason: 'an evaluations table: load it with `patmatch ingest-evaluations`' };
  }
  if (rows.some((row) => mapColumns(row, map))) return { format: delimiter === '\t' ? 'tsv' : 'csv', reader: readDelimited };
  if (rows[0]!.length > 1) {
    if (map && Object.keys(map).length > 0) return { format: null, reason: missingHeader(rows.map((cells, i) => ({ line: i + 1, cells })), map).message };
    const unkeyed = rows.map((cells) => unkeyedExportReason(cells)).find((reason) => reason !== undefined);
    if (unkeyed) return { format: null, reason: unkeyed };
    const header = rows[0]!.join(' | ').slice(0, 160);
    return { format: null, reason: `a table without application-number and title columns (header: ${header}); name them with --map` };
  }
  return { format: null, reason: 'not a KIPRIS XML response, CSV/TSV, XLSX or JSON Lines file' };
}
