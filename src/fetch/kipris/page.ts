/**
 * One page of a KIPRIS Plus answer: its items, read by the same reader as `ingest` reads KIPRIS
 * XML files, and its header. KIPRIS answers errors with HTTP 200 and a `resultCode`; those become
 * a `PatmatchError` that stops the run, while a body that is not a whole KIPRIS document (cut off,
 * an HTML error page) is a `TransientError`, retried.
 */
import { PatmatchError, type ErrorCode } from '../../domain/errors.js';
import { parseKiprisXml, type KiprisResponseHeader } from '../../ingest/kipris-xml.js';
import type { RawRecord } from '../../ingest/source.js';
import { TransientError } from './request.js';

/** A page as read. */
export interface KiprisPage {
  records: RawRecord[];
  header: KiprisResponseHeader;
}

/**
 * What KIPRIS Plus result codes mean (the codes of the Korean public open-API gateways KIPRIS Plus
 * shares) and how the CLI reports them: key problems are `unauthorized`, quotas `not_ready`.
 */
const RESULT_CODES: Readonly<Record<string, { meaning: string; code: ErrorCode }>> = {
  '10': { meaning: 'a request parameter is invalid', code: 'invalid_input' },
  '11': { meaning: 'a required request parameter is missing', code: 'invalid_input' },
  '12': { meaning: 'no such open-API service (check --base-url)', code: 'invalid_input' },
  '20': { meaning: 'access denied: the key is not approved for this service', code: 'unauthorized' },
  '21': { meaning: 'the key is temporarily disabled', code: 'unauthorized' },
  '22': { meaning: 'the request limit of the key is used up (daily or monthly quota); run again when it resets', code: 'not_ready' },
  '23': { meaning: 'too many requests per second; raise --min-interval', code: 'not_ready' },
  '30': { meaning: 'the access key is not registered', code: 'unauthorized' },
  '31': { meaning: 'the access key has expired (its product period ended)', code: 'unauthorized' },
  '32': { meaning: 'this IP address is not registered for the key', code: 'unauthorized' },
  '99': { meaning: 'an unknown error on the KIPRIS side', code: 'not_ready' },
};

/**
 * Parses a page body. Throws a `PatmatchError` with `details.resultCode` for an error answer and a
 * `TransientError` for a body that is not a whole KIPRIS Plus patent response.
 *
 * @example
 * const { records, header } = await parsePage(body);
 * header.totalCount // 92
 */
export async function parsePage(body: string): Promise<KiprisPage> {
  const header: KiprisResponseHeader = { resultCode: '', resultMsg: '', totalCount: null };
  const records: RawRecord[] = [];
  try {
    for await (const record of parseKiprisXml([body], header)) records.push(record);
  } catch (error) {
    const resultCode = error instanceof PatmatchError ? error.details?.resultCode : undefined;
    if (typeof resultCode === 'string') throw refusal(resultCode, header.resultMsg);
    const reason = error instanceof Error ? error.message : String(error);
    throw new TransientError(`the answer is not a whole KIPRIS Plus patent response (${reason}; it starts ${JSON.stringify(body.slice(0, 80))})`);
  }
  return { records, header };
}

/** The error for a KIPRIS error answer: the code, what it means, and KIPRIS's own message. */
function refusal(resultCode: string, resultMsg: string): PatmatchError {
  const known = RESULT_CODES[resultCode];
  const said = resultMsg ? ` (KIPRIS says: ${resultMsg.slice(0, 200)})` : '';
  return new PatmatchError(known?.code ?? 'not_ready', `KIPRIS Plus refused the request: resultCode ${resultCode}, ${known?.meaning ?? 'an error code patmatch does not know'}${said}`, {
    resultCode,
    resultMsg,
  });
}
