import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import initLindera, { TokenizerBuilder, getVersion, type Tokenizer } from 'lindera-wasm';
import { LRUCache } from 'lru-cache';
import { PatmatchError } from '../domain/errors.js';
import { normalizeText } from './normalize.js';
import { ENGLISH_STOPWORDS, stemPlural } from './english.js';

/**
 * One morpheme in text order. `pos` is a ko-dic tag (NNG general noun, NNP proper noun, VV verb,
 * VA adjective, XR root, J* particles, E* endings, X* affixes, MAG adverb …; inflected forms carry
 * joined tags such as `VX+ETM`). Words the dictionary does not know are tagged by their characters:
 * `SL` foreign (Latin, Greek …) word, `SN` number, `SH` hanja, `SW` symbol or emoji, `UNK` unknown
 * Hangul word.
 *
 * @example
 * const morpheme: Morpheme = { surface: '전극', pos: 'NNG' };
 */
export interface Morpheme {
  surface: string;
  pos: string;
}

/**
 * Korean morphological analyser that also handles English and mixed text.
 *
 * @example
 * const analyzer = await createAnalyzer();
 * analyzer.terms('딥러닝을 활용한 영상 인식 (CNN models)') // ['딥', '러닝', '활용', '영상', '인식', 'cnn', 'model']
 */
export interface KoreanAnalyzer {
  /** Identifies the dictionary and options; indexes built with another signature must be rebuilt. */
  readonly signature: string;
  /** Every morpheme of the normalised text except whitespace, in order. */
  morphemes(text: string): Morpheme[];
  /**
   * Search terms in text order (repeats kept, so term frequency survives): content morphemes
   * (`termTags`), lowercased, stems of inflected verbs and adjectives, hanja by Hangul reading,
   * foreign words plural-stemmed; particles, endings, symbols and stopwords dropped. Each term
   * consists of letters, digits and marks only. Each space-separated word is analysed as if spaces
   * stood on both sides of it, whatever its neighbours, so a word always gives the same terms and
   * the terms of frequent words are remembered (`wordCacheSize`).
   */
  terms(text: string): string[];
  /**
   * The terms of each word of normalised text (no spaces inside a word), as `terms` gives them for
   * that word: from the remembered words, the others analysed together in a few lindera calls.
   * Explanations use it to find which words of a patent hold a demand's terms.
   *
   * @example
   * analyzer.termsOfWords(['그래핀을', 'sensors']) // [['그래핀'], ['sensor']]
   */
  termsOfWords(words: readonly string[]): string[][];
}

/**
 * How `createAnalyzer` turns morphemes into terms.
 *
 * @example
 * const options: Partial<AnalyzerOptions> = { termTags: ['NNG', 'NNP', 'SL'], hanjaAsHangul: false };
 */
export interface AnalyzerOptions {
  /** Morpheme tags that become terms. */
  termTags: readonly string[];
  /** Lowercased terms to drop. */
  stopwords: readonly string[];
  /** Reduce English plurals (cells → cell) with Harman's S-stemmer. */
  stemEnglishPlurals: boolean;
  /** Index hanja words by their Hangul reading (電極 → 전극) so Korean queries find them. */
  hanjaAsHangul: boolean;
  /** Besides a dictionary compound (인공지능), also emit its parts (인공, 지능) so spaced spellings match. */
  expandCompounds: boolean;
  /** Longest piece of text handed to lindera in one call; longer text is cut at a space. Bounds wasm memory. */
  chunkChars: number;
  /** Words (of at most 32 characters) whose terms `terms` remembers, least recently used forgotten first; 0 remembers none. */
  wordCacheSize: number;
}

/**
 * Terms = nouns, verb and adjective stems, roots, foreign words, numbers, hanja and unknown Hangul words.
 *
 * @example
 * await createAnalyzer({ termTags: [...DEFAULT_ANALYZER_OPTIONS.termTags, 'MAG'] }); // adverbs too
 */
export const DEFAULT_ANALYZER_OPTIONS: AnalyzerOptions = {
  termTags: ['NNG', 'NNP', 'VV', 'VA', 'XR', 'SL', 'SN', 'SH', 'UNK'],
  stopwords: ENGLISH_STOPWORDS,
  stemEnglishPlurals: true,
  hanjaAsHangul: true,
  expandCompounds: true,
  chunkChars: 2000,
  wordCacheSize: 200_000,
};

/** A token as lindera-wasm's ko-dic tokenizer returns it (dictionary words carry the optional fields). */
interface LinderaToken {
  surface: string;
  partOfSpeechTag: string;
  byteStart: number;
  byteEnd: number;
  /** `Inflect`, `Compound`, `Preanalysis` or `*`. */
  type?: string;
  /** For inflected and compound words: `만들/VV/*+어/EC/*`. */
  expression?: string;
  reading?: string;
}

/** A morpheme with what term extraction needs besides surface and tag. */
interface AnalyzedToken extends Morpheme {
  reading: string | undefined;
  /** Parts of an inflected or compound word, from its ko-dic expression. */
  parts: Morpheme[];
  compound: boolean;
}

const FOREIGN_OR_DIGIT = /^(?:(?![\p{Script=Hangul}\p{Script=Han}])[\p{L}\p{N}\p{M}])+$/u;
const DIGITS = /^\p{N}+$/u;
const HANGUL = /\p{Script=Hangul}/u;
const HAN = /\p{Script=Han}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const NON_TERM_CHARS = /[^\p{L}\p{N}\p{M}]+/u;

let tokenizerLoading: Promise<Tokenizer> | undefined;

/**
 * Loads the ko-dic tokenizer once per process (the 42 MB wasm embeds the dictionary; about 1 s).
 * A failed load is forgotten so the next call retries.
 */
function loadTokenizer(): Promise<Tokenizer> {
  tokenizerLoading ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('lindera-wasm/lindera_wasm_bg.wasm');
    await initLindera({ module_or_path: await readFile(wasmPath) });
    const builder = new TokenizerBuilder();
    builder.setDictionary('embedded://ko-dic');
    builder.setMode('normal');
    return builder.build();
  })().catch((error: unknown) => {
    tokenizerLoading = undefined;
    throw error;
  });
  return tokenizerLoading;
}

/**
 * Creates a Korean/English analyser over lindera-wasm with the embedded ko-dic dictionary.
 * The tokenizer is shared by every analyser in the process; analysers only differ in options.
 *
 * @example
 * const analyzer = await createAnalyzer({ stemEnglishPlurals: false });
 * analyzer.morphemes('전극을') // [{ surface: '전극', pos: 'NNG' }, { surface: '을', pos: 'JKO' }]
 */
export async function createAnalyzer(options: Partial<AnalyzerOptions> = {}): Promise<KoreanAnalyzer> {
  const settings: AnalyzerOptions = { ...DEFAULT_ANALYZER_OPTIONS, ...options };
  if (!Number.isInteger(settings.chunkChars) || settings.chunkChars < 64) {
    throw new PatmatchError('invalid_input', `Analyzer option chunkChars: ${settings.chunkChars} is not an integer ≥ 64`);
  }
  if (!Number.isInteger(settings.wordCacheSize) || settings.wordCacheSize < 0) {
    throw new PatmatchError('invalid_input', `Analyzer option wordCacheSize: ${settings.wordCacheSize} is not an integer ≥ 0`);
  }
  const tokenizer = await loadTokenizer();
  const termTags = new Set(settings.termTags);
  const stopwords = new Set(settings.stopwords);
  const { wordCacheSize: _wordCacheSize, ...termSettings } = settings;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ ...termSettings, termTags: [...termTags].sort(), stopwords: [...stopwords].sort(), analysis: 'per-word' }))
    .digest('hex')
    .slice(0, 12);

  const analyze = (text: string): AnalyzedToken[] =>
    chunks(normalizeText(text), settings.chunkChars).flatMap((chunk) =>
      mergeForeignRuns(tokenizer.tokenize(chunk) as LinderaToken[]),
    );

  const pushTerm = (terms: string[], word: string, pos: string): void => {
    for (const piece of word.toLowerCase().split(NON_TERM_CHARS)) {
      if (piece === '' || stopwords.has(piece)) continue;
      terms.push(pos === 'SL' && settings.stemEnglishPlurals ? stemPlural(piece) : piece);
    }
  };

  const termsOf = (tokens: readonly AnalyzedToken[]): string[] => {
    const terms: string[] = [];
    for (const token of tokens) {
      const keepWhole = token.parts.length === 0 || token.compound;
      if (keepWhole && termTags.has(token.pos)) {
        const hanjaReading = settings.hanjaAsHangul && token.reading && HAN.test(token.surface);
        pushTerm(terms, hanjaReading ? token.reading! : token.surface, token.pos);
      }
      if (token.compound && !settings.expandCompounds) continue;
      for (const part of token.parts) if (termTags.has(part.pos)) pushTerm(terms, part.surface, part.pos);
    }
    return terms;
  };

  /** Terms of each word, the words analysed together in a few lindera calls. */
  const termsOfWords = (words: readonly string[]): string[][] => {
    const short = settings.chunkChars - 2 * WORD_SENTINEL.length;
    const results: string[][] = new Array(words.length);
    let batch: number[] = [];
    let batchChars = 0;
    const flush = (): void => {
      const tokensByWord = analyzeBetweenSpaces(tokenizer, batch.map((i) => words[i]!));
      batch.forEach((wordIndex, position) => (results[wordIndex] = termsOf(tokensByWord[position]!)));
      batch = [];
      batchChars = 0;
    };
    words.forEach((word, i) => {
      if (word.length > short) {
        results[i] = termsOf(analyze(word));
        return;
      }
      if (batchChars + word.length + 1 > short) flush();
      batch.push(i);
      batchChars += word.length + 1;
    });
    if (batch.length > 0) flush();
    return results;
  };

  const cache = settings.wordCacheSize > 0 ? new LRUCache<string, string[]>({ max: settings.wordCacheSize }) : undefined;

  return {
    signature: `lindera-wasm ${getVersion()} ko-dic ${fingerprint}`,
    morphemes: (text) => analyze(text).map(({ surface, pos }) => ({ surface, pos })),
    terms(text) {
      const normalized = normalizeText(text);
      return normalized === '' ? [] : rememberedTermsOfWords(normalized.split(' ')).flat();
    },
    termsOfWords: rememberedTermsOfWords,
  };

  function rememberedTermsOfWords(words: readonly string[]): string[][] {
    const known = new Map<string, string[]>();
    const unknown: string[] = [];
    for (const word of words) {
      if (known.has(word)) continue;
      const remembered = cache?.get(word);
      if (remembered) known.set(word, remembered);
      else {
        known.set(word, []);
        unknown.push(word);
      }
    }
    termsOfWords(unknown).forEach((terms, i) => {
      const word = unknown[i]!;
      known.set(word, terms);
      if (word.length <= CACHED_WORD_CHARS) cache?.set(word, terms);
    });
    return words.map((word) => known.get(word)!);
  }
}

/**
 * Longest word whose terms are remembered. Words of patent text are far shorter; the bound keeps
 * the cache's memory bounded (200,000 words of at most 32 characters) whatever clients send.
 */
const CACHED_WORD_CHARS = 32;

/**
 * Frames words handed to lindera together. ko-dic's lattice is cut at a space only when spaces stand
 * on both sides of a word: at the start or end of a text the costs of joining to BOS/EOS differ
 * (alone, `제품의` splits as `제` + `품의`).
 */
const WORD_SENTINEL = '.';

/**
 * Analyses space-free words in one lindera call, each framed by spaces, and returns the tokens of
 * each word. Tokens are assigned to words by their byte offsets, so the split cannot drift.
 */
function analyzeBetweenSpaces(tokenizer: Tokenizer, words: readonly string[]): AnalyzedToken[][] {
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = Buffer.byteLength(`${WORD_SENTINEL} `);
  for (const word of words) {
    starts.push(offset);
    offset += Buffer.byteLength(word);
    ends.push(offset);
    offset += 1;
  }
  const tokens = tokenizer.tokenize(`${WORD_SENTINEL} ${words.join(' ')} ${WORD_SENTINEL}`) as LinderaToken[];
  const byWord: LinderaToken[][] = words.map(() => []);
  let word = -1;
  for (const token of tokens) {
    while (word + 1 < words.length && token.byteStart >= starts[word + 1]!) word++;
    if (word >= 0 && token.byteStart < ends[word]!) byWord[word]!.push(token);
  }
  return byWord.map(mergeForeignRuns);
}

/** Cuts normalised text (single spaces) into pieces of at most `size` characters, at spaces where possible. */
function chunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    let end = text.lastIndexOf(' ', start + size);
    if (end <= start) {
      end = start + size;
      if (/[\uDC00-\uDFFF]/.test(text[end]!)) end--; // never split a surrogate pair
    }
    pieces.push(text.slice(start, end));
    start = text[end] === ' ' ? end + 1 : end;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

/**
 * Drops whitespace, tags unknown words by their characters and glues adjacent foreign/digit
 * pieces back together (lindera splits `3D` into `3` and `D`).
 */
function mergeForeignRuns(tokens: readonly LinderaToken[]): AnalyzedToken[] {
  const merged: AnalyzedToken[] = [];
  let previousEnd = -1;
  for (const token of tokens) {
    const { surface } = token;
    if (surface.trim() === '') {
      previousEnd = -1;
      continue;
    }
    const last = merged.at(-1);
    if (FOREIGN_OR_DIGIT.test(surface)) {
      if (last && token.byteStart === previousEnd && (last.pos === 'SL' || last.pos === 'SN')) {
        last.surface += surface;
        if (!DIGITS.test(surface)) last.pos = 'SL';
      } else {
        merged.push({ surface, pos: DIGITS.test(surface) ? 'SN' : 'SL', reading: undefined, parts: [], compound: false });
      }
    } else {
      merged.push(dictionaryToken(token));
    }
    previousEnd = token.byteEnd;
  }
  return merged;
}

function dictionaryToken(token: LinderaToken): AnalyzedToken {
  const { surface, partOfSpeechTag, type, expression, reading } = token;
  if (partOfSpeechTag === 'UNK') {
    const pos = HANGUL.test(surface) ? 'UNK' : HAN.test(surface) ? 'SH' : LETTER_OR_DIGIT.test(surface) ? 'SL' : 'SW';
    return { surface, pos, reading: undefined, parts: [], compound: false };
  }
  const decomposed = (type === 'Inflect' || type === 'Compound' || type === 'Preanalysis') && expression;
  const parts = decomposed
    ? expression.split('+').map((part) => {
        const [partSurface = '', pos = ''] = part.split('/');
        return { surface: partSurface, pos };
      })
    : [];
  return { surface, pos: partOfSpeechTag, reading, parts, compound: type === 'Compound' };
}
