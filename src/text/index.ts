/**
 * Text analysis for search: normalisation of raw text and Korean/English term extraction.
 *
 * @example
 * import { createAnalyzer, normalizeText } from './text/index.js';
 * const analyzer = await createAnalyzer();
 * analyzer.terms(normalizeText('<p>딥러닝을 활용한 영상 인식</p>')) // ['딥', '러닝', '활용', '영상', '인식']
 */
export { normalizeText } from './normalize.js';
export { stemPlural, ENGLISH_STOPWORDS } from './english.js';
export {
  createAnalyzer,
  DEFAULT_ANALYZER_OPTIONS,
  type AnalyzerOptions,
  type KoreanAnalyzer,
  type Morpheme,
} from './korean.js';
