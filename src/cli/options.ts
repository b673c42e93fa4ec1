import { PatmatchError } from '../domain/errors.js';

/**
 * Parses an integer flag, or returns undefined when it is absent; throws `invalid_input` naming the flag.
 *
 * @example
 * parseInteger('--top', '20') // 20
 */
export function parseInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new PatmatchError('invalid_input', `${flag}: "${value}" is not a whole number`);
  return Number(value);
}
