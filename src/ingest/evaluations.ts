/**
 * `ingestEvaluations`: loads KPEG-style evaluation indices (PQI, 권리성, 기술성, 상업성, 6T class)
 * from a CSV/TSV file. Rows are validated one by one; rows of patents that are not in the store
 * are counted and listed, not stored.
 */
import { basename } from 'node:path';
import { TECH_6T, type Evaluation, type Tech6T } from '../domain/index.js';
import { PatmatchError } from '../domain/errors.js';
import { normalizeApplicationNumber, normalizeText } from '../domain/normalize/index.js';
import type { PatentStore, UpsertCounts } from '../store/index.js';
import { headerKey } from './headers.js';
import { readTableRows } from './delimited.js';

/** One rejected evaluation row. */
export interface EvaluationRejection {
  file: string;
  line: number;
  field: string;
  reason: string;
}

/** The outcome of `ingestEvaluations`. */
export interface EvaluationSummary extends UpsertCounts {
  file: string;
  read: number;
  rejected: number;
  /** The first 10,000 rejections; `rejectionsOmitted` counts the rest. */
  rejections: EvaluationRejection[];
  rejectionsOmitted: number;
  /** Application numbers of valid rows whose patent is not stored (not stored either): the first 10,000. */
  unknownPatent: string[];
  unknownPatentOmitted: number;
}

/** Longest list a summary holds, so a hostile file cannot fill memory with its rejections. */
const MAX_LISTED = 10_000;

/** Adds items to a capped list; returns how many did not fit. */
function addCapped<T>(list: T[], items: readonly T[]): number {
  const room = Math.max(0, MAX_LISTED - list.length);
  list.push(...items.slice(0, room));
  return items.length - Math.min(room, items.length);
}

/** Options of `ingestEvaluations`. */
export interface EvaluationOptions {
  /** Source label for rows with an empty `source` column (default: the file name). */
  source?: string;
  /** Rows per transaction (default 1,000). */
  batchSize?: number;
  onBytes?: (bytes: number) => void;
}

type EvaluationColumn = keyof Evaluation;

/** Header names per field (first = the name used in messages), compared by `headerKey`. */
const ALIASES: Readonly<Record<EvaluationColumn, readonly string[]>> = {
  applicationNumber: ['application_number', '출원번호'],
  pqi: ['pqi'],
  rightsScore: ['rights_score', 'rights', '권리성'],
  technologyScore: ['technology_score', 'technology', '기술성'],
  commercialScore: ['commercial_score', 'commercial', '상업성', '사업성'],
  tech6t: ['tech_6t', '6t', '6t분류', '기술분류'],
  source: ['source', '출처'],
};

/** Inclusive ranges: PQI and the 권리성/기술성/상업성 grades all lie in 0–100. */
const RANGES = { pqi: [0, 100], rightsScore: [0, 100], technologyScore: [0, 100], commercialScore: [0, 100] } as const;

/**
 * Reads an evaluations table (`application_number, pqi, rights_score, technology_score,
 * commercial_score, tech_6t, source`, or the Korean names) into the store.
 *
 * @example
 * const summary = await ingestEvaluations(store, 'sample-evaluations.csv');
 * summary.inserted; summary.unknownPatent.length;
 */
export async function ingestEvaluations(store: PatentStore, file: string, options: EvaluationOptions = {}): Promise<EvaluationSummary> {
  const { source: defaultSource = basename(file), batchSize = 1000, onBytes } = options;
  const summary: EvaluationSummary = {
    file,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rejections: [],
    rejectionsOmitted: 0,
    unknownPatent: [],
    unknownPatentOmitted: 0,
  };
  const { rows } = await readTableRows(file, onBytes).catch((error: Error) => {
    throw new PatmatchError('invalid_input', `${file}: cannot be read (${error.message})`);
  });
  let columns: Map<EvaluationColumn, number> | null = null;
  let batch: Evaluation[] = [];
  const flush = () => {
    const result = store.upsertEvaluations(batch);
    summary.inserted += result.inserted;
    summary.updated += result.updated;
    summary.unchanged += result.unchanged;
    summary.unknownPatentOmitted += addCapped(summary.unknownPatent, result.unknownPatent);
    batch = [];
  };
  for await (const { line, cells } of rows) {
    const texts = cells.map((value) => String(value ?? ''));
    if (!columns) {
      columns = mapEvaluationColumns(file, texts);
      continue;
    }
    summary.read++;
    const parsed = parseRow(texts, columns, defaultSource);
    if ('problems' in parsed) {
      summary.rejected++;
      summary.rejectionsOmitted += addCapped(summary.rejections, parsed.problems.map((problem) => ({ file, line, ...problem })));
      continue;
    }
    batch.push(parsed);
    if (batch.length >= batchSize) flush();
  }
  if (!columns) throw new PatmatchError('invalid_input', `${file}: the file is empty`);
  flush();
  return summary;
}

/** A cell value in a message, cut to 60 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function mapEvaluationColumns(file: string, header: readonly string[]): Map<EvaluationColumn, number> {
  const columns = new Map<EvaluationColumn, number>();
  header.forEach((cell, index) => {
    const key = headerKey(cell);
    const column = (Object.keys(ALIASES) as EvaluationColumn[]).find((name) => ALIASES[name].some((alias) => headerKey(alias) === key));
    if (column && !columns.has(column)) columns.set(column, index);
  });
  if (!columns.has('applicationNumber')) {
    throw new PatmatchError('invalid_input', `${file}: no application_number (출원번호) column in the header: ${header.join(', ').slice(0, 200)}`);
  }
  return columns;
}

function parseRow(
  cells: readonly string[],
  columns: ReadonlyMap<EvaluationColumn, number>,
  defaultSource: string,
): Evaluation | { problems: Array<{ field: string; reason: string }> } {
  const cell = (column: EvaluationColumn) => {
    const index = columns.get(column);
    return index === undefined ? '' : normalizeText(cells[index] ?? '');
  };
  const problems: Array<{ field: string; reason: string }> = [];
  const applicationNumber = normalizeApplicationNumber(cell('applicationNumber'));
  if (!applicationNumber) problems.push({ field: ALIASES.applicationNumber[0]!, reason: `${quote(cell('applicationNumber'))} is not an application number` });
  const scores = {} as Record<keyof typeof RANGES, number | null>;
  for (const [field, [low, high]] of Object.entries(RANGES) as Array<[keyof typeof RANGES, readonly [number, number]]>) {
    const text = cell(field);
    const value = text === '' ? null : Number(text);
    if (value !== null && (!Number.isFinite(value) || value < low || value > high)) {
      problems.push({ field: ALIASES[field][0]!, reason: `${quote(text)} is not a number from ${low} to ${high}` });
    }
    scores[field] = value;
  }
  const tech6tText = cell('tech6t').toUpperCase();
  if (tech6tText !== '' && !(TECH_6T as readonly string[]).includes(tech6tText)) {
    problems.push({ field: ALIASES.tech6t[0]!, reason: `${quote(tech6tText)} is not one of ${TECH_6T.join(', ')}` });
  }
  if (problems.length > 0 || !applicationNumber) return { problems };
  return { applicationNumber, ...scores, tech6t: (tech6tText || null) as Tech6T | null, source: cell('source') || defaultSource };
}
