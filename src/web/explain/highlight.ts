/** A range of a text in UTF-16 code units: `text.slice(start, end)`. */
export interface Span {
  start: number;
  end: number;
}

/** A run of text, marked as a demand term or not. */
export interface HighlightPiece extends Span {
  text: string;
  term: boolean;
}

/** Consecutive pieces inside one of the explanation's sentences, or outside all of them. */
export interface HighlightGroup extends Span {
  sentence: boolean;
  pieces: HighlightPiece[];
}

/**
 * Cuts a text into runs by the explanation's offsets, so the dashboard renders them as text nodes
 * and `<mark>` elements (never as HTML). Ranges outside the text or empty are ignored; overlapping
 * ones are joined.
 *
 * @example
 * highlightGroups('그래핀 전극. 끝.', [{ start: 0, end: 7 }], [{ start: 0, end: 3 }])
 * // [{ sentence: true, start: 0, end: 7, pieces: [{ text: '그래핀', term: true, … }, { text: ' 전극.', term: false, … }] },
 * //  { sentence: false, start: 7, end: 10, pieces: [{ text: ' 끝.', term: false, … }] }]
 */
export function highlightGroups(text: string, sentences: readonly Span[], terms: readonly Span[]): HighlightGroup[] {
  const inText = (span: Span): boolean =>
    Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start < span.end && span.end <= text.length;
  const sentenceSpans = sentences.filter(inText);
  const termSpans = terms.filter(inText);
  const cuts = [...new Set([0, text.length, ...[...sentenceSpans, ...termSpans].flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
  const covers = (spans: readonly Span[], at: number): boolean => spans.some((s) => s.start <= at && at < s.end);
  const groups: HighlightGroup[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [start, end] = [cuts[i]!, cuts[i + 1]!];
    const sentence = covers(sentenceSpans, start);
    const term = covers(termSpans, start);
    let group = groups.at(-1);
    if (!group || group.sentence !== sentence) groups.push((group = { sentence, start, end, pieces: [] }));
    group.end = end;
    const piece = group.pieces.at(-1);
    if (piece && piece.term === term) {
      piece.end = end;
      piece.text = text.slice(piece.start, end);
    } else group.pieces.push({ start, end, term, text: text.slice(start, end) });
  }
  return groups;
}
