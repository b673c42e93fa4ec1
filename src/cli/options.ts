import type { Command } from 'commander';
import { PatmatchError } from '../domain/errors.js';
import { SEARCH_LIMITS } from '../search/engine.js';

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
 * The numbers a decimal flag accepts: more than `above` (which itself is refused) and at most
 * `max`. Shown in `--help` by {@link rangeHelp} and checked by {@link parseDecimalInRange}.
 */
export interface DecimalRange {
  above: number;
  max: number;
}

/**
 * A flag's help text with its range, so `--help` shows the limits the parser applies.
 *
 * @example
 * rangeHelp('corpus size', { min: 1, max: 10_000_000 }) // 'corpus size (1–10,000,000)'
 * rangeHelp('learning rate', { above: 0, max: 10 }) // 'learning rate (> 0, ≤ 10)'
 */
export function rangeHelp(description: string, range: IntegerRange | DecimalRange): string {
  const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 20 });
  return 'above' in range ? `${description} (> ${n(range.above)}, ≤ ${n(range.max)})` : `${description} (${n(range.min)}–${n(range.max)})`;
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

/**
 * Parses a decimal flag (`0.15`, `1e-3`), or returns undefined when it is absent; throws
 * `invalid_input` naming the flag when it is not a finite number written in decimal or lies
 * outside `range`.
 *
 * @example
 * parseDecimalInRange('--learning-rate', '0.15', { above: 0, max: 10 }) // 0.15
 * parseDecimalInRange('--learning-rate', '0', { above: 0, max: 10 }) // throws '--learning-rate: 0 must be more than 0'
 */
export function parseDecimalInRange(flag: string, value: string | undefined, range: DecimalRange): number | undefined {
  if (value === undefined) return undefined;
  // Number() alone would also take '0x10', 'Infinity' and '' (as 0).
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value.trim())) {
    throw new PatmatchError('invalid_input', `${flag}: "${value}" is not a decimal number`);
  }
  const parsed = Number(value);
  if (!(parsed > range.above)) throw new PatmatchError('invalid_input', `${flag}: ${parsed} must be more than ${range.above}`);
  if (parsed > range.max) throw new PatmatchError('invalid_input', `${flag}: ${parsed} must be at most ${range.max}`);
  return parsed;
}

/** Random seeds: the generator (`createRandom`) uses 32 bits, so a larger seed would repeat a smaller one. */
export const SEED_RANGE: IntegerRange = { min: 0, max: 0xffff_ffff };

/** `--top`, `--page` and `--k` of searches: the limits the search engine itself applies. */
export const SEARCH_RANGES = {
  top: { min: 1, max: SEARCH_LIMITS.maxTop },
  page: { min: 1, max: SEARCH_LIMITS.maxPage },
  k: { min: 1, max: SEARCH_LIMITS.maxK },
} as const satisfies Record<string, IntegerRange>;

/** Server processes (`serve --workers`, `bench api --workers`): each holds its own copy of the indexes (about 0.5 GB at 1.6M patents). */
export const WORKERS_RANGE: IntegerRange = { min: 1, max: 64 };

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
