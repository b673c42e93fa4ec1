/**
 * Explanations of search hits: the abstract sentences closest to the demand and the demand's terms
 * in the title and abstract, with UTF-16 offsets into the stored texts. Computed for the hits of
 * the returned page only.
 */
import type { Explanation, ExplainedSentence } from '../../domain/index.js';
import type { Embedder } from '../../embed/types.js';
import type { KoreanAnalyzer } from '../../text/index.js';
import { expandQuery, type QueryLexicon } from '../../text/lexicon/index.js';
import { embeddingScorer, overlapScores, termsInSpan, type SentenceScorer } from './rank-sentences.js';
import { splitSentences, type TextSpan } from './sentences.js';
import { analyzeWords, termSpans } from './terms.js';

export { splitSentences, type TextSpan } from './sentences.js';

/** The parts of a patent an explanation reads. */
export interface ExplainablePatent {
  title: string;
  abstract: string;
}

/**
 * Explains why patents matched a demand.
 *
 * @example
 * const explainer = createExplainer({ analyzer: lexical.analyzer, embedder, lexicon });
 * const [explanation] = await explainer.explain('그래핀 전극', [{ title: '그래핀 전극의 제조방법', abstract: '…' }]);
 * explanation.sentences[0].text // the abstract's sentence closest to the demand
 */
export interface Explainer {
  /**
   * One explanation per patent, in the same order. `queryVector`, the query's vector by the
   * explainer's embedder when the caller has it already, saves embedding the query again.
   */
  explain(query: string, patents: readonly ExplainablePatent[], queryVector?: Float32Array): Promise<Explanation[]>;
}

/**
 * What an explainer works with. `embedder` null: sentences are scored by term overlap (BM25 over
 * the page's sentences), as in a home without a model.
 *
 * @example
 * const options: Partial<ExplainerOptions> = { maxSentences: 1, sentenceCacheBytes: 0 };
 */
export interface ExplainerOptions {
  /** The lexical index's analyser, so explanations see the terms keyword search sees. */
  analyzer: KoreanAnalyzer;
  embedder: Embedder | null;
  /** English → Korean words: an English demand's Korean words are marked too. */
  lexicon: QueryLexicon | null;
  /** At most this many sentences per hit, and never more than half of the candidate sentences (at least one). */
  maxSentences: number;
  /** Sentences with fewer words (`[화학식 1]`, the keyword line `플립플롭, 트랜지스터`) are candidates only when no sentence has this many. */
  minSentenceWords: number;
  /** Memory for remembered sentence vectors. */
  sentenceCacheBytes: number;
}

/** Up to three sentences of at least four words; 32 MB of sentence vectors. */
export const DEFAULT_EXPLAINER_OPTIONS: Omit<ExplainerOptions, 'analyzer' | 'embedder' | 'lexicon'> = {
  maxSentences: 3,
  minSentenceWords: 4,
  sentenceCacheBytes: 32 << 20,
};

/**
 * Builds an explainer.
 *
 * @example
 * const explainer = createExplainer({ analyzer: await createAnalyzer(), embedder: null, lexicon: null });
 * const [{ terms }] = await explainer.explain('ultrasonic sensor', [patent]);
 */
export function createExplainer(
  options: Pick<ExplainerOptions, 'analyzer' | 'embedder' | 'lexicon'> & Partial<ExplainerOptions>,
): Explainer {
  const settings: ExplainerOptions = { ...DEFAULT_EXPLAINER_OPTIONS, ...options };
  const { analyzer, embedder, lexicon } = settings;
  const scoreByEmbedding: SentenceScorer | null = embedder ? embeddingScorer(embedder, settings.sentenceCacheBytes) : null;

  return {
    async explain(query, patents, queryVector) {
      if (patents.length === 0) return [];
      const demandTerms = new Set(analyzer.terms(expandQuery(query, lexicon).text));
      const texts = patents.flatMap((patent) => [patent.title, patent.abstract]);
      const words = analyzeWords(analyzer, texts, demandTerms);
      const candidates = patents.map((patent) => candidateSentences(patent.abstract, settings.minSentenceWords));
      const sentenceTexts = patents.map((patent, i) => candidates[i]!.map((span) => patent.abstract.slice(span.start, span.end)));
      const scores = scoreByEmbedding
        ? await scoreByEmbedding(query, sentenceTexts, queryVector)
        : overlapScores(demandTerms, candidates.map((spans, i) => spans.map((span) => termsInSpan(words[2 * i + 1]!, span))));
      return patents.map((patent, i) => ({
        sentences: bestSentences(candidates[i]!, sentenceTexts[i]!, scores[i]!, settings.maxSentences),
        terms: [
          ...termSpans(patent.title, words[2 * i]!, demandTerms, 'title'),
          ...termSpans(patent.abstract, words[2 * i + 1]!, demandTerms, 'abstract'),
        ],
      }));
    },
  };
}

function candidateSentences(abstract: string, minWords: number): TextSpan[] {
  const spans = splitSentences(abstract);
  const long = spans.filter((span) => abstract.slice(span.start, span.end).split(/\s+/u).length >= minWords);
  return long.length > 0 ? long : spans;
}

/** The best sentences, best first (ties in text order): at least one, at most `max` and half of them, none scoring ≤ 0 but the first. */
function bestSentences(spans: readonly TextSpan[], texts: readonly string[], scores: readonly number[], max: number): ExplainedSentence[] {
  const count = Math.min(max, Math.max(1, Math.floor(spans.length / 2)));
  return spans
    .map((span, i) => ({ text: texts[i]!, score: scores[i]!, start: span.start, end: span.end }))
    .sort((a, b) => b.score - a.score || a.start - b.start)
    .slice(0, count)
    .filter((sentence, rank) => rank === 0 || sentence.score > 0);
}
