/**
 * Maps the header row of a CSV/TSV/XLSX export to `Patent` fields, from the column names that
 * KIPRIS and commercial patent databases use, and turns data rows into raw records.
 */
import type { Patent } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import { normalizeApplicationNumber, type RawPatent } from '../domain/normalize/index.js';
import type { RawRecord } from './source.js';

type Field = keyof Omit<Patent, 'kind'>;

/** Known header names per field, compared after `headerKey` (NFKC, lower case, no spaces or punctuation). */
const ALIASES: Readonly<Record<Field, readonly string[]>> = {
  title: ['발명의명칭', '발명의명칭국문', '발명의명칭한글', '발명명칭', '특허명', '명칭', '국문명칭', '한글명칭', '제목', 'title', 'inventiontitle', 'inventionname', 'koreantitle'],
  titleEn: ['영문명칭', '발명의명칭영문', '영문발명의명칭', '영문제목', '영문특허명', 'englishtitle', 'titleen', 'titleenglish', 'inventiontitleen'],
  abstract: ['요약', '요약문', '초록', '설명', '요약국문', 'abstract', 'summary', 'astrtcont'],
  applicationNumber: ['출원번호', 'applicationnumber', 'applicationno', 'appno', 'applno', 'filingnumber'],
  applicationDate: ['출원일', '출원일자', '출원날짜', 'applicationdate', 'filingdate', 'appdate'],
  applicants: ['출원인', '출원인명', '출원인국문', 'applicant', 'applicants', 'applicantname'],
  ipc: ['ipc', 'ipc넘버', 'ipc코드', 'ipc분류', 'ipc번호', 'ipcall', 'originalipcall', 'originalipc', '국제특허분류', 'internationalpatentclassification', 'internationalpatentclassificationnumber', 'ipcnumber'],
  registrationNumber: ['등록번호', 'registrationnumber', 'registerno', 'registrationno'],
  registrationDate: ['등록일', '등록일자', '등록날짜', 'registrationdate', 'registerdate'],
  openingNumber: ['공개번호', 'openingnumber', 'openno', 'laidopennumber'],
  openingDate: ['공개일', '공개일자', '공개날짜', 'openingdate', 'opendate', 'laidopendate'],
  publicationNumber: ['공고번호', 'publicationnumber', 'publicnumber', 'publicationno'],
  publicationDate: ['공고일', '공고일자', '공고날짜', 'publicationdate', 'publicdate'],
  registrationStatus: ['등록상태', '법적상태', '행정상태', '상태', 'status', 'legalstatus', 'registrationstatus'],
  inventors: ['발명자', '발명가', '발명자명', 'inventor', 'inventors'],
  agent: ['대리인', '대리인명', 'agent', 'agents', 'attorney'],
};

const FIELD_BY_ALIAS = new Map(
  Object.entries(ALIASES).flatMap(([field, aliases]) => aliases.map((alias) => [alias, field as Field] as const)),
);

/** Type words that search-engine exports append to header cells (`특허명 TEXT`, `출원날짜DATETIME`, `설명, STORED`). */
const HEADER_SUFFIX = /[\s,]*(TEXT|NGRAM|NUMERIC|DATETIME|DATE|KEYWORD|STORED|INDEXED|STRING|VARCHAR|INTEGER|INT|LONG)\s*$/i;

/**
 * The comparable form of a header cell: NFKC, lower case, without spaces and punctuation.
 *
 * @example
 * headerKey(' 발명의 명칭(국문) ') // '발명의명칭국문'
 */
export function headerKey(cell: unknown): string {
  return String(cell ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

/** The field a header cell names: as written, else with type suffixes stripped one by one. */
function fieldOf(cell: string): Field | undefined {
  for (let text = cell; ; ) {
    const field = FIELD_BY_ALIAS.get(headerKey(text));
    if (field) return field;
    const stripped = text.replace(HEADER_SUFFIX, '');
    if (stripped === text || !stripped.trim()) return undefined;
    text = stripped;
  }
}

/**
 * How many cells of a row name a known patent column, for delimiter sniffing.
 *
 * @example
 * knownColumnCount(['출원번호', '특허명 TEXT', 'x']) // 2
 */
export function knownColumnCount(cells: readonly string[]): number {
  return cells.filter((cell) => fieldOf(cell) !== undefined).length;
}

/**
 * Checks `--map field=column` overrides name real fields, before any file is read.
 *
 * @example
 * assertMapFields({ title: '특허명' }); // ok
 * assertMapFields({ titel: '특허명' }); // throws invalid_input
 */
export function assertMapFields(overrides: Readonly<Record<string, string>>): void {
  const fieldOfColumn = new Map<string, string>();
  for (const [field, column] of Object.entries(overrides)) {
    if (!(field in ALIASES)) {
      throw new PatmatchError('invalid_input', `--map ${field}=${column}: unknown field; use one of ${Object.keys(ALIASES).join(', ')}`);
    }
    const key = /^\d+$/.test(column) ? `#${Number(column)}` : headerKey(column);
    const other = fieldOfColumn.get(key);
    if (other) throw new PatmatchError('invalid_input', `--map ${field}=${column}: that column is already mapped to ${other}`);
    fieldOfColumn.set(key, field);
  }
}

/** Which column feeds which field, found from a header row. */
export interface ColumnMap {
  columns: ReadonlyArray<{ field: Field; index: number }>;
  /**
   * Index from which trailing cells belong to the last named column: exports that do not quote
   * their last text column spill its commas into headerless (or suffix-only) columns.
   */
  spillFrom: number | null;
  /** Cells in the header row. */
  width: number;
}

/**
 * Maps a header row, applying `--map field=column` overrides (column by header text or 1-based
 * number). Returns `null` when the row does not name both an application number and a title.
 *
 * @example
 * mapColumns(['특허명 TEXT', '출원번호 NUMERIC'], {})?.columns // [{ field: 'title', index: 0 }, { field: 'applicationNumber', index: 1 }]
 */
export function mapColumns(header: readonly unknown[], overrides: Readonly<Record<string, string>> = {}): ColumnMap | null {
  const cells = header.map((cell) => (cell === null || cell === undefined ? '' : String(cell)));
  const byField = new Map<Field, number>();
  cells.forEach((cell, index) => {
    const field = fieldOf(cell);
    if (field && !byField.has(field)) byField.set(field, index);
  });
  for (const [field, column] of Object.entries(overrides)) {
    const index = /^\d+$/.test(column) ? Number(column) - 1 : cells.findIndex((cell) => headerKey(cell) === headerKey(column));
    if (index < 0 || index >= cells.length) return null;
    byField.set(field as Field, index);
  }
  if (!byField.has('applicationNumber') || !byField.has('title')) return null;
  const columns = [...byField].map(([field, index]) => ({ field, index })).sort((a, b) => a.index - b.index);
  const last = columns[columns.length - 1]!.index;
  const trailing = cells.slice(last + 1);
  const spills = trailing.length > 0 && trailing.every((cell) => cell.replace(HEADER_SUFFIX, '').trim() === '');
  return { columns, spillFrom: spills ? last + 1 : null, width: cells.length };
}

/** A data row of a table file: its 1-based line (or sheet row) and its cells. */
export interface TableRow {
  line: number;
  cells: unknown[];
}

const HEADER_SEARCH_ROWS = 10;

/** Options of `tableRecords`. */
export interface TableOptions {
  /** `--map field=column` overrides. */
  overrides?: Readonly<Record<string, string>>;
  /**
   * The delimiter the rows were split on, for CSV/TSV: it joins cells that spilled over from the
   * last named column, and rows with more cells than the header, or holding whole further rows, are
   * rejected (an unquoted delimiter or an unclosed quote).
   */
  delimiter?: string;
  /** Joins spilled cells of a table that has no delimiter (XLSX); default the delimiter, else ','. */
  spillJoiner?: string;
  /** Throw when no header is found (default); `false` consumes the rows and returns `false`, for optional sheets. */
  required?: boolean;
}

/**
 * Raw records from table rows: finds the header among the first rows (exports often start with a
 * title line), then maps each row. Returns whether a header was found; throws when it was not and
 * `required` is not `false`.
 *
 * @example
 * for await (const record of tableRecords(rows, { delimiter: ',' })) …
 */
export async function* tableRecords(
  rows: AsyncIterable<TableRow>,
  options: TableOptions = {},
): AsyncGenerator<RawRecord, boolean> {
  const { overrides = {}, delimiter, spillJoiner = delimiter ?? ',', required = true } = options;
  let map: ColumnMap | null = null;
  const seen: TableRow[] = [];
  for await (const row of rows) {
    if (map) {
      if (row.cells.some((cell) => cell !== null && cell !== undefined && String(cell).trim() !== '')) {
        const problems = delimiter === undefined ? [] : rowProblems(row.cells, map, delimiter);
        yield { location: { line: row.line }, fields: rowFields(row.cells, map, spillJoiner), ...(problems.length > 0 && { problems }) };
      }
    } else if (seen.length < HEADER_SEARCH_ROWS) {
      seen.push(row);
      map = mapColumns(row.cells, overrides);
    } else if (required) {
      throw missingHeader(seen, overrides);
    }
  }
  if (!map && required) throw missingHeader(seen, overrides);
  return map !== null;
}

function rowFields(cells: readonly unknown[], map: ColumnMap, spillJoiner: string): RawPatent {
  const fields: RawPatent = {};
  for (const { field, index } of map.columns) fields[field] = cells[index];
  if (map.spillFrom !== null && cells.length > map.spillFrom) {
    const last = map.columns[map.columns.length - 1]!.field;
    const spill = cells.slice(map.spillFrom).map((cell) => String(cell ?? ''));
    while (spill.length > 0 && spill[spill.length - 1]!.trim() === '') spill.pop();
    if (spill.length > 0) fields[last] = [String(fields[last] ?? ''), ...spill].join(spillJoiner);
  }
  return fields;
}

/**
 * What makes a row untrustworthy although it parsed: more cells than the header (an unquoted value
 * holding the delimiter shifts every later column), or a cell holding whole further rows (a quote
 * opened and never closed swallows the records after it). Such a row is rejected, not stored wrong.
 */
function rowProblems(cells: readonly unknown[], map: ColumnMap, delimiter: string): NonNullable<RawRecord['problems']> {
  const numberAt = map.columns.find((c) => c.field === 'applicationNumber')!.index;
  for (const { field, index } of map.columns) {
    const cell = cells[index];
    if (typeof cell !== 'string' || !/[\r\n]/.test(cell)) continue;
    const swallowed = cell
      .split(/\r\n|\r|\n/)
      .slice(1)
      .map((line) => line.split(delimiter))
      .filter((parts) => parts.length >= Math.min(map.width, numberAt + 2) && normalizeApplicationNumber(parts[numberAt]?.replace(/^"/, '')) !== null);
    if (swallowed.length > 0) {
      const first = swallowed[0]![numberAt];
      const reason = `a quote opened in this cell is never closed, so ${swallowed.length} following row(s) (from ${first}) were read into it; close the quote, or write a quote inside a value as ""`;
      return [{ field, reason }];
    }
  }
  const extra = cells.slice(map.width).filter((cell) => cell !== null && cell !== undefined && String(cell).trim() !== '');
  if (map.spillFrom === null && extra.length > 0) {
    const reason = `${map.width + extra.length} cells where the header has ${map.width}: a value holding "${delimiter === '\t' ? '\\t' : delimiter}" must be quoted, or every later column shifts`;
    return [{ field: 'record', reason }];
  }
  return [];
}

/**
 * `tableRecords`'s error for a table without a usable header.
 *
 * @example
 * throw missingHeader([], {});
 */
export function missingHeader(seen: readonly TableRow[], overrides: Readonly<Record<string, string>>): PatmatchError {
  const unmatched = Object.entries(overrides).filter(
    ([, column]) => !/^\d+$/.test(column) && !seen.some((row) => row.cells.some((cell) => headerKey(cell) === headerKey(column))),
  );
  if (unmatched.length > 0) {
    const [field, column] = unmatched[0]!;
    return new PatmatchError('invalid_input', `--map ${field}=${column}: no column named "${column}" in the first ${HEADER_SEARCH_ROWS} rows`);
  }
  const first = seen[0]?.cells.map(String).join(' | ') || '(empty file)';
  const hint = Object.keys(overrides).length > 0 ? ' (after --map)' : '; name them with --map applicationNumber=<column> --map title=<column>';
  return new PatmatchError(
    'invalid_input',
    `no header row naming an application number (출원번호) and a title (발명의 명칭) in the first ${HEADER_SEARCH_ROWS} rows${hint}. First row: ${first.slice(0, 200)}`,
  );
}
