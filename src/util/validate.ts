import type { z } from 'zod';
import { PatmatchError } from '../domain/errors.js';

/**
 * Parses untrusted input with a zod schema; on failure throws `invalid_input` naming where the
 * input came from, the field and the reason.
 *
 * @example
 * const body = parseInput(demandInput, request.body, 'POST /api/demands body');
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : '(whole value)';
  throw new PatmatchError('invalid_input', `${where}, ${field}: ${issue.message}`, { field });
}
