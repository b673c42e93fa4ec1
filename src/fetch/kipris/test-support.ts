/**
 * What the fetch tests compare against: the recorded KIPRIS Plus pages of the shared data, read
 * with a regular expression rather than the reader under test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../cli/context.js';

/** The folder of recorded pages, `<applicant code>-<page>.xml`. */
export const recordedPages = join(sharedDataDir(), 'kipris', 'plus-xml');

/**
 * The recorded pages of each applicant code, in page order.
 *
 * @example
 * recordedQueries().get('120080091393') // ['120080091393-1.xml', …, '120080091393-4.xml']
 */
export function recordedQueries(): Map<string, string[]> {
  const queries = new Map<string, string[]>();
  for (const name of readdirSync(recordedPages).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    const match = /^(\d+)-\d+\.xml$/.exec(name);
    if (match) queries.set(match[1]!, [...(queries.get(match[1]!) ?? []), name]);
  }
  return queries;
}

/**
 * The distinct application numbers in recorded page files.
 *
 * @example
 * distinctNumbers(['120080091393-1.xml', '120080091393-2.xml']).size // 501
 */
export function distinctNumbers(files: readonly string[]): Set<string> {
  const numbers = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(join(recordedPages, file), 'utf8').matchAll(/<ApplicationNumber>\s*(\d+)\s*<\/ApplicationNumber>/g)) numbers.add(match[1]!);
  }
  return numbers;
}
