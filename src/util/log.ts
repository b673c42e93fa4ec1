/** Severity of a log line, as pino names it. */
export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Writes one structured log line (JSON with level, time and a human-readable message) to stderr,
 * as servers log.
 *
 * @example
 * logLine('search index reloaded', { revision: 2308 }); // {"level":"info","time":"…","msg":"search index reloaded","revision":2308}
 * logLine('worker exited', { slot: 1, code: 1 }, 'warn');
 */
export function logLine(msg: string, fields: Record<string, unknown> = {}, level: LogLevel = 'info'): void {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })}\n`);
}

/**
 * pino options (Fastify's `logger`) that give request log lines the shape of `logLine`'s: the level
 * by name and the time in ISO 8601, so one parser reads every line a server writes.
 *
 * @example
 * Fastify({ logger: structuredLoggerOptions }); // {"level":"info","time":"2026-…Z","pid":…,"msg":"incoming request",…}
 */
export const structuredLoggerOptions = {
  level: 'info',
  formatters: { level: (label: string) => ({ level: label }) },
  timestamp: () => `,"time":"${new Date().toISOString()}"`,
};

let loggingUncaught = false;

/**
 * Logs an uncaught exception (or unhandled rejection) as an error line with its stack, then exits
 * with code 1, instead of Node's plain-text trace: for processes whose stderr is a log stream.
 *
 * @example
 * logUncaughtErrors(); // at the start of a server process
 */
export function logUncaughtErrors(): void {
  if (loggingUncaught) return;
  loggingUncaught = true;
  process.on('uncaughtException', (error) => {
    logLine(`uncaught error, exiting: ${error instanceof Error ? error.message : String(error)}`, { pid: process.pid, error: errorText(error) }, 'error');
    process.exit(1);
  });
}

/**
 * The text of a thrown value for a log line: the stack of an Error, else its string form.
 *
 * @example
 * logLine('reload failed', { error: errorText(error) }, 'warn');
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
