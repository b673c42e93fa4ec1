import type { FastifyPluginAsync } from 'fastify';
import { PatmatchError } from '../domain/errors.js';
import { type ApiContext, evaluationOf, kiprisUrl, withEvaluations } from './hits.js';
import { applicationNumberSchema, pagingQuerySchema, problemResponses } from './schemas.js';

interface PatentParams {
  applicationNumber: string;
}

const paramsSchema = {
  type: 'object',
  required: ['applicationNumber'],
  properties: { applicationNumber: applicationNumberSchema },
} as const;

const notFoundResponses = { ...problemResponses, 404: { $ref: 'Problem#' } } as const;

/**
 * `GET /api/patents/{applicationNumber}` (the full record with its evaluation) and
 * `GET /api/patents/{applicationNumber}/similar` (patents like it).
 *
 * @example
 * await app.register(patentRoutes, { engine, store, kiprisUrlTemplate });
 */
export const patentRoutes: FastifyPluginAsync<ApiContext> = async (app, context) => {
  app.get<{ Params: PatentParams }>(
    '/api/patents/:applicationNumber',
    {
      schema: {
        summary: 'One patent with its evaluation indices',
        tags: ['patents'],
        params: paramsSchema,
        response: { 200: { $ref: 'Patent#' }, ...notFoundResponses },
      },
    },
    async (request) => {
      const { applicationNumber } = request.params;
      const patent = context.store.getByApplicationNumber(applicationNumber);
      if (!patent) throw new PatmatchError('not_found', `No patent with application number ${applicationNumber}`);
      return {
        ...patent,
        evaluation: evaluationOf(context.store, applicationNumber),
        kiprisUrl: kiprisUrl(context.kiprisUrlTemplate, applicationNumber),
      };
    },
  );

  app.get<{ Params: PatentParams; Querystring: { top: number; page: number; mode?: 'seed' } }>(
    '/api/patents/:applicationNumber/similar',
    {
      schema: {
        summary: 'Patents similar to a stored one (its title and abstract as the demand)',
        tags: ['patents'],
        params: paramsSchema,
        querystring: { type: 'object', additionalProperties: false, properties: pagingQuerySchema },
        response: { 200: { $ref: 'SearchResult#' }, ...notFoundResponses },
      },
    },
    async (request) => {
      const { top, page, mode } = request.query;
      const result = await context.engine.similar(request.params.applicationNumber, mode ? { top, page, mode } : { top, page });
      return withEvaluations(result, context);
    },
  );
};
