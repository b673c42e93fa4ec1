/**
 * Writes one structured log line (JSON with time and message) to stderr, as servers log.
 *
 * @example
 * logLine('search index reloaded', { revision: 2308 }); // {"time":"…","msg":"search index reloaded","revision":2308}
 */
export function logLine(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
}
