import type { FastifyPluginAsync } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { type ApiContext, type ApiHit, type SearchQuery, toSearchArguments, withEvaluations } from './hits.js';
import { problemResponses, searchQuerySchema } from './schemas.js';

/** Columns of the exported results table, in the dashboard's order and wording. */
const EXPORT_COLUMNS: ReadonlyArray<[header: string, value: (hit: ApiHit) => string | number | null]> = [
  ['순위', (hit) => hit.rank],
  ['출원번호', (hit) => hit.applicationNumber],
  ['특허명', (hit) => hit.title],
  ['출원인', (hit) => hit.applicants.join('; ')],
  ['pqi지수', (hit) => hit.evaluation?.pqi ?? null],
  ['권리성평가지수', (hit) => hit.evaluation?.rightsScore ?? null],
  ['기술성평가지수', (hit) => hit.evaluation?.technologyScore ?? null],
  ['상업성평가지수', (hit) => hit.evaluation?.commercialScore ?? null],
  ['6T분류', (hit) => hit.evaluation?.tech6t ?? null],
  ['평가출처', (hit) => hit.evaluation?.source ?? null],
  ['유사도', (hit) => Number(hit.score.toFixed(4))],
  ['링크', (hit) => hit.kiprisUrl],
  ['추천이유문장', (hit) => hit.explanation.sentences[0]?.text ?? null],
];

/**
 * Renders hits as CSV with a BOM (so spreadsheet programs read the Korean headers) and with
 * formula-like cells escaped, since titles come from outside.
 *
 * @example
 * hitsToCsv(page.hits).split('\r\n')[0] // '\uFEFF순위,출원번호,특허명,…'
 */
export function hitsToCsv(hits: readonly ApiHit[]): string {
  const rows = hits.map((hit) => EXPORT_COLUMNS.map(([, value]) => value(hit)));
  return `\uFEFF${stringify([EXPORT_COLUMNS.map(([header]) => header), ...rows], {
    record_delimiter: 'windows',
    escape_formulas: true,
    cast: { number: String },
  })}`;
}

/**
 * `GET /api/search` and `GET /api/export`: hits with evaluations and paging totals, as JSON or CSV.
 *
 * @example
 * await app.register(searchRoutes, { engine, store, kiprisUrlTemplate });
 */
export const searchRoutes: FastifyPluginAsync<ApiContext> = async (app, context) => {
  app.get<{ Querystring: SearchQuery }>(
    '/api/search',
    {
      schema: {
        summary: 'Recommend patents for a technology demand',
        tags: ['search'],
        querystring: searchQuerySchema,
        response: { 200: { $ref: 'SearchResult#' }, ...problemResponses },
      },
    },
    async (request) => withEvaluations(await context.engine.search(...toSearchArguments(request.query)), context),
  );

  app.get<{ Querystring: SearchQuery & { format: 'csv' } }>(
    '/api/export',
    {
      schema: {
        summary: 'The results table of a search as CSV',
        tags: ['search'],
        querystring: {
          ...searchQuerySchema,
          properties: { ...searchQuerySchema.properties, format: { type: 'string', enum: ['csv'], default: 'csv' } },
        },
        produces: ['text/csv'],
        response: { 200: { type: 'string', description: 'UTF-8 CSV with BOM' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const page = withEvaluations(await context.engine.search(...toSearchArguments(request.query)), context);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="patmatch-page${page.page}.csv"`)
        .send(hitsToCsv(page.hits));
    },
  );
};
