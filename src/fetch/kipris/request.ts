/**
 * One polite, robust GET: a minimum interval between requests, a timeout over the whole exchange
 * (headers and body), and retries with exponential backoff and jitter on timeouts, connection
 * errors, 429 and 5xx. The access key travels in the URL, so every message this module makes shows
 * the URL with the key redacted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PatmatchError } from '../../domain/errors.js';

/** Options of `getText`. */
export interface RequestOptions {
  /** Milliseconds allowed for one request, body included. */
  timeoutMs: number;
  /** Further attempts after a failed one. */
  retries: number;
  /** Backoff before retry n is about `backoffMs × 2^(n-1)` (between half of it and all of it), at most `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A body larger than this is refused (a 500-item page is about 1 MB). */
  maxBytes: number;
  /** Told of each failed attempt that will be retried. */
  onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

/** A failure worth another attempt (the server or the network, not the request). */
export class TransientError extends Error {
  constructor(
    message: string,
    /** Seconds the server asked to wait (`Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

/**
 * Replaces the secret (as written, and URL-encoded) in `text` with `***`.
 *
 * @example
 * redact('…?accessKey=abc123&page=2', 'abc123') // '…?accessKey=***&page=2'
 */
export function redact(text: string, secret: string): string {
  if (secret === '') return text;
  let result = text;
  for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ k: secret }).toString().slice(2)])) {
    result = result.split(form).join('***');
  }
  return result;
}

/**
 * Spaces requests: `wait()` resolves no sooner than `intervalMs` after the previous call resolved.
 *
 * @example
 * const pacer = createPacer(1000);
 * await pacer.wait(); await fetch(a); await pacer.wait(); await fetch(b); // b starts ≥ 1 s after a
 */
export function createPacer(intervalMs: number): { wait(): Promise<void> } {
  let last = -Infinity;
  return {
    async wait() {
      const due = last + intervalMs - performance.now();
      if (due > 0) await sleep(due);
      last = performance.now();
    },
  };
}

/**
 * GETs `url` and returns its body as text, retrying transient failures; `check` may throw a
 * `TransientError` for a body that came whole but unusable (a cut-off XML document), which is
 * retried too. `secret` is redacted from every error message. Throws a `PatmatchError`
 * (`not_ready`) naming the redacted URL, the attempts and the last reason when every attempt failed,
 * and at once for a 4xx answer other than 429.
 *
 * @example
 * const body = await getText(url, key, { timeoutMs: 30_000, retries: 4, backoffMs: 1000, maxBackoffMs: 60_000, maxBytes: 64 << 20 }, pacer);
 */
export async function getText<T>(
  url: URL,
  secret: string,
  options: RequestOptions,
  pacer: { wait(): Promise<void> },
  check: (body: string) => Promise<T>,
): Promise<T> {
  const shown = redact(url.toString(), secret);
  for (let attempt = 1; ; attempt++) {
    await pacer.wait();
    try {
      return await check(await getOnce(url, options));
    } catch (error) {
      if (!(error instanceof TransientError)) {
        if (error instanceof PatmatchError) throw new PatmatchError(error.code, redact(error.message, secret), error.details);
        if (error instanceof Error) [error.message, error.stack] = [redact(error.message, secret), error.stack && redact(error.stack, secret)];
        throw error;
      }
      const reason = redact(error.message, secret);
      if (attempt > options.retries) {
        throw new PatmatchError('not_ready', `KIPRIS Plus did not answer ${shown} after ${attempt} attempts: ${reason}`);
      }
      const delay = backoff(attempt, options, error.retryAfterSeconds);
      options.onRetry?.(attempt, reason, delay);
      await sleep(delay);
    }
  }
}

/** Exponential backoff with jitter (half fixed, half random), raised to the server's Retry-After, capped. */
function backoff(attempt: number, options: RequestOptions, retryAfterSeconds: number | undefined): number {
  const exponential = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + (Math.random() * exponential) / 2;
  return Math.min(options.maxBackoffMs, Math.max(jittered, (retryAfterSeconds ?? 0) * 1000));
}

async function getOnce(url: URL, options: RequestOptions): Promise<string> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'error', headers: { accept: 'application/xml, text/xml' } });
  } catch (error) {
    throw new TransientError(networkReason(error, options));
  }
  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel().catch(() => {});
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new TransientError(`HTTP ${response.status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    throw new PatmatchError('not_ready', `KIPRIS Plus answered HTTP ${response.status} to ${url.toString()}; check --base-url`);
  }
  try {
    return await readBody(response, options.maxBytes);
  } catch (error) {
    if (error instanceof PatmatchError) throw error;
    throw new TransientError(`the body was cut off: ${networkReason(error, options)}`);
  }
}

/** The body as UTF-8 text (KIPRIS Plus answers in UTF-8), refused past `maxBytes`. */
async function readBody(response: Response, maxBytes: number): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let bytes = 0;
  for await (const chunk of response.body ?? []) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      throw new PatmatchError('not_ready', `KIPRIS Plus sent more than ${maxBytes} bytes for one page; refusing the answer of ${response.url}`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** A readable reason for a failed fetch: undici hides the useful part (ECONNREFUSED, socket closed) in `cause`. */
function networkReason(error: unknown, options: RequestOptions): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no complete answer within ${options.timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return cause ? `${message} (${cause.code ?? cause.message ?? String(cause)})` : message;
}
