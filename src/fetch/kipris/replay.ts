/**
 * A local stand-in for KIPRIS Plus: an HTTP server on 127.0.0.1 that replays recorded responses
 * (`<term>-<page>.xml`, as in `../shared/data/kipris/plus-xml`) as the pages of
 * `applicantNameSearchInfo` and `freeSearchInfo`, with faults injected on demand. Tests and
 * `bench fetch` point `--base-url` at it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

/** A request the server received (the key is not kept). */
export interface ReplayRequest {
  operation: string;
  term: string;
  page: number;
  /** 1 for the first request of this operation, term and page, 2 for the next … */
  attempt: number;
}

/** What to do instead of answering normally. */
export type ReplayFault =
  | { status: number }
  /** Send the headers and part of the body, then nothing more. */
  | { hang: true }
  /** Announce the whole body, send half of it, then close the connection. */
  | { truncate: true }
  /** Answer HTTP 200 with this KIPRIS result code. */
  | { resultCode: string; resultMsg: string };

/** Options of `startReplayServer`. */
export interface ReplayOptions {
  /** Folder of `<term>-<page>.xml` files. */
  dir: string;
  /** The access key accepted; any other gets resultCode 30, as KIPRIS answers an unknown key. */
  key: string;
  /** How `docsStart` names a page: its number (default), or the position of its first item with `docsCount` items a page. */
  docsStart?: 'page' | 'offset';
  /** Path before `patUtiModInfoSearchSevice/…` (default `/openapi/rest/`). */
  prefix?: string;
  /** Called for every request with a valid key; a fault returned replaces the answer. */
  fault?: (request: ReplayRequest) => ReplayFault | undefined;
}

/** A running replay server. */
export interface ReplayServer {
  /** The address to pass as `--base-url`. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: ReplayRequest[];
  close(): Promise<void>;
}

const OPERATIONS: Readonly<Record<string, string>> = { applicantNameSearchInfo: 'applicant', freeSearchInfo: 'word' };

/**
 * Starts the replay server on 127.0.0.1 (a free port).
 *
 * @example
 * const server = await startReplayServer({ dir: '../shared/data/kipris/plus-xml', key: 'test-key', fault: ({ page, attempt }) => (page === 2 && attempt === 1 ? { status: 503 } : undefined) });
 * // patmatch fetch kipris --applicant 120080091393 --base-url ${server.baseUrl}
 * await server.close();
 */
export async function startReplayServer(options: ReplayOptions): Promise<ReplayServer> {
  const prefix = options.prefix ?? '/openapi/rest/';
  const requests: ReplayRequest[] = [];
  const files = new Map<string, Promise<string | null>>();
  const read = (name: string) => {
    if (!files.has(name)) files.set(name, readFile(join(options.dir, name), 'utf8').catch(() => null));
    return files.get(name)!;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    const operation = url.pathname.startsWith(`${prefix}patUtiModInfoSearchSevice/`) ? url.pathname.slice(prefix.length + 'patUtiModInfoSearchSevice/'.length) : '';
    const param = OPERATIONS[operation];
    if (!param) return send(res, 404, 'text/plain', 'no such operation');
    if (url.searchParams.get('accessKey') !== options.key) return send(res, 200, 'text/xml', errorXml('30', 'SERVICE_KEY_IS_NOT_REGISTERED_ERROR'));
    const term = url.searchParams.get(param) ?? '';
    const start = Number(url.searchParams.get('docsStart'));
    const page = options.docsStart === 'offset' ? (start - 1) / Number(url.searchParams.get('docsCount')) + 1 : start;
    // The term names a file: nothing that could leave the folder.
    if (!/^[\p{L}\p{N}_ .()-]+$/u.test(term) || !Number.isSafeInteger(page) || page < 1) {
      return send(res, 200, 'text/xml', errorXml('10', 'INVALID_REQUEST_PARAMETER_ERROR'));
    }
    const attempt = requests.filter((r) => r.operation === operation && r.term === term && r.page === page).length + 1;
    const request = { operation, term, page, attempt };
    requests.push(request);
    const body = (await read(`${term}-${page}.xml`)) ?? emptyPage(await read(`${term}-1.xml`));
    const fault = options.fault?.(request);
    if (!fault) return send(res, 200, 'text/xml; charset=UTF-8', body);
    if ('status' in fault) return send(res, fault.status, 'text/plain', `HTTP ${fault.status}`);
    if ('resultCode' in fault) return send(res, 200, 'text/xml', errorXml(fault.resultCode, fault.resultMsg));
    const bytes = Buffer.from(body);
    res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8', 'content-length': bytes.length });
    res.write(bytes.subarray(0, bytes.length >> 1));
    if ('truncate' in fault) res.socket?.destroy();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => send(res, 500, 'text/plain', error.message));
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<response><header><resultCode>${code}</resultCode><resultMsg>${message}</resultMsg></header><body><items></items></body></response>`;
}

/** A page past the last recorded one: no items, the total of the first page (0 when there is none). */
function emptyPage(firstPage: string | null): string {
  const total = /<TotalSearchCount>(\d+)<\/TotalSearchCount>/.exec(firstPage ?? '')?.[1] ?? '0';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<response><header><resultCode></resultCode><resultMsg></resultMsg></header><body><items><TotalSearchCount>${total}</TotalSearchCount></items></body></response>`;
}
