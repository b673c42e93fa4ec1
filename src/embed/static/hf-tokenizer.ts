import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { PatmatchError } from '../../domain/errors.js';
import { expectObject, readModelJson, requireModelFile } from '../model-files.js';

/** Turns a text into the matrix rows to pool (the subset of a tokenizer a static model needs). */
export interface TokenEncoder {
  encode(text: string): readonly number[];
  /** Largest token id the tokenizer can produce, plus one. */
  readonly vocabSize: number;
}

/** Options of {@link loadHfTokenEncoder}. */
export interface HfTokenEncoderOptions {
  /** Leave the unknown token out of the ids (model2vec does, so unknown words do not pull vectors together). */
  dropUnknown: boolean;
  /** Keep at most this many ids per text. */
  maxTokens: number;
  /** Memoise per-word ids when the pipeline allows it (see {@link splitsOnSpaces}). */
  wordCache: boolean;
}

const WORD_CACHE_LIMIT = 200_000;

/**
 * Loads `<dir>/tokenizer.json` (plus `tokenizer_config.json` when present) with Hugging Face's
 * tokenizers.js (the tokenizer inside transformers.js, without its 1 s import of ONNX Runtime) and
 * encodes without special tokens ([CLS]/[SEP]), as model2vec and StaticEmbedding do.
 *
 * Tokenising is the cost of a static model, so when the tokenizer's normaliser and pre-tokeniser
 * never look across a space, ids are cached per space-separated word: the ids of a text are then the
 * concatenation of its words' ids, and common words are tokenised once.
 *
 * @example
 * const encoder = await loadHfTokenEncoder('./models/potion', { dropUnknown: true, maxTokens: 512, wordCache: true });
 * encoder.encode('딥러닝 영상 인식') // [4, 5, 6, 7]
 */
export async function loadHfTokenEncoder(dir: string, options: HfTokenEncoderOptions): Promise<TokenEncoder> {
  const path = await requireModelFile(dir, 'tokenizer.json', 'the tokenizer');
  let json: Record<string, unknown>;
  try {
    json = expectObject(JSON.parse(await readFile(path, 'utf8')), path);
  } catch (error) {
    if (error instanceof PatmatchError) throw error;
    throw new PatmatchError('invalid_input', `${path}: not valid JSON (${(error as Error).message})`);
  }
  const config = (await readModelJson(dir, 'tokenizer_config.json')) ?? {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, expectObject(config, join(dir, 'tokenizer_config.json')));
  } catch (error) {
    if (error instanceof PatmatchError) throw error;
    throw new PatmatchError('invalid_input', `${path}: unusable tokenizer (${(error as Error).message})`);
  }
  const vocab = tokenizer.get_vocab();
  let vocabSize = tokenIdSpace(json, path);
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  const unknownToken = (json.model as { unk_token?: unknown } | undefined)?.unk_token;
  const unknownId = options.dropUnknown && typeof unknownToken === 'string' ? vocab.get(unknownToken) : undefined;

  const encodeRaw = (text: string): number[] => {
    const ids: number[] = tokenizer.encode(text, { add_special_tokens: false }).ids;
    return unknownId === undefined ? ids : ids.filter((id) => id !== unknownId);
  };
  if (!options.wordCache || !splitsOnSpaces(json)) {
    return { vocabSize, encode: (text) => encodeRaw(text).slice(0, options.maxTokens) };
  }
  const cache = new Map<string, readonly number[]>();
  return {
    vocabSize,
    encode(text) {
      const ids: number[] = [];
      if (text === '') return ids;
      for (const word of text.split(' ')) {
        let wordIds = cache.get(word);
        if (wordIds === undefined) {
          if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
          wordIds = encodeRaw(word);
          cache.set(word, wordIds);
        }
        for (const id of wordIds) ids.push(id);
        if (ids.length >= options.maxTokens) break;
      }
      return ids.length > options.maxTokens ? ids.slice(0, options.maxTokens) : ids;
    },
  };
}

/**
 * One more than the largest id `tokenizer.json` can give: its model vocabulary (a token → id object,
 * or Unigram's list, where the id is the position) and its added tokens. An id that is not a whole
 * number ≥ 0 is refused: tokenizers.js passes it through, and a fractional one would pool a
 * row that does not exist into NaN.
 */
function tokenIdSpace(json: Record<string, unknown>, path: string): number {
  let size = 0;
  const count = (id: unknown, token: unknown) => {
    if (!Number.isSafeInteger(id) || (id as number) < 0) {
      throw new PatmatchError('invalid_input', `${path}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}; ids must be whole numbers ≥ 0`);
    }
    size = Math.max(size, (id as number) + 1);
  };
  const vocab = (json.model as { vocab?: unknown } | undefined)?.vocab;
  if (Array.isArray(vocab)) size = vocab.length;
  else if (typeof vocab === 'object' && vocab !== null) for (const [token, id] of Object.entries(vocab)) count(id, token);
  const added = Array.isArray(json.added_tokens) ? (json.added_tokens as { id?: unknown; content?: unknown }[]) : [];
  for (const token of added) count(token?.id, token?.content);
  return size;
}

const LOCAL_NORMALIZERS = new Set(['BertNormalizer', 'Lowercase', 'NFC', 'NFD', 'NFKC', 'NFKD', 'StripAccents']);
const SPACE_PRE_TOKENIZERS = new Set(['BertPreTokenizer', 'Whitespace', 'WhitespaceSplit']);
const SPLITTING_PRE_TOKENIZERS = new Set([...SPACE_PRE_TOKENIZERS, 'Punctuation', 'Digits']);

/**
 * Whether encoding a space-joined text equals concatenating the encodings of its words: true when
 * every normaliser step is character-local and the pre-tokeniser splits at spaces (BERT-style
 * WordPiece, the usual model2vec tokenizer). Byte-level BPE and SentencePiece mark word starts, so
 * they are tokenised whole.
 *
 * @example
 * splitsOnSpaces({ normalizer: { type: 'BertNormalizer' }, pre_tokenizer: { type: 'BertPreTokenizer' } }) // true
 */
export function splitsOnSpaces(tokenizerJson: Record<string, unknown>): boolean {
  const types = (step: unknown): string[] => {
    if (step === null || step === undefined) return [];
    const { type, normalizers, pretokenizers } = step as { type?: unknown; normalizers?: unknown; pretokenizers?: unknown };
    const children = (type === 'Sequence' ? (normalizers ?? pretokenizers) : undefined) as unknown[] | undefined;
    return Array.isArray(children) ? children.flatMap(types) : [String(type)];
  };
  const normalizers = types(tokenizerJson.normalizer);
  const preTokenizers = types(tokenizerJson.pre_tokenizer);
  return (
    normalizers.every((type) => LOCAL_NORMALIZERS.has(type)) &&
    preTokenizers.some((type) => SPACE_PRE_TOKENIZERS.has(type)) &&
    preTokenizers.every((type) => SPLITTING_PRE_TOKENIZERS.has(type))
  );
}
