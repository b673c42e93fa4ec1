import type { FastifyPluginAsync } from 'fastify';
import type { Tech6T } from '../domain/index.js';
import type { ApiContext } from './hits.js';
import { problemResponses, tech6tParamsSchema } from './schemas.js';

/**
 * `GET /api/classes/{tech6t}/distribution`: every evaluated patent's indices in one 6T class,
 * for the dashboard's violin plots and min–max scaling.
 *
 * @example
 * await app.register(classRoutes, { engine, store, kiprisUrlTemplate });
 */
export const classRoutes: FastifyPluginAsync<ApiContext> = async (app, context) => {
  app.get<{ Params: { tech6t: Tech6T } }>(
    '/api/classes/:tech6t/distribution',
    {
      schema: {
        summary: 'Index values of all evaluated patents in a 6T class',
        tags: ['classes'],
        params: tech6tParamsSchema,
        response: { 200: { $ref: 'ClassDistribution#' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      // The distribution changes only when evaluations are re-imported; let browsers reuse it briefly.
      reply.header('cache-control', 'public, max-age=60');
      return context.store.classDistribution(request.params.tech6t);
    },
  );
};
