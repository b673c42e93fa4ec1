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

/**
 * Adds `--ef-search <n>` (HNSW efSearch of stage 1) to a command that opens the search engine.
 *
 * @example
 * withEfSearch(program.command('serve')); // patmatch serve --ef-search 4500
 */
export function withEfSearch(command: Command): Command {
  return command.option('--ef-search <n>', 'HNSW efSearch of stage 1: higher = closer to exact, slower (default 2500; at least --k is used)');
}

/** The engine options of `--ef-search`, checked. */
export function efSearchOption(value: string | undefined): { efSearch?: number } {
  const efSearch = parseInteger('--ef-search', value, 1);
  return efSearch === undefined ? {} : { efSearch };
}
