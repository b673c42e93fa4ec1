import { read } from 'read';
import { PatmatchError } from '../domain/errors.js';

/** Where `user add` takes the password from; at most one of the flags may be given. */
export interface PasswordSource {
  /** `--password <value>`: visible to other users (process list) and kept in shell history. */
  password?: string;
  /** `--password-stdin`: the whole of standard input, less one trailing line break. */
  passwordStdin?: boolean;
}

/** Longest password read from standard input; the account schema allows 1,024 characters. */
const STDIN_LIMIT = 64 * 1024;

/**
 * The password for a new account: from `--password-stdin`, from a prompt that does not echo when
 * standard input is a terminal, or from `--password` with a warning on stderr. Never from nowhere:
 * without a flag and without a terminal it is an error that says how to pass one.
 *
 * @example
 * // echo "$PASSWORD" | patmatch user add --email a@corp.example --role demander --password-stdin
 * const password = await readPassword({ passwordStdin: true });
 */
export async function readPassword(source: PasswordSource, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (source.password !== undefined && source.passwordStdin) {
    throw new PatmatchError('invalid_input', '--password and --password-stdin: give one of them, not both');
  }
  if (source.passwordStdin) return readAll(stdin);
  if (source.password !== undefined) {
    process.stderr.write(
      'patmatch: warning: --password leaves the password in the shell history and shows it to other users of this machine; use the prompt or --password-stdin\n',
    );
    return source.password;
  }
  if (!stdin.isTTY) {
    throw new PatmatchError(
      'invalid_input',
      'no password: run on a terminal to be asked for it, or pipe it in with --password-stdin (e.g. `patmatch user add … --password-stdin < file`)',
    );
  }
  const first = await read({ prompt: 'Password (at least 8 characters): ', silent: true, replace: '*', input: stdin, output: process.stderr });
  const again = await read({ prompt: 'Repeat the password: ', silent: true, replace: '*', input: stdin, output: process.stderr });
  if (first !== again) throw new PatmatchError('invalid_input', 'the two passwords differ; nothing was created');
  return first;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.length > STDIN_LIMIT) throw new PatmatchError('invalid_input', `--password-stdin: standard input is longer than ${STDIN_LIMIT} characters`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new PatmatchError('invalid_input', '--password-stdin: standard input was empty');
  return password;
}
