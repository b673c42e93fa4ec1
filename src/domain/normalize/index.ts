/**
 * Pure normalisers that turn the many notations found in KIPRIS exports and commercial patent
 * databases into the canonical forms of the `Patent` type. They never throw on hostile input:
 * each returns `null` (or an empty value) when nothing sensible can be read, and the caller
 * decides whether that rejects the record.
 */
import type { Patent, PatentKind } from '../index.js';
import { normalizeText as normalizeFreeText } from '../../text/normalize.js';
import { applicantList, inventorList, NO_KNOWN_NAMES, type KnownNames, type NameListOutcome } from '../names/index.js';

const KIND_BY_PREFIX: Readonly<Record<string, PatentKind>> = { '10': 'patent', '20': 'utility-model' };

/**
 * Application number to the 13-digit form `KKYYYYNNNNNNN` (kind 10 = patent, 20 = utility model).
 * Accepts `10-2016-0138184`, `1020160138184`, and `2015-7008399` (year + 7-digit serial with no
 * kind, as PCT national-phase numbers are often written: read as a patent).
 *
 * @example
 * normalizeApplicationNumber('10-2016-0138184') // '1020160138184'
 * normalizeApplicationNumber('2015-7008399')    // '1020157008399'
 * normalizeApplicationNumber('12-34')           // null
 */
export function normalizeApplicationNumber(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = normalizeText(String(value));
  if (!/^[0-9\s\-.]+$/.test(text)) return null;
  const digits = text.replace(/\D/g, '');
  const full = digits.length === 11 ? `10${digits}` : digits;
  if (full.length !== 13) return null;
  if (!(full.slice(0, 2) in KIND_BY_PREFIX)) return null;
  const year = Number(full.slice(2, 6));
  return year >= 1940 && year <= 2099 ? full : null;
}

/**
 * The kind encoded in a normalised application number.
 *
 * @example
 * kindOf('2020190001234') // 'utility-model'
 */
export function kindOf(applicationNumber: string): PatentKind {
  return KIND_BY_PREFIX[applicationNumber.slice(0, 2)] ?? 'patent';
}

/**
 * `text/normalize`'s `normalizeText` for values read from files: markup stripped, entities decoded,
 * NFKC, control characters removed, whitespace collapsed. A finite number gives its digits; any
 * other non-string input gives `''`.
 *
 * @example
 * normalizeText('  <b>그래핀</b>\u00a0 전극 ') // '그래핀 전극'
 */
export function normalizeText(value: unknown): string {
  if (typeof value === 'string') return normalizeFreeText(value);
  // Spreadsheets store numbers such as 등록번호 1018463630000 as numbers.
  if (typeof value === 'number' && Number.isFinite(value)) return Number.isInteger(value) ? value.toFixed(0) : String(value);
  return '';
}

/**
 * `normalizeText`, but `null` for an empty result: for optional fields.
 *
 * @example
 * optionalText('  ') // null
 */
export function optionalText(value: unknown): string | null {
  return normalizeText(value) || null;
}

/**
 * Splits a title that carries a trailing English title in parentheses. Only a trailing group whose
 * letters are mainly Latin is split off, so Korean titles that contain parentheses stay whole.
 *
 * @example
 * splitTitle('그래핀 전극의 제조방법(PREPARATION METHOD OF GRAPHENE ELECTRODE)')
 * // { title: '그래핀 전극의 제조방법', titleEn: 'PREPARATION METHOD OF GRAPHENE ELECTRODE' }
 * splitTitle('초음파 공구(칼)') // { title: '초음파 공구(칼)', titleEn: null }
 */
export function splitTitle(value: unknown): { title: string; titleEn: string | null } {
  const text = normalizeText(value);
  const open = trailingGroupStart(text);
  if (open <= 0) return { title: text, titleEn: null };
  const inner = text.slice(open + 1, -1).trim();
  const head = text.slice(0, open).trim();
  if (!head || !isMainlyLatin(inner) || !/[\p{Script=Hangul}\p{Script=Han}]/u.test(head)) {
    return { title: text, titleEn: null };
  }
  return { title: head, titleEn: inner };
}

/** Index of the `(` that opens the group closing at the end of `text`, or -1. */
function trailingGroupStart(text: string): number {
  if (!text.endsWith(')')) return -1;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return i;
  }
  return -1;
}

function isMainlyLatin(text: string): boolean {
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  const other = text.match(/[^\P{L}A-Za-z]/gu)?.length ?? 0;
  return latin >= 3 && latin > other * 4;
}

const IPC_CODE = /([A-H])\s*(\d{2})\s*([A-Z])\s*-?\s*0*(\d{1,4})\s*\/\s*(\d{1,6})/g;

/**
 * IPC codes to the `H01G 11/86` form, deduplicated in order. Accepts arrays, `|`/`,`/`;`-separated
 * strings, `C12N-005/095` and the list-like strings of some exports
 * (`"['H01G 11/86 H01G 11/32 .... ', 'H01G 11/86|H01G 11/32']"`, where the `|` part is the list).
 *
 * @example
 * normalizeIpc('B24B 3/34|B24B 49/12|B24B 3/34') // ['B24B 3/34', 'B24B 49/12']
 * normalizeIpc('C12N-005/095')                  // ['C12N 5/095']
 */
export function normalizeIpc(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [value];
  const text = parts.map((part) => (typeof part === 'string' ? part.normalize('NFKC').toUpperCase() : '')).join('|');
  const codes: string[] = [];
  for (const match of listPart(text).matchAll(IPC_CODE)) {
    const code = `${match[1]}${match[2]}${match[3]} ${match[4]}/${match[5]}`;
    if (!codes.includes(code)) codes.push(code);
  }
  return codes;
}

/** In a list-like string `['a .... ', 'b|c']`, the elements holding `|` are the full list; the others are truncated previews. */
function listPart(text: string): string {
  const elements = [...text.matchAll(/'([^']*)'|"([^"]*)"/g)].map((match) => match[1] ?? match[2] ?? '');
  if (!/^\s*\[/.test(text) || elements.length === 0) return text;
  const piped = elements.filter((element) => element.includes('|'));
  return (piped.length > 0 ? piped : elements).join('|');
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A date to ISO `YYYY-MM-DD`. Accepts `20191128`, `2016.10.24`, `2016-10-24`, `2016/10/24`,
 * `2016. 10. 24.`, `2016년 10월 24일`, ISO timestamps, Excel's `2016/10/24 오전 12:00:00`, `Date`
 * objects, Excel serial numbers (1900 date system) and numbers that spell a date (20191128).
 * Returns `null` for anything that is not a real calendar date.
 *
 * @example
 * normalizeDate('2016.10.24') // '2016-10-24'
 * normalizeDate(43797)        // '2019-11-28'
 * normalizeDate('2019-02-30') // null
 */
export function normalizeDate(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  // A spreadsheet number is a serial day, unless it spells a date as digits (20160101).
  if (typeof value === 'number' && !(Number.isInteger(value) && value >= 19000101 && value <= 20991231)) return excelSerialToIso(value);
  const text = normalizeText(value);
  const match =
    /^(\d{4})(\d{2})(\d{2})$/.exec(text) ??
    /^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?(?:(?:[T ]|\s+(?:오전|오후|AM|PM)\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text) ??
    /^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$/.exec(text);
  if (match) return isoIfValid(Number(match[1]), Number(match[2]), Number(match[3]));
  return /^\d{5}(\.\d+)?$/.test(text) ? excelSerialToIso(Number(text)) : null;
}

function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  return new Date(EXCEL_EPOCH_MS + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

function isoIfValid(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2099) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** Raw values of one record, keyed by `Patent` field, before normalisation. */
export type RawPatent = Partial<Record<keyof Patent, unknown>>;

/** Why one field of a record was not accepted. */
export interface FieldProblem {
  field: keyof Patent;
  reason: string;
}

/**
 * The outcome of `normalizePatent`: a patent and how its applicants field was read (see
 * `applicantList`), or the problems that reject the record.
 */
export type NormalizeResult = { ok: true; patent: Patent; applicantsRead: NameListOutcome } | { ok: false; problems: FieldProblem[] };

/** Options of `normalizePatent`. */
export interface NormalizeOptions {
  /** Names that help split space-joined co-applicants (the store's applicants, the manager directory). */
  knownApplicants: KnownNames;
}

const DATE_FIELDS = ['applicationDate', 'openingDate', 'publicationDate', 'registrationDate'] as const;
const TEXT_FIELDS = ['openingNumber', 'publicationNumber', 'registrationNumber', 'registrationStatus', 'agent'] as const;

/**
 * Longest raw value accepted per field (characters): an abstract of 50,000 is ten times the longest
 * real one; anything longer is a broken export (a whole file in one cell) and would only slow
 * indexing and search.
 */
export const MAX_FIELD_LENGTH = { abstract: 50_000, other: 5_000 } as const;

/**
 * Normalises one raw record into a `Patent`: application number, kind, title split, IPC, dates,
 * applicant and inventor lists and texts. (A `등록` status is derived by the store, after merging
 * with what it already knows.)
 *
 * @example
 * normalizePatent({ applicationNumber: '10-2016-0138184', title: '전극(ELECTRODE)', applicationDate: '2016.10.24' })
 * // { ok: true, patent: { applicationNumber: '1020160138184', title: '전극', titleEn: 'ELECTRODE', … }, applicantsRead: 'separated' }
 */
export function normalizePatent(raw: RawPatent, options: Partial<NormalizeOptions> = {}): NormalizeResult {
  const oversize = (Object.entries(raw) as [keyof Patent, unknown][]).flatMap(([field, value]): FieldProblem[] => {
    const limit = field === 'abstract' ? MAX_FIELD_LENGTH.abstract : MAX_FIELD_LENGTH.other;
    const length = Array.isArray(value) ? value.reduce((sum: number, item) => sum + (typeof item === 'string' ? item.length : 0), 0) : typeof value === 'string' ? value.length : 0;
    return length > limit ? [{ field, reason: `${length} characters is longer than the limit of ${limit}` }] : [];
  });
  if (oversize.length > 0) return { ok: false, problems: oversize };
  const problems: FieldProblem[] = [];
  const applicationNumber = normalizeApplicationNumber(raw.applicationNumber);
  if (!applicationNumber) {
    problems.push({ field: 'applicationNumber', reason: describeInvalid(raw.applicationNumber, 'an application number') });
  }
  const split = splitTitle(raw.title);
  const titleEn = optionalText(raw.titleEn) ?? split.titleEn;
  if (!split.title) problems.push({ field: 'title', reason: 'is missing' });
  const dates = {} as Record<(typeof DATE_FIELDS)[number], string | null>;
  for (const field of DATE_FIELDS) {
    dates[field] = isBlank(raw[field]) ? null : normalizeDate(raw[field]);
    if (!isBlank(raw[field]) && !dates[field]) problems.push({ field, reason: describeInvalid(raw[field], 'a date') });
  }
  if (problems.length > 0 || !applicationNumber) return { ok: false, problems };
  const texts = {} as Record<(typeof TEXT_FIELDS)[number], string | null>;
  for (const field of TEXT_FIELDS) texts[field] = optionalText(raw[field]);
  const applicants = applicantList(raw.applicants, options.knownApplicants ?? NO_KNOWN_NAMES);
  return {
    ok: true,
    applicantsRead: applicants.outcome,
    patent: {
      applicationNumber,
      kind: kindOf(applicationNumber),
      title: split.title,
      titleEn,
      abstract: normalizeText(raw.abstract),
      ipc: normalizeIpc(raw.ipc),
      applicants: applicants.names,
      inventors: inventorList(raw.inventors),
      ...dates,
      ...texts,
      registrationStatus: texts.registrationStatus,
    },
  };
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function describeInvalid(value: unknown, what: string): string {
  if (isBlank(value)) return 'is missing';
  const shown = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return `${JSON.stringify(shown.length > 60 ? `${shown.slice(0, 60)}…` : shown)} is not ${what}`;
}
