/** Categories of expected failure; the API maps them to HTTP statuses, the CLI to exit codes. */
export type ErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unauthorized' | 'forbidden' | 'not_ready';

/**
 * An expected failure with a message meant for the person who caused it: it names the record,
 * field and reason. Anything else that is thrown is a bug and is reported as such.
 *
 * @example
 * throw new PatmatchError('invalid_input', 'inu-patents.csv line 12, 출원번호: "12-34" is not an application number');
 */
export class PatmatchError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PatmatchError';
  }
}
