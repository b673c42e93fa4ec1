/**
 * Domain types shared by every layer. They carry no behaviour beyond small pure helpers,
 * so ingest, store, search, api and web can agree on one vocabulary.
 */

/** `10` = patent (특허), `20` = utility model (실용신안); kept from the application number. */
export type PatentKind = 'patent' | 'utility-model';

/**
 * One patent or utility-model application, normalised.
 *
 * @example
 * const p: Patent = {
 *   applicationNumber: '1020160138184', title: '슈퍼커패시터용 3차원 그래핀 전극의 제조방법',
 *   titleEn: 'PREPARATION METHOD OF 3D GRAPHENE ELECTRODE FOR SUPERCAPACITOR', abstract: '본 발명은 …',
 *   ipc: ['H01G 11/86'], applicants: ['인천대학교 산학협력단'], applicationDate: '2016-10-24', …
 * };
 */
export interface Patent {
  /** 13 digits: kind (2) + year (4) + serial (7), e.g. `1020160138184`. */
  applicationNumber: string;
  kind: PatentKind;
  /** Korean title (발명의 명칭), without a trailing `(ENGLISH TITLE)`. */
  title: string;
  /** English title when the source gives one. */
  titleEn: string | null;
  /** Abstract (요약). May be empty when the source has none. */
  abstract: string;
  /** IPC codes in `H01G 11/86` form, first = main classification. */
  ipc: string[];
  /** Applicants (출원인) in the source's order, each normalised but written as the source names it. */
  applicants: string[];
  /** ISO dates `YYYY-MM-DD`. */
  applicationDate: string | null;
  /** 공개번호 / 공개일자 (KIPRIS OpeningNumber/OpeningDate). */
  openingNumber: string | null;
  openingDate: string | null;
  /** 공고번호 / 공고일자 (KIPRIS PublicNumber/PublicDate). */
  publicationNumber: string | null;
  publicationDate: string | null;
  /** 등록번호 / 등록일자. */
  registrationNumber: string | null;
  registrationDate: string | null;
  /** 등록상태 as KIPRIS reports it (등록, 공개, 소멸, 거절, 취하 …) or derived (등록 when a registration number exists). */
  registrationStatus: string | null;
  /** Inventors (발명자) in the source's order. */
  inventors: string[];
  agent: string | null;
}

/** 6T technology classes used by KPEG evaluations, plus ETC. */
export const TECH_6T = ['IT', 'BT', 'NT', 'ST', 'ET', 'CT', 'ETC'] as const;
export type Tech6T = (typeof TECH_6T)[number];

/**
 * Evaluation indices of one patent (KPEG-style). `source` tells where they came from;
 * `synthetic-sample` values must be labelled as sample data wherever they are shown.
 */
export interface Evaluation {
  applicationNumber: string;
  pqi: number | null;
  /** 권리성 */
  rightsScore: number | null;
  /** 기술성 */
  technologyScore: number | null;
  /** 상업성 */
  commercialScore: number | null;
  tech6t: Tech6T | null;
  source: string;
}

/** How the recommender ranks. `seed` is the two-stage Sentence-BERT method of the original design. */
export type SearchMode = 'seed' | 'dense' | 'hybrid' | 'lexical';

/** Restricts which patents may be recommended. All fields are optional and combine with AND. */
export interface SearchFilters {
  /** IPC prefix such as `H01G` or `H01G 11`; matches any of the patent's codes. */
  ipc?: string;
  /** Application date range, inclusive, ISO `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  /** Substring of any applicant's name (compared by `nameKey`: spaces, case and company forms aside). */
  applicant?: string;
  /** Exact registration status, e.g. `등록`. */
  status?: string;
}

/** One recommended patent with its scores (cosine or normalised BM25, each in [0,1] or [-1,1]). */
export interface SearchHit {
  rank: number;
  applicationNumber: string;
  title: string;
  titleEn: string | null;
  abstract: string;
  ipc: string[];
  applicants: string[];
  applicationDate: string | null;
  registrationNumber: string | null;
  registrationDate: string | null;
  registrationStatus: string | null;
  abstractScore: number;
  titleScore: number;
  score: number;
  /** The word the score earns in its mode (`src/search/bands.ts`; in hybrid from the mean of abstract and title cosine); null when the mode has no bands (lexical). */
  band: ScoreBand | null;
  /** Why the patent matched: its sentences closest to the demand and the demand's terms it holds. */
  explanation: Explanation;
}

/**
 * Why a patent matched a demand. Offsets are UTF-16 code units of the stored `title` / `abstract`
 * (`abstract.slice(start, end)` is the sentence or the term's surface), so clients highlight the
 * text they already have.
 *
 * @example
 * const explanation: Explanation = {
 *   sentences: [{ text: '그래핀 전극을 제조하는 방법을 제공한다.', score: 0.71, start: 0, end: 23 }],
 *   terms: [{ term: '그래핀', field: 'abstract', start: 0, end: 3 }],
 * };
 */
export interface Explanation {
  /** One to three abstract sentences most similar to the demand, best first (none when the abstract is empty). */
  sentences: ExplainedSentence[];
  /** Each place in the title and abstract where a term of the demand stands, in text order per field. */
  terms: ExplainedTerm[];
}

/** An abstract sentence and its similarity to the demand (cosine, or BM25 term overlap in [0, 1) without a model). */
export interface ExplainedSentence {
  text: string;
  score: number;
  start: number;
  end: number;
}

/** A term of the demand (a morpheme, or the Korean word of an English one) and where its surface stands. */
export interface ExplainedTerm {
  term: string;
  field: 'title' | 'abstract';
  start: number;
  end: number;
}

/** Bands of a score, best first; `weak` is below `related`. */
export type ScoreBand = 'strong' | 'similar' | 'related' | 'weak';

/** Lowest score of each band in one mode. */
export interface ScoreBands {
  strong: number;
  similar: number;
  related: number;
}

/** An English word of a demand and the Korean word keyword search also looked for. */
export interface Translation {
  english: string;
  korean: string;
}

/** A page of recommendations. */
export interface SearchResult {
  query: string;
  mode: SearchMode;
  /** Model id of the embedder used, or `lexical`. */
  model: string;
  /** Number of candidates that survived stage 1 and the filters (at most K; at most 2K in hybrid mode). */
  total: number;
  /** Patents the search looked at: all stored patents, or those the filters allowed. */
  considered: number;
  /** Candidates that reach the mode's `related` band (all candidates when the mode has no bands; in hybrid, by the seed similarity). */
  matched: number;
  /** The mode's band levels, or null when its scores have none (lexical). */
  bands: ScoreBands | null;
  page: number;
  top: number;
  /**
   * English words of the query that keyword search (lexical and hybrid modes) also looked for in
   * Korean, by the model's lexicon; absent when there were none.
   */
  translations?: Translation[];
  hits: SearchHit[];
}
