import type { Command } from 'commander';
import { PatmatchError } from '../domain/errors.js';

/**
 * Parses an integer flag, or returns undefined when it is absent; throws `invalid_input` naming the
 * flag when it is not a whole number or lies outside `min`–`max`.
 *
 * @example
 * parseInteger('--top', '20') // 20
 * parseInteger('--repeat', '0', 1) // throws '--repeat: 0 must be at least 1'
 */
export function parseInteger(flag: string, value: string | undefined, min?: number, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) {
    throw new PatmatchError('invalid_input', `${flag}: "${value}" is not a whole number`);
  }
  if (min !== undefined && parsed < min) throw new PatmatchError('invalid_input', `${flag}: ${parsed} must be at least ${min}`);
  if (max !== undefined && parsed > max) throw new PatmatchError('invalid_input', `${flag}: ${parsed} must be at most ${max}`);
  return parsed;
}

/** The whole numbers an integer flag accepts, shown in `--help` by {@link rangeHelp} and checked by {@link parseInRange}. */
export interface IntegerRange {
  min: number;
  max: number;
}

/**
 * A flag's help text with its range, so `--help` shows the limits the parser applies.
 *
 * @example
 * rangeHelp('corpus size', { min: 1, max: 10_000_000 }) // 'corpus size (1–10,000,000)'
 */
export function rangeHelp(description: string, range: IntegerRange): string {
  return `${description} (${range.min.toLocaleString('en-US')}–${range.max.toLocaleString('en-US')})`;
}

/**
 * {@link parseInteger} within `range`: a value far too large (`--docs 99999999999`) is refused at
 * once instead of running out of memory hours later.
 *
 * @example
 * parseInRange('--docs', '99999999999', { min: 1, max: 10_000_000 }) // throws '--docs: 99999999999 must be at most 10000000'
 */
export function parseInRange(flag: string, value: string | undefined, range: IntegerRange): number | undefined {
  return parseInteger(flag, value, range.min, range.max);
}

/** `--ef-search`: long before 100,000 a graph search costs more than scanning every vector exactly. */
export const EF_SEARCH_RANGE: IntegerRange = { min: 1, max: 100_000 };

/**
 * Adds `--ef-search <n>` (HNSW efSearch of stage 1) to a command that opens the search engine.
 *
 * @example
 * withEfSearch(program.command('serve')); // patmatch serve --ef-search 4500
 */
export function withEfSearch(command: Command): Command {
  return command.option(
    '--ef-search <n>',
    rangeHelp('HNSW efSearch of stage 1: higher = closer to exact, slower (default 2500; at least --k is used)', EF_SEARCH_RANGE),
  );
}

/** The engine options of `--ef-search`, checked. */
export function efSearchOption(value: string | undefined): { efSearch?: number } {
  const efSearch = parseInRange('--ef-search', value, EF_SEARCH_RANGE);
  return efSearch === undefined ? {} : { efSearch };
}
