/**
 * JSON Lines reader for patmatch's own schema: one `Patent` object (camelCase fields) per line.
 */
import { createInterface } from 'node:readline';
import type { Patent } from '../domain/index.js';
import type { RawPatent } from '../domain/normalize/index.js';
import { openText, detectFileEncoding, type PatentReader, type RawRecord } from './source.js';

/**
 * Fields read from a line; others (`id`, `revision`, `source` of an export, `kind` which the number
 * decides) are ignored. Files written before applicants were lists name them `applicant` (a string):
 * read as `applicants` when that is absent.
 */
const FIELDS = [
  'applicationNumber',
  'title',
  'titleEn',
  'abstract',
  'ipc',
  'applicants',
  'applicationDate',
  'openingNumber',
  'openingDate',
  'publicationNumber',
  'publicationDate',
  'registrationNumber',
  'registrationDate',
  'registrationStatus',
  'inventors',
  'agent',
] as const satisfies ReadonlyArray<keyof Patent>;

/** Fields that take a string array as well as a string. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['ipc', 'applicants', 'inventors']);

/**
 * Reads one JSON object per line; a line that is not a JSON object, or a field of the wrong type,
 * becomes a record with problems (reported as a rejection), never an exception.
 *
 * @example
 * for await (const record of readJsonLines('patents.jsonl', {})) …
 */
export const readJsonLines: PatentReader = async function* (path, options) {
  const encoding = await detectFileEncoding(path);
  const lines = createInterface({ input: openText(path, encoding, options.onBytes), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    yield parseLine(text, line);
  }
};

function parseLine(text: string, line: number): RawRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { location: { line }, fields: {}, problems: [{ field: 'record', reason: `is not valid JSON (${(error as Error).message})` }] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { location: { line }, fields: {}, problems: [{ field: 'record', reason: 'is not a JSON object' }] };
  }
  const object = value as Record<string, unknown>;
  const fields: RawPatent = {};
  const problems: NonNullable<RawRecord['problems']> = [];
  for (const field of FIELDS) {
    const fieldValue = field === 'applicants' ? object.applicants ?? object.applicant : object[field];
    if (fieldValue === undefined || fieldValue === null) continue;
    const list = LIST_FIELDS.has(field);
    const ok =
      typeof fieldValue === 'string' ||
      (field === 'applicationNumber' && typeof fieldValue === 'number') ||
      (list && Array.isArray(fieldValue) && fieldValue.every((item) => typeof item === 'string'));
    if (ok) fields[field] = fieldValue;
    else problems.push({ field, reason: `has type ${Array.isArray(fieldValue) ? 'array' : typeof fieldValue}, expected ${list ? 'a string or a string array' : 'a string'}` });
  }
  return problems.length > 0 ? { location: { line }, fields, problems } : { location: { line }, fields };
}
