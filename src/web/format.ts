import type { ApiEvaluation } from './api.js';

/** Evaluation source of the synthetic stand-ins, which must always be labelled as sample data. */
export const SAMPLE_SOURCE = 'synthetic-sample';

/** The four indices in table and chart order, with their Korean names and keys in each shape. */
export const INDICES = [
  { label: 'pqi지수', short: 'PQI', evaluation: 'pqi', distribution: 'pqi' },
  { label: '권리성평가지수', short: '권리성', evaluation: 'rightsScore', distribution: 'rights' },
  { label: '기술성평가지수', short: '기술성', evaluation: 'technologyScore', distribution: 'technology' },
  { label: '상업성평가지수', short: '상업성', evaluation: 'commercialScore', distribution: 'commercial' },
] as const;

export type IndexSpec = (typeof INDICES)[number];

/** True when the values are synthetic sample data. */
export function isSample(evaluation: Pick<ApiEvaluation, 'source'> | null): boolean {
  return evaluation?.source === SAMPLE_SOURCE;
}

/** An index value for display: up to two decimals, or an en dash when unknown. */
export function formatScore(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : String(Math.round(value * 100) / 100);
}

/** A date or an en dash. */
export function orDash(value: string | null | undefined): string {
  return value ? value : '–';
}

/**
 * A time as the dashboard shows times: the Korean locale's date and time, in the browser's zone.
 *
 * @example
 * formatTime('2024-05-01T03:00:00.000Z') // '2024. 5. 1. 오후 12:00:00' (in Seoul)
 */
export function formatTime(value: string | number): string {
  return new Date(value).toLocaleString('ko-KR');
}
