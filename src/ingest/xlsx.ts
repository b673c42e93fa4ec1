/**
 * XLSX reader: exceljs's streaming workbook reader, so large sheets are never held whole.
 */
import type ExcelJS from 'exceljs';
import { PatmatchError } from '../domain/errors.js';
import { openBytes, type PatentReader } from './source.js';
import { missingHeader, tableRecords, type TableRow } from './columns.js';

/**
 * Reads every worksheet of an XLSX workbook whose first rows hold a patent header; sheets without
 * one (covers, notes) are skipped, and a workbook with none is an error.
 *
 * @example
 * for await (const record of readXlsx('kipris-export.xlsx', {})) …
 */
export const readXlsx: PatentReader = async function* (path, options) {
  // Loaded on use: exceljs takes most of a second to load, which every other command would pay.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.stream.xlsx.WorkbookReader(openBytes(path, options.onBytes), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let found = false;
  try {
    for await (const worksheet of workbook) {
      const sheet = tableRecords(sheetRows(worksheet), {
        overrides: options.map,
        spillJoiner: ' ',
        required: false,
        sheet: (worksheet as { name?: string }).name,
        onUnusedColumns: options.onUnusedColumns,
      });
      found = (yield* sheet) || found;
    }
  } catch (error) {
    if (error instanceof PatmatchError) throw error;
    throw new PatmatchError('invalid_input', `not a readable XLSX workbook (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!found) throw missingHeader([], options.map ?? {});
};

async function* sheetRows(worksheet: AsyncIterable<ExcelJS.Row>): AsyncGenerator<TableRow> {
  for await (const row of worksheet) {
    const values = Array.isArray(row.values) ? row.values.slice(1) : [];
    yield { line: row.number, cells: Array.from(values, cellValue) };
  }
}

/** A cell's plain value: rich text, hyperlinks and formulas reduced to what they show. */
function cellValue(value: ExcelJS.CellValue | undefined): unknown {
  if (value === null || value === undefined) return '';
  if (value instanceof Date || typeof value !== 'object') return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('text' in value) return typeof value.text === 'string' ? value.text : cellValue(value.text);
  if ('result' in value) return cellValue(value.result as ExcelJS.CellValue);
  return '';
}
