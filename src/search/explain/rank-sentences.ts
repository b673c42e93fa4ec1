import { LRUCache } from 'lru-cache';
import type { Embedder } from '../../embed/types.js';
import type { AnalyzedWord } from './terms.js';
import type { TextSpan } from './sentences.js';

/** Scores the candidate sentences of several abstracts against one demand (its vector given or embedded); one array of scores per abstract. */
export type SentenceScorer = (query: string, sentences: readonly (readonly string[])[], queryVector?: Float32Array) => Promise<number[][]>;

/**
 * Cosine of the demand's vector and each sentence's vector, by the engine's embedder. Sentence
 * vectors are remembered (least recently used forgotten first, up to `cacheBytes`), since the same
 * patents come back for related demands and on the pages of one.
 *
 * @example
 * const score = embeddingScorer(embedder, 16 << 20);
 * await score('그래핀 전극', [['그래핀 전극을 제조한다.', '전지를 제공한다.']]) // [[0.62, 0.31]]
 */
export function embeddingScorer(embedder: Embedder, cacheBytes: number): SentenceScorer {
  const vectors = new LRUCache<string, Float32Array>({
    maxSize: Math.max(1, cacheBytes),
    sizeCalculation: (vector, text) => vector.byteLength + text.length * 2,
  });
  return async (query, sentences, given) => {
    const missing = [...new Set(sentences.flat().filter((text) => !vectors.has(text)))];
    const [[queryVector], embedded] = await Promise.all([
      given ? [given] : embedder.embed([query], { kind: 'query' }),
      missing.length > 0 ? embedder.embed(missing, { kind: 'passage' }) : Promise.resolve([]),
    ]);
    const fresh = new Map(missing.map((text, i) => [text, embedded[i]!]));
    for (const [text, vector] of fresh) vectors.set(text, vector);
    return sentences.map((texts) => texts.map((text) => round(dot(queryVector!, fresh.get(text) ?? vectors.get(text)!))));
  };
}

const K1 = 1.2;
const B = 0.75;

/** The demand terms a sentence holds (repeats kept) and its length in words. */
export interface SentenceTerms {
  terms: readonly string[];
  words: number;
}

/**
 * Without a model: BM25 of each sentence for the demand's terms, over the sentences given as the
 * collection (the candidate sentences of the page's abstracts), divided by its bound (every term
 * weighted k1 + 1, as if repeated without end), so it lies in [0, 1).
 *
 * @example
 * overlapScores(new Set(['그래핀']), [[{ terms: ['그래핀'], words: 2 }, { terms: [], words: 1 }]]) // [[0.4, 0]]
 */
export function overlapScores(demandTerms: ReadonlySet<string>, sentences: readonly (readonly SentenceTerms[])[]): number[][] {
  const all = sentences.flat();
  const averageLength = all.reduce((sum, sentence) => sum + sentence.words, 0) / Math.max(1, all.length);
  const idf = new Map<string, number>();
  for (const term of demandTerms) {
    const holding = all.filter((sentence) => sentence.terms.includes(term)).length;
    idf.set(term, Math.log(1 + (all.length - holding + 0.5) / (holding + 0.5)));
  }
  const best = [...idf.values()].reduce((sum, weight) => sum + weight * (K1 + 1), 0);
  return sentences.map((ofAbstract) =>
    ofAbstract.map(({ terms, words }) => {
      if (best === 0) return 0;
      const norm = K1 * (1 - B + (B * words) / Math.max(averageLength, 1e-9));
      let score = 0;
      for (const [term, weight] of idf) {
        const frequency = terms.filter((t) => t === term).length;
        if (frequency > 0) score += (weight * frequency * (K1 + 1)) / (frequency + norm);
      }
      return round(score / best);
    }),
  );
}

/**
 * The analysed terms and the word count of the words inside a span.
 *
 * @example
 * termsInSpan(analyzeWords(analyzer, [text], demandTerms)[0], { start: 0, end: 20 }) // { terms: ['그래핀'], words: 5 }
 */
export function termsInSpan(words: readonly AnalyzedWord[], span: TextSpan): SentenceTerms {
  const inside = words.filter((word) => word.start >= span.start && word.end <= span.end);
  return { terms: inside.flatMap((word) => word.terms), words: inside.length };
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
