/** A piece of a text by UTF-16 offsets: `text.slice(start, end)`. */
export interface TextSpan {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter('ko', { granularity: 'sentence' });

const LETTER = /\p{L}/u;
const WHITESPACE_END = /\s$/u;
/** A Korean sentence ending (`…있다.`), a boundary even when the space after it is missing (`있다.또한`). */
const HANGUL_SENTENCE_END = /\p{Script=Hangul}[.?!]$/u;
/** A short Latin abbreviation at the end (`Fig.`, `No.`) … */
const LATIN_ABBREVIATION_END = /(?:^|[^\p{L}])\p{Script=Latin}{1,4}\.$/u;
/** … followed by what continues a sentence (`Fig. 1에 나타낸다`). */
const CONTINUATION_START = /^[\p{Nd}\p{Ll}]/u;

/**
 * Splits a text into sentences with `Intl.Segmenter` (locale `ko`), then joins back what ICU
 * splits wrongly in Korean patent abstracts. Spans are trimmed of surrounding whitespace, in text
 * order, and cover every non-space character. A boundary is dropped when
 * - an opening bracket before it is still open (`…(` | `이하생략)`);
 * - no space follows it (`(Sulfolobus sp.)` | `에서 유래된`, `3.5 wt.` | `%`), unless it follows
 *   Hangul and `.`, `?` or `!` (`…이점이 있다.` | `또한, …`: a space missing after a sentence);
 * - the piece before it has no letter (the list numbers `1.` | `기술분야 …`, `...`), or the last
 *   piece has none (a stray `\\` at the end);
 * - it follows a short Latin abbreviation and the next piece starts with a digit or a lowercase
 *   letter (`Fig.` | `1에 나타낸다`).
 *
 * @example
 * splitSentences('본 발명은 Fig. 1에 나타낸다. 두께는 1.5 mm이다.') // [{ start: 0, end: 19 }, { start: 20, end: 33 }]
 */
export function splitSentences(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let start = -1;
  let end = 0;
  let pending = '';
  for (const { segment, index } of segmenter.segment(text)) {
    if (start >= 0 && !endsSentence(pending, segment)) {
      pending += segment;
      end = index + segment.length;
      continue;
    }
    if (start >= 0) spans.push(trimmed(text, start, end));
    start = index;
    end = index + segment.length;
    pending = segment;
  }
  if (start >= 0) spans.push(trimmed(text, start, end));
  const sentences = spans.filter((span) => span.end > span.start);
  // A last piece without letters (a stray `\\` or `)`) belongs to the sentence before it.
  const last = sentences.at(-1);
  if (sentences.length > 1 && !LETTER.test(text.slice(last!.start, last!.end))) sentences.splice(-2, 2, { start: sentences.at(-2)!.start, end: last!.end });
  return sentences;
}

/** Whether ICU's boundary between `before` (the sentence so far) and `next` is a real one. */
function endsSentence(before: string, next: string): boolean {
  if (!WHITESPACE_END.test(before) && !HANGUL_SENTENCE_END.test(before)) return false;
  const sentence = before.trimEnd();
  if (!LETTER.test(sentence)) return false;
  if (unclosedBrackets(sentence)) return false;
  return !(LATIN_ABBREVIATION_END.test(sentence) && CONTINUATION_START.test(next));
}

function unclosedBrackets(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(' || char === '[') depth++;
    else if ((char === ')' || char === ']') && depth > 0) depth--;
  }
  return depth > 0;
}

function trimmed(text: string, start: number, end: number): TextSpan {
  while (start < end && /\s/u.test(text[start]!)) start++;
  while (end > start && /\s/u.test(text[end - 1]!)) end--;
  return { start, end };
}
