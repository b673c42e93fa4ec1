/**
 * Reading the applicants or inventors of one record into an ordered list of names: split at the
 * separators exports use (`|` in KIPRIS, ` | ` in WIPS ON, `;`, line breaks; repeated XML elements
 * arrive as an array), each normalised (markup, NFKC full-width → ASCII, single spaces) and kept as
 * written otherwise. A comma never separates: `홍, 길동` is one person.
 */
import { normalizeText } from '../../text/normalize.js';
import { nameKey } from './key.js';
import { NO_KNOWN_NAMES, splitJoinedNames, splitJoinedPersons, type JoinedOutcome, type KnownNames } from './joined.js';

/** How a field was read: by its separators, or (no separator) by `splitJoinedNames`. */
export type NameListOutcome = JoinedOutcome | 'separated';

/** The names of one field and how they were read. */
export interface NameList {
  names: string[];
  outcome: NameListOutcome;
}

const LINE_BREAK = /[\r\n]+/;
const SEPARATOR = /[|;]/;

/**
 * The applicants of a field: a string (split at separators; with none, space-joined applicants are
 * split by `splitJoinedNames` with `known`) or an array of strings (each split at separators only).
 * Duplicates (by `nameKey`) are dropped, keeping the first.
 *
 * @example
 * applicantList('삼성전자주식회사|서울대학교산학협력단').names // ['삼성전자주식회사', '서울대학교산학협력단']
 * applicantList('지오씨 주식회사 인천대학교 산학협력단')    // { names: ['지오씨 주식회사', '인천대학교 산학협력단'], outcome: 'split' }
 */
export function applicantList(value: unknown, known: KnownNames = NO_KNOWN_NAMES): NameList {
  return nameList(value, (name) => splitJoinedNames(name, known));
}

/**
 * The inventors of a field, as `applicantList` reads applicants; a field with no separator is
 * split at spaces only when every word is a Korean personal name (`안호선 김지훈`).
 *
 * @example
 * inventorList('KIM, Chul Soo; 이영희') // ['KIM, Chul Soo', '이영희']
 */
export function inventorList(value: unknown): string[] {
  return nameList(value, (name) => {
    const names = splitJoinedPersons(name);
    return { names, outcome: names.length > 1 ? 'split' : 'single' };
  }).names;
}

function nameList(value: unknown, splitJoined: (name: string) => { names: string[]; outcome: JoinedOutcome }): NameList {
  const items = Array.isArray(value) ? value : [value];
  const pieces = items.flatMap((item) => (typeof item === 'string' ? separated(item) : []));
  const joined = !Array.isArray(value) && pieces.length === 1 ? splitJoined(pieces[0]!) : null;
  const names = joined ? joined.names : pieces;
  const seen = new Set<string>();
  const unique = names.filter((name) => {
    const key = nameKey(name);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { names: unique, outcome: joined?.outcome ?? 'separated' };
}

/** The non-empty, normalised pieces of a string between separators. */
function separated(text: string): string[] {
  return text
    .split(LINE_BREAK)
    .flatMap((line) => normalizeText(line).split(SEPARATOR))
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0);
}
