import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PatmatchError } from '../domain/errors.js';
import { loaderFlags } from '../util/loader-flags.js';

/** A serving `patmatch` command (serve, demo) running in a child process. */
export interface ServingCli {
  /** Base URL the command printed, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Process id of the command. */
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Whether the command has exited. */
  exited(): boolean;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the CLI (this build of it: the .ts source under tsx, the .js build otherwise) in a child
 * process and resolves once it logs `serving … at <url>/` (a JSON line with `url`); rejects with its
 * stderr if it exits first. `via` is a command that runs it (`setpriv … --`), as in {@link runCli}.
 *
 * @example
 * const cli = await spawnServingCli(['--home', home, 'serve', '--port', '0']);
 * await fetch(`${cli.url}/api/health`);
 * assert.equal(await cli.stop(), 0);
 */
export async function spawnServingCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, via: readonly string[] = []): Promise<ServingCli> {
  const child = spawnCli(args, env, via);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      // The start-up line: {"level":"info",…,"msg":"serving <home> at <url>/ (Ctrl-C to stop)","url":…}
      const url = stderr
        .split('\n')
        .slice(0, -1) // the last piece is an unfinished line
        .map((line) => parseJsonLine(line))
        .find((record) => typeof record?.msg === 'string' && record.msg.startsWith('serving ') && typeof record.url === 'string')?.url;
      if (typeof url === 'string') resolve(url);
    });
    child.once('exit', (code) =>
      reject(new PatmatchError('not_ready', `patmatch ${args.join(' ')} exited with code ${code} before serving: ${stderr.trim()}`)),
    );
  });
  return {
    url,
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

/**
 * Runs the CLI (this build of it, as `spawnServingCli` does) to the end and returns its exit code
 * and output. `via` is a command that runs it (`setpriv … --`), to run it as another user; `input`,
 * when given, is written to its standard input (otherwise standard input is closed).
 *
 * @example
 * const { code, stderr } = await runCli(['--home', home, 'ingest', file]);
 * await runCli(['--home', home, 'user', 'add', '--email', 'a@corp.example', '--role', 'admin', '--password-stdin'], process.env, [], 'long-secret\n');
 */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  via: readonly string[] = [],
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args, env, via, input === undefined ? 'ignore' : 'pipe');
  child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * Starts the CLI (this build of it) in a child process with piped output, for tests that need the
 * process itself (to kill it mid-run).
 *
 * @example
 * const child = spawnCli(['--home', home, 'fetch', 'kipris', '--applicant', code], env);
 * child.kill('SIGKILL');
 */
export function spawnCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  via: readonly string[] = [],
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcessByStdio<Writable | null, Readable, Readable> {
  const self = fileURLToPath(import.meta.url);
  const entry = join(dirname(self), `bin${extname(self)}`);
  const [command, ...rest] = [...via, process.execPath, ...loaderFlags(process.execArgv), entry, ...args];
  return stdin === 'pipe'
    ? spawn(command!, rest, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(command!, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Parses output that must be JSON log lines (what `serve` writes) into records; throws naming the
 * first line that is not a JSON object with a level, an ISO time and a message.
 *
 * @example
 * const records = logRecords(cli.stderr());
 * assert.ok(records.some((record) => record.msg === 'worker listening'));
 */
export function logRecords(output: string): Array<Record<string, unknown> & { level: string; time: string; msg: string }> {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      const record = parseJsonLine(line);
      const { level, time, msg } = record ?? {};
      if (typeof level !== 'string' || typeof time !== 'string' || Number.isNaN(Date.parse(time)) || typeof msg !== 'string') {
        throw new Error(`line ${index + 1} is not a JSON log line with level, time and msg: ${line.slice(0, 300)}`);
      }
      return record as Record<string, unknown> & { level: string; time: string; msg: string };
    });
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
