import { Command, CommanderError } from 'commander';
import { PatmatchError } from '../domain/errors.js';
import { errorText } from '../util/log.js';
import { commands } from './commands/index.js';

/** Global options every command sees. */
export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

/**
 * Runs the `patmatch` CLI and returns the exit code: 0 on success, 2 for bad input, 1 otherwise.
 * Errors are printed as one line on stderr.
 *
 * @example
 * process.exitCode = await main(['search', '딥러닝 영상 인식', '--json']);
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('patmatch')
    .description('Match technology demands to patents and start the transfer.')
    .option('--home <dir>', 'home folder for the store, indexes and models (env PATMATCH_HOME)')
    .option('--json', 'machine-readable output')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const register of commands) register(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof PatmatchError) {
      process.stderr.write(`patmatch: ${error.message}\n`);
    } else {
      process.stderr.write(`patmatch: unexpected error: ${errorText(error)}\n`);
    }
    return exitCodeOf(error);
  }
}

/**
 * The exit code of a command that failed with `error`: 2 for bad input (or a record not found), 1
 * for anything else.
 *
 * @example
 * exitCodeOf(new PatmatchError('invalid_input', '--port: "x" is not a whole number')) // 2
 */
export function exitCodeOf(error: unknown): number {
  return error instanceof PatmatchError && (error.code === 'invalid_input' || error.code === 'not_found') ? 2 : 1;
}
