import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PatmatchError, type ErrorCode } from '../domain/errors.js';

/** Media type of every error body (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * An RFC 9457 problem document. `code` is patmatch's machine-readable error category and
 * `errors` lists one line per invalid field when request validation failed.
 *
 * @example
 * { type: 'about:blank', title: 'Bad Request', status: 400, code: 'invalid_input',
 *   detail: 'querystring/q must NOT have more than 1000 characters', instance: '/api/search' }
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode | 'rate_limited' | 'internal';
  instance?: string;
  errors?: string[];
  /** Why a server is not ready (`GET /api/ready`), one line each. */
  reasons?: string[];
}

/** JSON schema of a problem document, referenced by every route's error responses. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'string' } },
    reasons: { type: 'array', items: { type: 'string' } },
  },
} as const;

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  not_ready: 503,
};

/**
 * Builds a problem document for a status, with the HTTP reason phrase as title.
 *
 * @example
 * problem(404, 'not_found', 'No patent with application number 1020160138184', '/api/patents/1020160138184')
 */
export function problem(status: number, code: Problem['code'], detail: string, instance?: string): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, code, instance };
}

/**
 * Sends a problem document with its media type. Serialised here rather than by Fastify so the
 * `+json` type never depends on a route's response schema.
 *
 * @example
 * return sendProblem(reply, problem(400, 'invalid_input', 'q is empty', request.url));
 */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** Turns a request-validation failure into one readable line per field. */
function validationLines(error: FastifyError): string[] {
  const context = error.validationContext ?? 'request';
  return (error.validation ?? []).map((issue) => {
    const field = issue.instancePath ? issue.instancePath.slice(1).replaceAll('/', '.') : '';
    const { missingProperty: missing, additionalProperty: unknown } = issue.params as { missingProperty?: string; additionalProperty?: string };
    if (unknown !== undefined) return `${context}${field ? `.${field}` : ''}.${unknown}: is not a known parameter`;
    const name = field || missing || '';
    return `${context}${name ? `.${name}` : ''}: ${missing && !field ? 'is required' : issue.message ?? 'is invalid'}`;
  });
}

/**
 * Maps anything thrown by a route to a problem: validation errors and PatmatchError('invalid_input')
 * to 400 with the reason, other PatmatchErrors to their status, Fastify's own 4xx errors as they are,
 * and everything else to a 500 whose detail hides internals (the log keeps the stack).
 *
 * @example
 * app.setErrorHandler(problemErrorHandler);
 */
export function problemErrorHandler(
  this: FastifyInstance,
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const instance = request.url.split('?')[0];
  if (error.validation) {
    const errors = validationLines(error);
    return sendProblem(reply, { ...problem(400, 'invalid_input', errors.join('; '), instance), errors });
  }
  if (error instanceof PatmatchError) {
    const status = STATUS_BY_CODE[error.code];
    if (status >= 500) request.log.warn({ err: error }, 'service not ready');
    return sendProblem(reply, problem(status, error.code, error.message, instance));
  }
  const status = error.statusCode ?? 500;
  if (status === 429) return sendProblem(reply, problem(429, 'rate_limited', error.message, instance));
  if (status >= 400 && status < 500) {
    return sendProblem(reply, problem(status, 'invalid_input', error.message, instance));
  }
  request.log.error({ err: error }, 'unexpected error');
  return sendProblem(reply, problem(500, 'internal', 'The server failed to answer; the error has been logged.', instance));
}

/** What a request that is not valid HTTP gets, by Node's parser error code. */
function clientErrorProblem(code: string | undefined): Problem {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return problem(408, 'invalid_input', 'The request was not received in time');
  if (code === 'HPE_HEADER_OVERFLOW') return problem(431, 'invalid_input', 'The request headers are larger than the server accepts (16 KiB)');
  return problem(
    400,
    'invalid_input',
    `The request is not valid HTTP (${code ?? 'unknown parser error'}); characters outside ASCII in a path or query must be percent-encoded`,
  );
}

/**
 * Answers a request Node's HTTP parser rejects (raw non-ASCII bytes in the URL, bad header syntax,
 * oversized headers) with a problem document like every other error, then closes the connection.
 * Fastify's default answers a bare JSON object.
 *
 * @example
 * Fastify({ clientErrorHandler: problemClientErrorHandler });
 */
export function problemClientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const answer = clientErrorProblem(error.code);
    const { status } = answer;
    const body = JSON.stringify(answer);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
