import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { projectRoot } from './context.js';

/** A `patmatch serve`-like command running in a child process (tests only). */
export interface ServingCli {
  /** Base URL the command printed, e.g. `http://127.0.0.1:41234`. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the CLI from source in a child process and resolves once it prints `serving … at <url>/`
 * (serve and demo do); rejects with its stderr if it exits first.
 *
 * @example
 * const cli = await startServingCli(['--home', home, 'serve', '--port', '0']);
 * await fetch(`${cli.url}/api/health`);
 * assert.equal(await cli.stop(), 0);
 */
export async function startServingCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ServingCli> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));", '--', ...args],
    { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const match = /serving .* at (http:\/\/[\d.]+:\d+)\//.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`patmatch ${args.join(' ')} exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
