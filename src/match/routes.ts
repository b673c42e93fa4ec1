import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { SwaggerTransform } from '@fastify/swagger';
import { z } from 'zod';
import { PatmatchError } from '../domain/errors.js';
import type { Principal, User } from './accounts.js';
import { LINK_ACTIONS, type DemandLinkClaim, type LinkClaim } from './links.js';
import { OUTBOX_STATES } from './outbox.js';
import { confirmPage, resultPage, unwatchConfirmPage } from './pages.js';
import { matchBodies } from './inputs.js';
import type { MatchService } from './service.js';
import type { DemandView } from './views.js';
import type { MarketDemandView } from './market/index.js';
import { parseInput } from '../util/validate.js';

/** Settings of the match routes; only `service` has no default. */
export interface MatchRoutesOptions {
  service: MatchService;
  /** Session lifetime. */
  sessionTtlMs: number;
  /** Send the session cookie only over HTTPS (on when the public URL is https). */
  secureCookies: boolean;
  /**
   * Login attempts allowed in `timeWindowMs`: `max` per account (email), against guessing one
   * password, and `perAddressMax` per client address, against trying many accounts from one place.
   * On the login route these replace the server-wide per-address limit of `buildServer`.
   */
  loginLimit: { max: number; perAddressMax: number; timeWindowMs: number };
}

export const defaultMatchRoutesOptions: Omit<MatchRoutesOptions, 'service'> = {
  sessionTtlMs: 12 * 3_600_000,
  secureCookies: false,
  loginLimit: { max: 10, perAddressMax: 30, timeWindowMs: 60_000 },
};

/** Name of the httpOnly session cookie. */
export const SESSION_COOKIE = 'patmatch_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** `false` for routes that authenticate by other means (signed links) and never use the session. */
    csrf?: boolean;
  }
}

/**
 * A positive id in a path, in digits only: a coercing number schema would read `0x10` as 16 and
 * `1e1` as 10. Fifteen digits stay below 2^53.
 */
const pathId = z.string().regex(/^[1-9]\d{0,14}$/, 'must be a positive whole number of at most 15 digits').transform(Number);
const idParams = (what: string) => z.object({ id: pathId.describe(`The ${what}`) });
const demandIdParams = idParams('demand id');
const matchIdParams = idParams('match id');
const outboxIdParams = idParams('outbox email id');
const loginInput = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024), next: z.string().optional() });
const linkParams = z.object({ id: pathId, action: z.enum(LINK_ACTIONS) });
const unwatchParams = z.object({ id: pathId });
const linkQuery = z.object({ expires: z.coerce.number().int().positive(), sig: z.string().min(1).max(200) });
const linkForm = linkQuery.extend({ message: z.string().trim().max(2000).optional() });
// Digits only, as path ids: a coercing number schema would read `1e1` as 10.
const count = (max: number, what: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number (${what})`)
    .transform(Number)
    .refine((value) => value <= max, `must be at most ${max}`);
const marketQuery = z
  .object({
    limit: count(100, 'demands per page, 1–100').refine((value) => value >= 1, 'must be at least 1').default(20),
    offset: count(1e9, 'demands to skip').default(0),
    organization: z.string().trim().min(1).max(300).optional().describe('Admins only: the organisation whose patents to match'),
  })
  .strict();
const outboxQuery = z.object({ state: z.enum(OUTBOX_STATES).optional() });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The OpenAPI description of a JSON route: its success status and the problems it can answer. The
 * success schema only says "an object" (it must not drop fields when Fastify serialises with it);
 * request input is checked with zod in the handlers and documented by `documented`.
 */
function described(tag: string, summary: string, status: 200 | 201 | 204 = 200) {
  const success = status === 204 ? { description: 'No content', type: 'null' } : { description: 'The answer', type: 'object', additionalProperties: true };
  const problem = { $ref: 'Problem#' };
  return { tags: [tag], summary, response: { [status]: success, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } };
}

/** The zod schemas a handler checks its input with, to describe in the OpenAPI document. */
interface DocumentedInput {
  /** Path parameters, e.g. `{ id }` of `/api/matches/:id`. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Media types the body may come in (default JSON). */
  contentTypes?: readonly string[];
}

/**
 * Route config that documents zod-checked input (path, query string, body) in the OpenAPI
 * document, as JSON Schema generated from the same zod schemas the handler parses with. It is
 * added in `swaggerTransform`, which only the document sees: in the route's `schema` Fastify would
 * validate every request a second time, with Ajv's messages.
 *
 * @example
 * app.get('/api/matches/:id', { schema: described('match', 'One match'), config: documented({ params: matchIdParams }) }, handler);
 */
function documented(input: DocumentedInput): { swaggerTransform: SwaggerTransform } {
  const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' });
  const added = {
    ...(input.params && { params: jsonSchema(input.params) }),
    ...(input.query && { querystring: jsonSchema(input.query) }),
    ...(input.body && { body: jsonSchema(input.body), consumes: input.contentTypes ?? ['application/json'] }),
  };
  return { swaggerTransform: ({ schema: routeSchema, url }) => ({ schema: { ...routeSchema, ...added }, url }) };
}

function requireUser(request: FastifyRequest): User {
  if (!request.principal) {
    throw new PatmatchError('unauthorized', 'log in (POST /api/auth/login) or send Authorization: Bearer <token>');
  }
  return request.principal.user;
}

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Content types a browser may post cross-site without a CORS preflight. */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const isFormPost = (request: FastifyRequest): boolean => {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
  return FORM_TYPES.includes(type);
};

/**
 * Where a form login may send the browser next: a path on this server, percent-encoded, or null.
 * `/\\evil.example` and `/<tab>/evil.example` are other hosts to a browser, so they are refused.
 *
 * @example
 * sameOriginPath('/#/?q=그래핀') // '/#/?q=%EA%B7%B8%EB%9E%98%ED%95%80'
 */
export function sameOriginPath(next: string | undefined): string | null {
  if (!next?.startsWith('/')) return null;
  const base = 'http://patmatch.invalid';
  try {
    const url = new URL(next, base);
    return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : null;
  } catch {
    return null;
  }
}

/** Form bodies are parsed into plain objects; JSON bodies are already objects. */
async function ensureFormParser(app: FastifyInstance): Promise<void> {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}

/**
 * A demand with its recommendations' evaluations and KIPRIS links, from the server the routes run
 * in (`hitDetails` of `buildServer`); unchanged when the routes run in a bare Fastify app.
 */
function withRecommendationDetails(app: FastifyInstance, demand: DemandView): DemandView {
  if (!app.hasDecorator('hitDetails')) return demand;
  return { ...demand, recommendations: app.hitDetails(demand.recommendations) };
}

/** A market demand with its patents' evaluations and KIPRIS links, as `withRecommendationDetails`. */
function withPatentDetails(app: FastifyInstance, demand: MarketDemandView): MarketDemandView {
  if (!app.hasDecorator('hitDetails')) return demand;
  return { ...demand, patents: app.hitDetails(demand.patents) };
}

/**
 * The match workflow's HTTP routes as a Fastify plugin: login, sessions and API tokens, demands,
 * match requests, manager answers (API and signed email links), the admin queue and outbox.
 * Cookie-authenticated writes need the session's CSRF token (`x-csrf-token` header or `_csrf`
 * form field); Bearer-token requests do not, as browsers never add that header on their own.
 *
 * @example
 * const app = await buildServer({ engine, store, plugins: [matchRoutes({ service })] });
 */
export function matchRoutes(options: Partial<MatchRoutesOptions> & Pick<MatchRoutesOptions, 'service'>): FastifyPluginAsync {
  const settings: MatchRoutesOptions = { ...defaultMatchRoutesOptions, ...options };
  const { service } = settings;
  const { accounts } = service;

  return async (app) => {
    await app.register(fastifyCookie);
    if (!app.hasDecorator('rateLimit')) await app.register(fastifyRateLimit, { global: false });
    await ensureFormParser(app);
    app.decorateRequest('principal', null);

    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header !== undefined) {
        const [scheme, token] = header.split(' ', 2);
        const principal = scheme?.toLowerCase() === 'bearer' && token ? accounts.authenticate(token, 'api') : undefined;
        if (!principal) throw new PatmatchError('unauthorized', 'the Authorization header does not hold a valid API token');
        request.principal = principal;
        return;
      }
      const session = request.cookies[SESSION_COOKIE];
      request.principal = session ? (accounts.authenticate(session, 'session') ?? null) : null;
    });
    // Forms carry no CSRF token before login, so a form posted from another site (logging the
    // victim into the attacker's account) is recognised by its Origin header instead.
    app.addHook('preHandler', async (request) => {
      if (request.method !== 'POST' || !isFormPost(request)) return;
      const origin = request.headers.origin;
      if (origin === undefined || origin === new URL(service.options.publicUrl).origin) return;
      if (origin === `${request.protocol}://${request.host}`) return;
      throw new PatmatchError('forbidden', `a form posted from ${origin} is refused: forms are accepted only from this server's own pages`);
    });
    app.addHook('preHandler', async (request) => {
      const principal = request.principal;
      if (!principal || principal.via !== 'session' || SAFE_METHODS.has(request.method)) return;
      if (request.routeOptions.config.csrf === false) return;
      const sent = request.headers['x-csrf-token'] ?? (request.body as { _csrf?: unknown } | undefined)?._csrf;
      if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
        throw new PatmatchError('forbidden', 'missing or wrong CSRF token (send the x-csrf-token header from /api/auth/me)');
      }
    });

    const checkLoginAddress = app.createRateLimit({ max: settings.loginLimit.perAddressMax, timeWindow: settings.loginLimit.timeWindowMs });
    const emailOf = (request: FastifyRequest): string => {
      const email = (request.body as { email?: unknown } | undefined)?.email;
      return typeof email === 'string' ? email.toLowerCase() : '';
    };

    app.post(
      '/api/auth/login',
      {
        schema: described('auth', 'Log in; sets the httpOnly session cookie and returns the CSRF token'),
        // A limiter of its own: the plugin runs only the first of several limiters a request meets.
        preHandler: async (request, reply) => {
          const limit = await checkLoginAddress(request);
          if (limit.isAllowed || !limit.isExceeded) return;
          reply.header('retry-after', String(limit.ttlInSeconds));
          throw Object.assign(
            new Error(`Too many logins from this address: at most ${limit.max} per ${limit.timeWindow / 1000} s; retry after ${limit.ttlInSeconds} s`),
            { statusCode: 429 },
          );
        },
        // Route config (not a preHandler) so that it replaces, rather than races, a server-wide limiter.
        config: {
          ...documented({ body: loginInput, contentTypes: ['application/json', 'application/x-www-form-urlencoded'] }),
          rateLimit: {
            max: settings.loginLimit.max,
            timeWindow: settings.loginLimit.timeWindowMs,
            hook: 'preHandler',
            keyGenerator: (request) => `login:${emailOf(request)}`,
          },
        },
      },
      async (request, reply) => {
        const body = parseInput(loginInput, request.body, 'login');
        const user = await accounts.login(body.email, body.password);
        if (!user) throw new PatmatchError('unauthorized', 'wrong email or password');
        const session = accounts.createSession(user.id, settings.sessionTtlMs);
        reply.setCookie(SESSION_COOKIE, session.token, {
          httpOnly: true,
          sameSite: 'lax',
          secure: settings.secureCookies,
          path: '/',
          maxAge: Math.floor(settings.sessionTtlMs / 1000),
        });
        const next = sameOriginPath(body.next);
        if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') && next) return reply.redirect(next, 303);
        return { user, csrfToken: session.csrfToken };
      },
    );
    app.post('/api/auth/logout', { schema: described('auth', 'End the session', 204) }, async (request, reply) => {
      const session = request.cookies[SESSION_COOKIE];
      if (session) accounts.revoke(session);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    });
    app.get('/api/auth/me', { schema: described('auth', 'The logged-in user and their CSRF token') }, async (request) => ({
      user: requireUser(request),
      csrfToken: request.principal?.csrfToken ?? null,
    }));
    app.post('/api/auth/tokens', { schema: described('auth', 'Create an API token (shown once)', 201) }, async (request, reply) => {
      const user = requireUser(request);
      return reply.code(201).send({ token: accounts.createApiToken(user.id) });
    });

    app.post('/api/demands', { schema: described('match', 'Register a demand and get its recommendations', 201), config: documented({ body: matchBodies.demand }) }, async (request, reply) => {
      const user = requireUser(request);
      if (user.role === 'manager') throw new PatmatchError('forbidden', 'managers answer demands; log in as a demander to register one');
      return reply.code(201).send(withRecommendationDetails(app, await service.createDemand(user, request.body)));
    });
    app.get('/api/demands', { schema: described('match', 'Your demands') }, async (request) => ({
      demands: service.listDemands(requireUser(request)),
    }));
    app.get('/api/demands/:id', { schema: described('match', 'A demand with its matches and timelines'), config: documented({ params: demandIdParams }) }, async (request) => {
      const { id } = parseInput(demandIdParams, request.params, 'demand id');
      return withRecommendationDetails(app, service.getDemand(requireUser(request), id));
    });
    app.patch('/api/demands/:id', { schema: described('match', 'Change a demand: {"watch": false} stops it watching for new patents, {"visibility": "public"} shows it to managers whose patents match'), config: documented({ params: demandIdParams, body: matchBodies.demandPatch }) }, async (request) => {
      const { id } = parseInput(demandIdParams, request.params, 'demand id');
      return withRecommendationDetails(app, service.updateDemand(requireUser(request), id, request.body));
    });
    app.post('/api/demands/:id/seen', { schema: described('match', "Mark the demand's recommendations seen (none is new any more)"), config: documented({ params: demandIdParams, body: matchBodies.seen }) }, async (request) => {
      const { id } = parseInput(demandIdParams, request.params, 'demand id');
      return withRecommendationDetails(app, service.markDemandSeen(requireUser(request), id, request.body));
    });
    app.post('/api/demands/:id/matches', { schema: described('match', 'Request the selected patents', 201), config: documented({ params: demandIdParams, body: matchBodies.matches }) }, async (request, reply) => {
      const { id } = parseInput(demandIdParams, request.params, 'demand id');
      return reply.code(201).send({ matches: service.requestMatches(requireUser(request), id, request.body) });
    });

    app.get('/api/manager/demands', { schema: described('market', "Public demands matching the manager's organisation's patents, best first"), config: documented({ query: marketQuery }) }, async (request) => {
      const user = requireUser(request);
      const page = await service.listMarketDemands(user, parseInput(marketQuery, request.query, 'manager demands query'));
      return { ...page, demands: page.demands.map((demand) => withPatentDetails(app, demand)) };
    });
    app.get('/api/manager/demands/:id', { schema: described('market', 'One public demand with the organisation’s matching patents'), config: documented({ params: demandIdParams, query: marketQuery.pick({ organization: true }) }) }, async (request) => {
      const { id } = parseInput(demandIdParams, request.params, 'demand id');
      const { organization } = parseInput(marketQuery.pick({ organization: true }), request.query, 'manager demand query');
      return withPatentDetails(app, await service.getMarketDemand(requireUser(request), id, organization));
    });
    app.post('/api/manager/demands/:id/proposals', { schema: described('market', 'Propose patents of your organisation to a public demand', 201), config: documented({ params: demandIdParams, body: matchBodies.proposals }) }, async (request, reply) => {
      const { id } = parseInput(demandIdParams, request.params, 'demand id');
      return reply.code(201).send({ matches: await service.proposePatents(requireUser(request), id, request.body) });
    });

    app.get('/api/matches', { schema: described('match', "A manager's inbox: their organisation's match requests") }, async (request) => ({
      matches: service.listManagedMatches(requireUser(request)),
    }));
    app.get('/api/matches/:id', { schema: described('match', 'One match with its timeline'), config: documented({ params: matchIdParams }) }, async (request) => {
      const { id } = parseInput(matchIdParams, request.params, 'match id');
      return service.getMatch(requireUser(request), id);
    });
    app.post('/api/matches/:id/status', { schema: described('match', 'Change the status of a match'), config: documented({ params: matchIdParams, body: matchBodies.status }) }, async (request) => {
      const { id } = parseInput(matchIdParams, request.params, 'match id');
      return service.changeStatus({ user: requireUser(request) }, id, request.body);
    });
    app.post('/api/matches/:id/messages', { schema: described('match', 'Add a message to the timeline'), config: documented({ params: matchIdParams, body: matchBodies.message }) }, async (request) => {
      const { id } = parseInput(matchIdParams, request.params, 'match id');
      return service.postMessage({ user: requireUser(request) }, id, request.body);
    });

    app.get('/api/admin/queue', { schema: described('admin', 'Matches without a known manager') }, async (request) => ({
      matches: service.adminQueue(requireUser(request)),
    }));
    app.post('/api/admin/matches/:id/manager', { schema: described('admin', 'Route a queued match to a manager'), config: documented({ params: matchIdParams, body: matchBodies.manager }) }, async (request) => {
      const { id } = parseInput(matchIdParams, request.params, 'match id');
      return service.assignManager(requireUser(request), id, request.body);
    });
    const requireAdmin = (request: FastifyRequest): void => {
      if (requireUser(request).role !== 'admin') throw new PatmatchError('forbidden', 'only admins can see the outbox');
    };
    app.get('/api/admin/outbox', { schema: described('admin', 'Outgoing emails (e.g. ?state=failed) and how many are in each state'), config: documented({ query: outboxQuery }) }, async (request) => {
      requireAdmin(request);
      const { state } = parseInput(outboxQuery, request.query, 'outbox query');
      return { emails: service.outbox.list(state), counts: service.outbox.countByState() };
    });
    app.post('/api/admin/outbox/:id/retry', { schema: described('admin', 'Send a failed or only logged email again'), config: documented({ params: outboxIdParams }) }, async (request) => {
      const { id } = parseInput(outboxIdParams, request.params, 'outbox id');
      return service.retryEmail(requireUser(request), id);
    });

    const linkClaim = (request: FastifyRequest, expires: number): LinkClaim => {
      const { id, action } = parseInput(linkParams, request.params, 'link');
      return { matchId: id, action, expires };
    };
    const html = (reply: FastifyReply, status: number, body: string): FastifyReply =>
      reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
    const linkError = (reply: FastifyReply, error: unknown): FastifyReply => {
      if (!(error instanceof PatmatchError)) throw error;
      const status = { invalid_input: 400, forbidden: 403, not_found: 404, conflict: 409 }[error.code as string] ?? 400;
      return html(reply, status, resultPage('요청을 처리할 수 없습니다 (cannot do this)', error.message));
    };
    app.get('/match/respond/:id/:action', { schema: { hide: true } }, async (request, reply) => {
      try {
        const { expires, sig } = parseInput(linkQuery, request.query, 'link');
        const claim = linkClaim(request, expires);
        return html(reply, 200, confirmPage(service.linkedMatch(claim, sig), claim.action, { expires, sig }));
      } catch (error) {
        return linkError(reply, error);
      }
    });
    const unwatchClaim = (request: FastifyRequest, expires: number): DemandLinkClaim => ({
      demandId: parseInput(unwatchParams, request.params, 'link').id,
      action: 'unwatch',
      expires,
    });
    app.get('/match/demands/:id/unwatch', { schema: { hide: true } }, async (request, reply) => {
      try {
        const { expires, sig } = parseInput(linkQuery, request.query, 'link');
        return html(reply, 200, unwatchConfirmPage(service.linkedDemand(unwatchClaim(request, expires), sig), { expires, sig }));
      } catch (error) {
        return linkError(reply, error);
      }
    });
    app.post('/match/demands/:id/unwatch', { schema: { hide: true }, config: { csrf: false } }, async (request, reply) => {
      try {
        const { expires, sig } = parseInput(linkQuery, request.body, 'link form');
        const demand = service.unwatchByLink(unwatchClaim(request, expires), sig);
        return html(reply, 200, resultPage('알림을 껐습니다 (watching stopped)', `수요기술 "${demand.name}"에 대한 새 특허 알림을 더 보내지 않습니다.`));
      } catch (error) {
        return linkError(reply, error);
      }
    });
    app.post('/match/respond/:id/:action', { schema: { hide: true }, config: { csrf: false } }, async (request, reply) => {
      try {
        const { expires, sig, message } = parseInput(linkForm, request.body, 'link form');
        const claim = linkClaim(request, expires);
        const match = service.respondByLink(claim, sig, message || undefined);
        return html(reply, 200, resultPage('처리되었습니다 (done)', '요청자에게 이메일로 알렸습니다 (the requester has been emailed).', match));
      } catch (error) {
        return linkError(reply, error);
      }
    });
  };
}
