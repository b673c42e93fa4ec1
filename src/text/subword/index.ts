/**
 * The tokeniser of patmatch's own static embedding model: a vocabulary of Korean morphemes and
 * English words (learned with lindera ko-dic at training time) matched by greedy longest match,
 * plus hashed character n-grams, so unseen words, English terms and typos still get ids.
 * Inference needs no morphological analyser, which keeps it fast (well over 20,000 titles/s).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { fnv1a } from '../../util/hash.js';
import { englishWordSkeletons, hangulWordSkeletons } from './phonetic.js';

/** What the static embedder needs from a tokeniser: ids of rows to mean-pool. */
export interface SubwordTokenizer {
  encode(text: string): number[];
  readonly vocabSize: number;
}

/** File name of the tokeniser inside a model folder. */
export const SUBWORD_TOKENIZER_FILE = 'patmatch_tokenizer.json';

/** Serialised tokeniser: everything `encode` depends on. */
export interface SubwordSpec {
  type: 'patmatch-subword';
  /** 2 when `phoneticBuckets` is set: a version-1 reader would silently drop those rows. */
  version: 1 | 2;
  /** Morphemes and words; the row of `vocab[i]` is `i`. */
  vocab: string[];
  /** Hash buckets for character n-grams; their rows follow the vocabulary. */
  buckets: number;
  /** Character n-gram lengths for Hangul / other words, with `<` `>` word boundaries counted. */
  hangulNgrams: [number, number];
  latinNgrams: [number, number];
  /**
   * Hash buckets for consonant skeletons shared by English words and their Korean transcriptions
   * (`sensor`, `센서` → `SNS`; see phonetic.ts); their rows follow the n-gram buckets. Absent: none.
   */
  phoneticBuckets?: number;
}

/** Options of `buildSubwordSpec`, merged over `defaultSubwordOptions`. */
export interface SubwordOptions {
  /** Keep a morpheme or word seen at least this many times. */
  minCount: number;
  /** Keep at most this many, most frequent first. */
  maxVocab: number;
  buckets: number;
  hangulNgrams: [number, number];
  latinNgrams: [number, number];
  /** Buckets of English ↔ Korean transcription features (`train --phonetic`); 0 turns them off. */
  phoneticBuckets: number;
}

export const defaultSubwordOptions: SubwordOptions = {
  minCount: 2,
  maxVocab: 60_000,
  buckets: 1 << 16,
  hangulNgrams: [2, 3],
  latinNgrams: [3, 5],
  phoneticBuckets: 0,
};

/** Phonetic buckets `train --phonetic` asks for. */
export const PHONETIC_BUCKETS = 1 << 14;

const WORD = /\p{Script=Hangul}+|\p{Script=Latin}+|\p{N}+|\p{L}+/gu;
const HANGUL = /^\p{Script=Hangul}/u;
const ASCII_WORD = /^[a-z]+$/;
/** Longest vocabulary entry tried by the greedy matcher, in UTF-16 units. */
const MAX_MATCH = 12;

/**
 * NFKC + lower case, then the words (runs of one script) of a text.
 *
 * @example
 * splitWords('3D 그래핀-전극') // ['3', 'd', '그래핀', '전극']
 */
export function splitWords(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/**
 * Builds a vocabulary from morphemes (any analyser: e.g. lindera ko-dic `morphemes(text)`) of the
 * training texts. Only surfaces that occur inside a word are kept, so greedy matching can find them.
 *
 * @example
 * const spec = buildSubwordSpec(texts, (t) => analyzer.morphemes(t).map((m) => m.surface));
 */
export function buildSubwordSpec(
  texts: Iterable<string>,
  morphemes: (text: string) => string[],
  options: Partial<SubwordOptions> = {},
): SubwordSpec {
  const o = { ...defaultSubwordOptions, ...options };
  const counts = new Map<string, number>();
  const add = (unit: string) => counts.set(unit, (counts.get(unit) ?? 0) + 1);
  for (const text of texts) {
    const words = splitWords(text);
    const wordSet = new Set(words);
    for (const word of words) if (!HANGUL.test(word)) add(word);
    for (const surface of morphemes(text)) {
      for (const unit of splitWords(surface)) {
        if (HANGUL.test(unit) && unit.length <= MAX_MATCH && containsIn(wordSet, unit)) add(unit);
      }
    }
  }
  const vocab = [...counts]
    .filter(([, n]) => n >= o.minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, o.maxVocab)
    .map(([unit]) => unit);
  const spec: SubwordSpec = { type: 'patmatch-subword', version: 1, vocab, buckets: o.buckets, hangulNgrams: o.hangulNgrams, latinNgrams: o.latinNgrams };
  return o.phoneticBuckets > 0 ? { ...spec, version: 2, phoneticBuckets: o.phoneticBuckets } : spec;
}

function containsIn(words: Set<string>, unit: string): boolean {
  if (words.has(unit)) return true;
  for (const word of words) if (word.includes(unit)) return true;
  return false;
}

/**
 * A tokeniser from its spec. Ids: vocabulary matches `[0, vocab.length)`, then n-gram buckets,
 * then phonetic buckets.
 *
 * @example
 * const tok = createSubwordTokenizer(spec);
 * tok.encode('그래펜 전극'); // morpheme ids + n-gram bucket ids, never empty for a word
 */
export function createSubwordTokenizer(spec: SubwordSpec): SubwordTokenizer {
  validateSpec(spec);
  const ids = new Map<string, number>();
  spec.vocab.forEach((unit, i) => ids.set(unit, i));
  const base = spec.vocab.length;
  const { buckets } = spec;
  const phoneticBuckets = spec.phoneticBuckets ?? 0;
  const phoneticBase = base + buckets;

  const pushSkeletons = (skeletons: Iterable<string>, out: number[]) => {
    for (const skeleton of new Set(skeletons)) out.push(phoneticBase + (fnv1a(skeleton, 0x2b992ddf) % phoneticBuckets));
  };

  const pushNgrams = (word: string, [min, max]: [number, number], out: number[]) => {
    // "<word>" with boundary markers; FNV-1a extended one char at a time so each n-gram costs O(1).
    const n = word.length + 2;
    const codeAt = (i: number) => (i === 0 ? 0x3c : i === n - 1 ? 0x3e : word.charCodeAt(i - 1));
    for (let start = 0; start < n; start++) {
      let h = 0x811c9dc5;
      for (let len = 1; len <= max && start + len <= n; len++) {
        h = Math.imul(h ^ codeAt(start + len - 1), 0x01000193);
        if (len >= min && !(len === 1 && (start === 0 || start === n - 1))) {
          out.push(base + (Math.imul(h ^ len, 0x01000193) >>> 0) % buckets);
        }
      }
    }
  };

  /** Pushes the ids of the morphemes of a Hangul word; collects the matched morphemes into `matches` when given. */
  const pushMorphemes = (word: string, out: number[], matches: string[] | null) => {
    for (let i = 0; i < word.length; ) {
      let matched = 0;
      for (let len = Math.min(MAX_MATCH, word.length - i); len > 0; len--) {
        const unit = word.slice(i, i + len);
        const id = ids.get(unit);
        if (id !== undefined) {
          out.push(id);
          matched = len;
          matches?.push(unit);
          break;
        }
      }
      i += matched || 1;
    }
  };

  return {
    vocabSize: phoneticBase + phoneticBuckets,
    encode(text) {
      const out: number[] = [];
      if (typeof text !== 'string') return out;
      // Neighbouring English words, whose skeletons are also taken in pairs (dump truck → 덤프트럭).
      let englishRun: string[] = [];
      const flushEnglish = () => {
        if (englishRun.length > 0) pushSkeletons(englishWordSkeletons(englishRun), out);
        englishRun = [];
      };
      for (const word of splitWords(text)) {
        if (HANGUL.test(word)) {
          flushEnglish();
          const morphemes = phoneticBuckets > 0 ? [] : null;
          pushMorphemes(word, out, morphemes);
          pushNgrams(word, spec.hangulNgrams, out);
          if (morphemes) pushSkeletons(hangulWordSkeletons(word, morphemes), out);
        } else {
          const id = ids.get(word);
          if (id !== undefined) out.push(id);
          pushNgrams(word, spec.latinNgrams, out);
          if (phoneticBuckets > 0 && ASCII_WORD.test(word)) englishRun.push(word);
          else flushEnglish();
        }
      }
      flushEnglish();
      return out;
    },
  };
}

function validateSpec(spec: SubwordSpec): void {
  const fail = (reason: string) => {
    throw new PatmatchError('invalid_input', `${SUBWORD_TOKENIZER_FILE}: ${reason}`);
  };
  if (!spec || spec.type !== 'patmatch-subword') fail('type must be "patmatch-subword"');
  if (!Array.isArray(spec.vocab) || spec.vocab.some((u) => typeof u !== 'string')) fail('vocab must be an array of strings');
  if (spec.version !== 1 && spec.version !== 2) fail(`version ${String(spec.version)} is not supported (1 or 2)`);
  if (!Number.isInteger(spec.buckets) || spec.buckets < 1) fail('buckets must be a positive integer');
  const phonetic = spec.phoneticBuckets;
  if (phonetic !== undefined && !(Number.isInteger(phonetic) && phonetic >= 0)) fail('phoneticBuckets must be a non-negative integer');
  if ((phonetic ?? 0) > 0 && spec.version !== 2) fail('phoneticBuckets needs version 2');
  for (const key of ['hangulNgrams', 'latinNgrams'] as const) {
    const range = spec[key];
    if (!Array.isArray(range) || range.length !== 2 || !(range[0] >= 1 && range[1] >= range[0] && range[1] <= 8)) {
      fail(`${key} must be [min, max] with 1 ≤ min ≤ max ≤ 8`);
    }
  }
}

/**
 * Writes the tokeniser into a model folder.
 *
 * @example
 * await saveSubwordTokenizer(modelDir, spec);
 */
export async function saveSubwordTokenizer(dir: string, spec: SubwordSpec): Promise<void> {
  await writeFileAtomic(join(dir, SUBWORD_TOKENIZER_FILE), JSON.stringify(spec));
}

/**
 * Reads `<dir>/patmatch_tokenizer.json`; throws not_found / invalid_input naming the file.
 *
 * @example
 * const tok = await loadSubwordTokenizer('.patmatch/models/default');
 */
export async function loadSubwordTokenizer(dir: string): Promise<SubwordTokenizer> {
  const path = join(dir, SUBWORD_TOKENIZER_FILE);
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch {
    throw new PatmatchError('not_found', `${path}: tokenizer file missing; retrain with \`patmatch train\``);
  }
  let spec: SubwordSpec;
  try {
    spec = JSON.parse(raw) as SubwordSpec;
  } catch (error) {
    throw new PatmatchError('invalid_input', `${path}: not valid JSON (${(error as Error).message})`);
  }
  return createSubwordTokenizer(spec);
}
