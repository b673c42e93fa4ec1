/**
 * JSON schemas shared by the routes. Fastify validates requests and serialises responses with
 * them, and @fastify/swagger turns them into the OpenAPI document.
 */
import { TECH_6T } from '../domain/index.js';
import { FILTER_LENGTHS, SEARCH_LIMITS } from '../search/engine.js';

/**
 * Longest search text over HTTP (characters). Lower than the engine's limit because the text
 * travels in the query string: 1,000 Korean characters percent-encode to about 9 KB, within
 * Node's 16 KB header limit.
 */
export const MAX_QUERY_LENGTH = 1000;
const { maxTop: MAX_TOP, maxPage: MAX_PAGE } = SEARCH_LIMITS;

const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

/** 13-digit application number, e.g. `1020160138184`. */
export const applicationNumberSchema = {
  type: 'string',
  pattern: '^[12]0\\d{11}$',
  description: '13-digit application number (kind 10/20 + year + serial), e.g. 1020160138184',
} as const;

export const evaluationSchema = {
  $id: 'Evaluation',
  type: ['object', 'null'],
  description: 'Evaluation indices; source `synthetic-sample` marks sample data that must be labelled as such',
  required: ['pqi', 'rightsScore', 'technologyScore', 'commercialScore', 'tech6t', 'source'],
  properties: {
    pqi: nullableNumber,
    rightsScore: nullableNumber,
    technologyScore: nullableNumber,
    commercialScore: nullableNumber,
    tech6t: { type: ['string', 'null'], enum: [...TECH_6T, null] },
    source: { type: 'string' },
  },
} as const;

const patentProperties = {
  applicationNumber: { type: 'string' },
  title: { type: 'string' },
  titleEn: nullableString,
  abstract: { type: 'string' },
  ipc: { type: 'array', items: { type: 'string' } },
  applicants: { type: 'array', items: { type: 'string' }, description: 'Applicants (출원인) in the order the source lists them' },
  applicationDate: nullableString,
  registrationNumber: nullableString,
  registrationDate: nullableString,
  registrationStatus: nullableString,
  evaluation: { $ref: 'Evaluation#' },
  kiprisUrl: { type: 'string', description: 'KIPRIS detail page of the application' },
} as const;

/** An array of objects that each name a range of the stored title or abstract. */
function spanList<P extends Record<string, object>>(description: string, properties: P) {
  return {
    type: 'array',
    description,
    items: {
      type: 'object',
      required: [...Object.keys(properties), 'start', 'end'],
      properties: {
        ...properties,
        start: { type: 'integer', minimum: 0, description: 'UTF-16 offset of the first code unit in the stored text' },
        end: { type: 'integer', minimum: 0, description: 'UTF-16 offset after the last code unit (`text.slice(start, end)`)' },
      },
    },
  } as const;
}

/** Why a patent matched: its sentences closest to the demand, and where the demand's terms stand. */
export const explanationSchema = {
  $id: 'Explanation',
  type: 'object',
  description: 'Why the patent matched. Offsets are UTF-16 code units of the `title` / `abstract` of this response',
  required: ['sentences', 'terms'],
  properties: {
    sentences: spanList('The 1–3 abstract sentences most similar to the demand, best first (empty when there is no abstract)', {
      text: { type: 'string', description: '`abstract.slice(start, end)`' },
      score: { type: 'number', description: "Cosine of the demand and the sentence by the engine's model; without a model, BM25 term overlap in [0, 1)" },
    }),
    terms: spanList("The demand's terms (morphemes, and the Korean words of its English words) where they stand in the title and abstract", {
      term: { type: 'string', description: 'The term as the analyser gives it (lowercase, stem)' },
      field: { type: 'string', enum: ['title', 'abstract'] },
    }),
  },
} as const;

export const hitSchema = {
  $id: 'Hit',
  type: 'object',
  properties: {
    rank: { type: 'integer' },
    ...patentProperties,
    abstractScore: { type: 'number' },
    titleScore: { type: 'number' },
    score: { type: 'number', description: 'Similarity (mean of abstract and title cosine in seed mode)' },
    band: {
      type: ['string', 'null'],
      enum: ['strong', 'similar', 'related', 'weak', null],
      description: "The score's band in its mode (매우 유사 / 유사 / 관련 / below); null when the mode has no bands (lexical)",
    },
    explanation: { $ref: 'Explanation#' },
  },
} as const;

export const patentSchema = {
  $id: 'Patent',
  type: 'object',
  properties: {
    ...patentProperties,
    kind: { type: 'string', enum: ['patent', 'utility-model'] },
    openingNumber: nullableString,
    openingDate: nullableString,
    publicationNumber: nullableString,
    publicationDate: nullableString,
    inventors: { type: 'array', items: { type: 'string' }, description: 'Inventors (발명자) in the order the source lists them' },
    agent: nullableString,
  },
} as const;

export const searchResultSchema = {
  $id: 'SearchResult',
  type: 'object',
  properties: {
    query: { type: 'string' },
    mode: { type: 'string' },
    model: { type: 'string' },
    total: { type: 'integer', description: 'Candidates that survived stage 1 and the filters (at most K, 2K in hybrid); pages run over these' },
    considered: { type: 'integer', description: 'Patents the search looked at: every stored patent, or those the filters allow' },
    matched: { type: 'integer', description: "Candidates whose score reaches the mode's `related` band (every candidate when the mode has no bands)" },
    bands: {
      type: ['object', 'null'],
      description: 'Lowest score of each band in this mode; null when the mode has none (lexical)',
      properties: { strong: { type: 'number' }, similar: { type: 'number' }, related: { type: 'number' } },
    },
    page: { type: 'integer' },
    top: { type: 'integer' },
    pages: { type: 'integer', description: 'Number of pages of `top` hits' },
    translations: {
      type: 'array',
      description: 'English words of the query that keyword search (lexical, hybrid) also looked for in Korean, by the model lexicon; absent when none',
      items: {
        type: 'object',
        properties: { english: { type: 'string' }, korean: { type: 'string' } },
      },
    },
    hits: { type: 'array', items: { $ref: 'Hit#' } },
  },
} as const;

/** Paging and ranking parameters shared by search, similar and export. */
export const pagingQuerySchema = {
  top: { type: 'integer', minimum: 1, maximum: MAX_TOP, default: 10, description: `Hits per page (1–${MAX_TOP})` },
  page: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1, description: '1-based page' },
  mode: { type: 'string', enum: ['seed', 'dense', 'hybrid', 'lexical'], description: 'Ranking method' },
} as const;

/** Query string of `/api/search` and `/api/export`. */
export const searchQuerySchema = {
  type: 'object',
  required: ['q'],
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: MAX_QUERY_LENGTH, description: 'The technology demand, in Korean or English' },
    ...pagingQuerySchema,
    ipc: {
      type: 'string',
      maxLength: FILTER_LENGTHS.ipc,
      description: 'IPC prefix such as H01G or H01G 11/86 (any case)',
    },
    from: { type: 'string', format: 'date', description: 'Earliest application date (YYYY-MM-DD)' },
    to: { type: 'string', format: 'date', description: 'Latest application date (YYYY-MM-DD)' },
    applicant: { type: 'string', minLength: 1, maxLength: FILTER_LENGTHS.applicant, description: 'Substring of any applicant name (spacing, case, (주)/주식회사 aside)' },
    status: { type: 'string', minLength: 1, maxLength: FILTER_LENGTHS.status, description: 'Exact registration status, e.g. 등록' },
  },
} as const;

export const tech6tParamsSchema = {
  type: 'object',
  required: ['tech6t'],
  properties: { tech6t: { type: 'string', enum: [...TECH_6T] } },
} as const;

export const distributionSchema = {
  $id: 'ClassDistribution',
  type: 'object',
  properties: {
    tech6t: { type: 'string' },
    count: { type: 'integer' },
    pqi: { type: 'array', items: { type: 'number' } },
    rights: { type: 'array', items: { type: 'number' } },
    technology: { type: 'array', items: { type: 'number' } },
    commercial: { type: 'array', items: { type: 'number' } },
    sources: { type: 'array', items: { type: 'string' }, description: 'Distinct evaluation sources in the class' },
  },
} as const;

/** Error responses every route can give, for the OpenAPI document. */
export const problemResponses = {
  400: { $ref: 'Problem#' },
  429: { $ref: 'Problem#' },
  500: { $ref: 'Problem#' },
} as const;

/** Schemas registered once with `app.addSchema` so routes can `$ref` them. */
export const sharedSchemas = [evaluationSchema, explanationSchema, hitSchema, patentSchema, searchResultSchema, distributionSchema] as const;
