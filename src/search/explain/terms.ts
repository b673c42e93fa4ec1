import type { ExplainedTerm } from '../../domain/index.js';
import type { KoreanAnalyzer } from '../../text/index.js';
import { normalizeText } from '../../text/index.js';

/** A space-free word of a stored text, its UTF-16 span and the analyser's terms of it. */
export interface AnalyzedWord {
  start: number;
  end: number;
  terms: string[];
}

const WORD = /\S+/gu;
/** Hangul and printable ASCII without markup or entities: `normalizeText` leaves such a word as it is. */
const PLAIN_WORD = /^[\p{Script=Hangul}\x21-\x25\x27-\x3b\x3d-\x7e]+$/u;
const HAN = /\p{Script=Han}/u;
const LATIN_TERM = /^\p{Script=Latin}/u;
const LATIN_LETTERS = /^\p{Script=Latin}*/u;
const TERM_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * The words of each text, with the analyser's terms of those that may hold a demand term: a word
 * is analysed only when its normalised, lowercased form contains one of the terms as a substring
 * or holds hanja (read in Hangul by the analyser); the others get no terms. Analysing every word of
 * a page would cost more than the rest of the explanation (lindera for each word not yet
 * remembered). Each word is normalised alone (the stored text already is, so offsets stay those of
 * the stored text), and the candidates of all texts go to the analyser in one call.
 *
 * @example
 * analyzeWords(analyzer, ['그래핀 전극의 제조방법'], new Set(['전극']))
 * // [[{ start: 0, end: 3, terms: [] }, { start: 4, end: 7, terms: ['전극'] }, { start: 8, end: 12, terms: [] }]]
 */
export function analyzeWords(analyzer: KoreanAnalyzer, texts: readonly string[], demandTerms: ReadonlySet<string>): AnalyzedWord[][] {
  const terms = [...demandTerms];
  const words = texts.map((text) =>
    [...text.matchAll(WORD)].map((m) => {
      const normal = PLAIN_WORD.test(m[0]) ? m[0] : normalizeText(m[0]);
      const lower = normal.toLowerCase();
      const candidate = HAN.test(normal) || terms.some((term) => lower.includes(term));
      return { start: m.index, end: m.index + m[0].length, pieces: candidate ? normal.split(' ').filter(Boolean) : [] };
    }),
  );
  const termsOfPieces = analyzer.termsOfWords(words.flat().flatMap((word) => word.pieces));
  let at = 0;
  return words.map((ofText) =>
    ofText.map(({ start, end, pieces }) => ({ start, end, terms: pieces.flatMap(() => termsOfPieces[at++]!) })),
  );
}

/**
 * Where the demand's terms stand in a text: for each word holding one, the term's surface in it
 * (an English term with the rest of its word: `sensor` marks `sensors`), or the whole word without
 * surrounding symbols when the surface differs from the term (a hanja word read in Hangul, an
 * inflected verb). Spans inside another span are left out, so `인공지능` is marked once, not also
 * as `인공` and `지능`.
 *
 * @example
 * termSpans('그래핀 sensors', analyzeWords(analyzer, ['그래핀 sensors'], demandTerms)[0], demandTerms, 'abstract') // demandTerms = new Set(['sensor'])
 * // [{ term: 'sensor', field: 'abstract', start: 4, end: 11 }]
 */
export function termSpans(
  text: string,
  words: readonly AnalyzedWord[],
  demandTerms: ReadonlySet<string>,
  field: ExplainedTerm['field'],
): ExplainedTerm[] {
  const found: ExplainedTerm[] = [];
  for (const word of words) {
    for (const term of new Set(word.terms)) {
      if (demandTerms.has(term)) found.push({ term, field, ...surfaceOf(text.slice(word.start, word.end), term, word.start) });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  let reached = -1;
  return found.filter((span) => {
    if (span.end <= reached) return false;
    reached = span.end;
    return true;
  });
}

function surfaceOf(word: string, term: string, offset: number): { start: number; end: number } {
  const lower = word.toLowerCase();
  const at = lower.length === word.length ? lower.indexOf(term) : -1;
  if (at >= 0) {
    const rest = LATIN_TERM.test(term) ? LATIN_LETTERS.exec(word.slice(at + term.length))![0].length : 0;
    return { start: offset + at, end: offset + at + term.length + rest };
  }
  let start = 0;
  let end = word.length;
  while (start < end && !TERM_CHAR.test(word[start]!)) start++;
  while (end > start && !TERM_CHAR.test(word[end - 1]!)) end--;
  return { start: offset + start, end: offset + end };
}
