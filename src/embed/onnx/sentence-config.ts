import { posix } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import type { EmbedKind } from '../types.js';

/** How token vectors become one text vector (sentence-transformers Pooling modes we support). */
export type PoolingMode = 'mean' | 'cls' | 'max' | 'lasttoken';

/** What a sentence-transformers folder says about turning token outputs into a sentence vector. */
export interface SentenceConfig {
  pooling: PoolingMode;
  /** Tokens per text after truncation (`sentence_bert_config.json` max_seq_length), if set. */
  maxSeqLength?: number;
  /** Text put before a query / passage (e5-style `query: `), empty when the model wants none. */
  prompts: Record<EmbedKind, string>;
}

/** Reads one JSON file of the model (local folder or hub); `undefined` when the file does not exist. */
export type ReadModelJson = (file: string) => Promise<unknown>;

const NO_PROMPTS: Record<EmbedKind, string> = { query: '', passage: '' };
const E5_PROMPTS: Record<EmbedKind, string> = { query: 'query: ', passage: 'passage: ' };

/**
 * Reads `modules.json`, the Pooling module's `config.json`, `sentence_bert_config.json` and
 * `config_sentence_transformers.json`. Without `modules.json`, mean pooling is assumed (as
 * sentence-transformers does for a plain transformer). Output vectors are always L2-normalised (the
 * Embedder contract), so a `Normalize` module changes nothing; modules that would change the vector
 * otherwise (Dense, …) are refused rather than silently skipped.
 *
 * @example
 * const config = await readSentenceConfig((file) => readModelJson(dir, file), 'multilingual-e5-small');
 * // { pooling: 'mean', maxSeqLength: 512, prompts: { query: 'query: ', passage: 'passage: ' } }
 */
export async function readSentenceConfig(read: ReadModelJson, modelName: string): Promise<SentenceConfig> {
  const config: SentenceConfig = { pooling: 'mean', prompts: await readPrompts(read, modelName) };
  const modules = await read('modules.json');
  if (modules !== undefined) {
    if (!Array.isArray(modules)) throw invalid('modules.json', 'expected a JSON array');
    for (const module of modules as { type?: unknown; path?: unknown }[]) {
      const type = String(module?.type ?? '').split('.').pop();
      if (type === 'Pooling') config.pooling = await readPooling(read, poolingConfigFile(module.path));
      else if (type !== 'Transformer' && type !== 'Normalize') {
        throw invalid('modules.json', `module ${String(module?.type)} is not supported (only Transformer, Pooling, Normalize)`);
      }
    }
  }
  const bert = await read('sentence_bert_config.json');
  if (bert !== undefined) {
    if (bert === null || typeof bert !== 'object' || Array.isArray(bert)) throw invalid('sentence_bert_config.json', 'expected a JSON object');
    const max = (bert as { max_seq_length?: unknown }).max_seq_length;
    if (max !== undefined && max !== null) {
      if (!Number.isInteger(max) || (max as number) < 1) throw invalid('sentence_bert_config.json', `max_seq_length ${String(max)} is not a positive integer`);
      config.maxSeqLength = max as number;
    }
  }
  return config;
}

async function readPooling(read: ReadModelJson, file: string): Promise<PoolingMode> {
  const found = await read(file);
  // modules.json declares a Pooling module: without its config the pooling mode is unknown, and
  // guessing mean for a CLS model gives plausible but wrong vectors.
  if (found === undefined) throw invalid(file, 'is missing, but modules.json declares a Pooling module');
  if (found === null || typeof found !== 'object' || Array.isArray(found)) throw invalid(file, 'expected a JSON object');
  const pooling = found as Record<string, unknown>;
  if (pooling.include_prompt === false) throw invalid(file, 'include_prompt=false is not supported');
  const modes: [string, PoolingMode][] = [
    ['pooling_mode_mean_tokens', 'mean'],
    // Dividing by sqrt(length) only rescales the mean, which normalisation undoes.
    ['pooling_mode_mean_sqrt_len_tokens', 'mean'],
    ['pooling_mode_cls_token', 'cls'],
    ['pooling_mode_max_tokens', 'max'],
    ['pooling_mode_lasttoken', 'lasttoken'],
  ];
  if (pooling.pooling_mode_weightedmean_tokens === true) throw invalid(file, 'weighted-mean pooling is not supported');
  const enabled = [...new Set(modes.filter(([key]) => pooling[key] === true).map(([, mode]) => mode))];
  if (enabled.length > 1) throw invalid(file, `several pooling modes (${enabled.join(', ')}) would be concatenated; not supported`);
  return enabled[0] ?? 'mean';
}

/** The prompts dict when present, else e5's `query: `/`passage: ` when the model name says e5. */
async function readPrompts(read: ReadModelJson, modelName: string): Promise<Record<EmbedKind, string>> {
  const settings = (await read('config_sentence_transformers.json')) as { prompts?: unknown } | undefined;
  const prompts = settings?.prompts;
  if (prompts !== undefined && prompts !== null) {
    if (typeof prompts !== 'object' || Array.isArray(prompts)) throw invalid('config_sentence_transformers.json', 'prompts must be an object');
    const dict = prompts as Record<string, unknown>;
    const pick = (...names: string[]): string => {
      const value = names.map((name) => dict[name]).find((entry) => entry !== undefined);
      if (value !== undefined && typeof value !== 'string') throw invalid('config_sentence_transformers.json', `prompt ${names[0]} must be a string`);
      return value ?? '';
    };
    if (Object.keys(dict).length > 0) return { query: pick('query'), passage: pick('passage', 'document') };
  }
  return /(^|[^a-z0-9])e5([^a-z0-9]|$)/i.test(modelName) ? E5_PROMPTS : NO_PROMPTS;
}

function invalid(file: string, reason: string): PatmatchError {
  return new PatmatchError('invalid_input', `onnx model ${file}: ${reason}`);
}

function poolingConfigFile(path: unknown): string {
  const file = posix.normalize(posix.join(typeof path === 'string' ? path : '', 'config.json'));
  if (file.startsWith('../') || posix.isAbsolute(file)) throw invalid('modules.json', `Pooling path ${String(path)} leaves the model folder`);
  return file;
}
