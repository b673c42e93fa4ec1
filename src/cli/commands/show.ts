import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import type { Evaluation } from '../../domain/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { normalizeApplicationNumber } from '../../domain/normalize/index.js';
import { homeLayout } from '../../store/home.js';
import { openStore, type StoredPatent } from '../../store/index.js';
import { resolveHome } from '../context.js';

/** What `show` prints: the stored record, where its last change came from, and its evaluation. */
export interface ShownPatent extends Omit<StoredPatent, 'id'> {
  evaluation: Omit<Evaluation, 'applicationNumber'> | null;
}

/**
 * `patmatch show <applicationNumber> [--json]`: one stored patent with every field. Exit code 2
 * with a one-line message when the number is malformed or not stored.
 *
 * @example
 * patmatch show 10-2016-0138184 --json
 * # {"applicationNumber":"1020160138184","title":"…","applicants":["인천대학교 산학협력단"],…}
 */
export function register(program: Command): void {
  program
    .command('show')
    .description('Show one stored patent with every field (applicants, inventors, IPC, numbers and dates, status, source, evaluation)')
    .argument('<applicationNumber>', 'e.g. 10-2016-0138184 or 1020160138184')
    .addHelpText('after', '\nExit code 2 when the number is malformed or no such patent is stored.')
    .action((applicationNumber: string, _flags: unknown, command: Command) => {
      const { home, json } = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const shown = showPatent(resolveHome(home), applicationNumber);
      process.stdout.write(json ? `${JSON.stringify(shown)}\n` : formatPatent(shown));
    });
}

/**
 * The stored patent `applicationNumber` (any accepted form) in the home `home`.
 *
 * @example
 * showPatent('.patmatch', '10-2016-0138184').applicants // ['인천대학교 산학협력단']
 */
export function showPatent(home: string, applicationNumber: string): ShownPatent {
  const number = normalizeApplicationNumber(applicationNumber);
  if (!number) {
    throw new PatmatchError('invalid_input', `${JSON.stringify(applicationNumber)} is not an application number (13 digits such as 10-2016-0138184)`);
  }
  const { store: file } = homeLayout(home);
  if (!existsSync(file)) throw new PatmatchError('not_found', `no patent ${number}: there is no store at ${file} (ingest first, or pass --home)`);
  const store = openStore(home);
  try {
    const patent = store.getByApplicationNumber(number);
    if (!patent) throw new PatmatchError('not_found', `no patent ${number} in ${file}`);
    const { id: _id, revision, source, ...fields } = patent;
    const found = store.getEvaluations([number]).get(number);
    const evaluation = found ? (({ applicationNumber: _number, ...rest }) => rest)(found) : null;
    return { ...fields, source, revision, evaluation };
  } finally {
    store.close();
  }
}

const LABELS: ReadonlyArray<[keyof ShownPatent, string]> = [
  ['applicationNumber', '출원번호 (application number)'],
  ['kind', '종류 (kind)'],
  ['title', '발명의 명칭 (title)'],
  ['titleEn', '영문 명칭 (English title)'],
  ['applicants', '출원인 (applicants)'],
  ['inventors', '발명자 (inventors)'],
  ['ipc', 'IPC'],
  ['applicationDate', '출원일 (application date)'],
  ['openingNumber', '공개번호 (opening number)'],
  ['openingDate', '공개일 (opening date)'],
  ['publicationNumber', '공고번호 (publication number)'],
  ['publicationDate', '공고일 (publication date)'],
  ['registrationNumber', '등록번호 (registration number)'],
  ['registrationDate', '등록일 (registration date)'],
  ['registrationStatus', '상태 (status)'],
  ['agent', '대리인 (agent)'],
  ['source', '출처 (source of the last change)'],
  ['revision', 'revision'],
];

/**
 * The text form of `show`: one `label: value` line per field (lists one item per line, `–` for
 * none), the evaluation, then the abstract.
 *
 * @example
 * formatPatent(showPatent(home, '1020160138184')).split('\n')[0] // '출원번호 (application number): 1020160138184'
 */
export function formatPatent(patent: ShownPatent): string {
  const lines: string[] = [];
  for (const [field, label] of LABELS) {
    const value = patent[field];
    if (Array.isArray(value)) {
      lines.push(`${label}:${value.length === 0 ? ' –' : ''}`, ...value.map((item) => `  - ${item}`));
    } else {
      lines.push(`${label}: ${value === null || value === '' ? '–' : String(value)}`);
    }
  }
  const evaluation = patent.evaluation;
  lines.push(
    evaluation
      ? `평가 (evaluation): PQI ${evaluation.pqi ?? '–'} · 권리성 ${evaluation.rightsScore ?? '–'} · 기술성 ${evaluation.technologyScore ?? '–'} · 상업성 ${evaluation.commercialScore ?? '–'} · 6T ${evaluation.tech6t ?? '–'} (source ${evaluation.source})`
      : '평가 (evaluation): –',
    '요약 (abstract):',
    patent.abstract || '–',
  );
  return `${lines.join('\n')}\n`;
}
