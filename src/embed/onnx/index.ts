import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { PatmatchError } from '../../domain/errors.js';
import { embedInBatches, l2Normalise, resolveBatchSize, resolveThreads } from '../batch.js';
import { modelFingerprint, readModelJson } from '../model-files.js';
import type { EmbedKind, Embedder } from '../types.js';
import { createBatchEncoder, specialTokensAround } from './batch-encoder.js';
import { readSentenceConfig, type PoolingMode, type ReadModelJson, type SentenceConfig } from './sentence-config.js';

/** Options of {@link loadOnnxEmbedder}. */
export interface OnnxEmbedderOptions {
  /** Texts per model run (default 32). */
  batchSize?: number;
  /** ONNX Runtime intra-op threads (default: at most 2, the CI machine's cores). */
  threads?: number;
  /** Which export to run: `onnx/model.onnx` (fp32, default), `model_fp16.onnx` or `model_quantized.onnx` (q8). */
  dtype?: 'fp32' | 'fp16' | 'q8';
  /** Where hub downloads are cached (default: transformers.js's own cache folder). */
  cacheDir?: string;
}

const DTYPE_SUFFIX = { fp32: '', fp16: '_fp16', q8: '_quantized' } as const;
const HUB_ID = /^[\w.-]+\/[\w.-]+$/;

/**
 * Loads a sentence-transformers model exported to ONNX (e.g. by optimum / transformers.js
 * conversion) from a local folder, or from the Hugging Face hub when `source` is a hub id and a
 * network exists. Runs on CPU with onnxruntime-node through transformers.js; pooling, prompts and
 * truncation come from the model's sentence-transformers files (see `readSentenceConfig`).
 *
 * Expected folder: `config.json`, `tokenizer.json` (+ `tokenizer_config.json`),
 * `onnx/model.onnx` (or `model.onnx`), and optionally `modules.json`, `1_Pooling/config.json`,
 * `sentence_bert_config.json`, `config_sentence_transformers.json`.
 *
 * @example
 * const embedder = await loadOnnxEmbedder('./models/multilingual-e5-small');
 * const [query] = await embedder.embed(['딥러닝 영상 인식'], { kind: 'query' }); // embeds "query: 딥러닝 영상 인식"
 */
export async function loadOnnxEmbedder(source: string, options: OnnxEmbedderOptions = {}): Promise<Embedder> {
  const batchSize = resolveBatchSize(options.batchSize, 32);
  const threads = resolveThreads(options.threads);
  const dtype = options.dtype ?? 'fp32';
  if (!Object.hasOwn(DTYPE_SUFFIX, dtype)) throw new PatmatchError('invalid_input', `onnx embedder option dtype: ${dtype} is not fp32, fp16 or q8`);

  const model = await locateModel(source, dtype);
  const config = await readSentenceConfig(model.readJson, model.name);
  const cannotLoad = (error: unknown) => new PatmatchError('invalid_input', `onnx model ${model.path}: cannot be loaded (${(error as Error).message})`);
  const hub = { local_files_only: model.local, ...(options.cacheDir ? { cache_dir: options.cacheDir } : {}) };
  let tokenizer: PreTrainedTokenizer;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(model.path, hub);
  } catch (error) {
    throw cannotLoad(error);
  }
  const encode = createBatchEncoder(tokenizer, truncationLength(tokenizer, config, model.path));
  let network: PreTrainedModel;
  try {
    network = await AutoModel.from_pretrained(model.path, {
      ...hub,
      subfolder: model.subfolder,
      dtype,
      device: 'cpu',
      session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
    });
  } catch (error) {
    throw cannotLoad(error);
  }
  const embedBatch = async (texts: string[]): Promise<Float32Array[]> => {
    const inputs = encode(texts);
    const outputs = (await network(inputs)) as Record<string, Tensor | undefined>;
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings;
    if (hidden?.dims.length !== 3) {
      throw new PatmatchError('invalid_input', `onnx model ${model.path}: no [batch, tokens, dim] output (last_hidden_state or token_embeddings)`);
    }
    return poolTokens(hidden, inputs.attention_mask!, config.pooling);
  };
  // The dimension is what the network produces; one tiny run finds it without trusting config files.
  const dimension = await embedBatch(['']).then(
    ([vector]) => vector!.length,
    async (error: unknown) => {
      await network.dispose();
      throw error;
    },
  );

  return {
    id: model.id,
    dimension,
    embed: (texts, embedOptions) => {
      const prompt = config.prompts[embedOptions?.kind] ?? '';
      return embedInBatches(texts, embedOptions, { batchSize, byLength: true }, (batch) =>
        embedBatch(batch.map((text) => prompt + text)),
      );
    },
    close: async () => {
      await network.dispose();
    },
  };
}

/**
 * Tokens per text: `max_seq_length`, capped by the tokenizer's `model_max_length`. Either must leave
 * room for the special tokens, the longer prompt and at least one token of the text; below that
 * every text would embed to the same vector, which searches would return without any error.
 */
function truncationLength(tokenizer: PreTrainedTokenizer, config: SentenceConfig, where: string): number {
  const { opening, closing } = specialTokensAround(tokenizer);
  const prompt = (kind: EmbedKind) => tokenizer.encode(config.prompts[kind], { add_special_tokens: false }).length;
  const promptTokens = Math.max(prompt('query'), prompt('passage'));
  const least = opening + closing + promptTokens + 1;
  const limits: [string, number | undefined][] = [
    ['sentence_bert_config.json max_seq_length', config.maxSeqLength],
    ['tokenizer_config.json model_max_length', tokenizer.model_max_length],
  ];
  for (const [field, limit] of limits) {
    if (limit !== undefined && limit < least) {
      throw new PatmatchError(
        'invalid_input',
        `onnx model ${where}: ${field} is ${limit}, which leaves no token of the text: the tokenizer adds ${opening + closing} special tokens` +
          `${promptTokens > 0 ? ` and the longer prompt takes ${promptTokens}` : ''}, so it must be at least ${least}`,
      );
    }
  }
  return Math.min(config.maxSeqLength ?? Number.POSITIVE_INFINITY, tokenizer.model_max_length ?? Number.POSITIVE_INFINITY);
}

/** A model's location as transformers.js wants it, plus how to read its sentence-transformers files. */
interface LocatedModel {
  path: string;
  subfolder: string;
  local: boolean;
  name: string;
  id: string;
  readJson: ReadModelJson;
}

async function locateModel(source: string, dtype: keyof typeof DTYPE_SUFFIX): Promise<LocatedModel> {
  const dir = resolve(source);
  if ((await stat(dir).catch(() => undefined))?.isDirectory()) {
    const onnxFile = `model${DTYPE_SUFFIX[dtype]}.onnx`;
    const candidates = [join('onnx', onnxFile), onnxFile];
    const found = await firstExisting(dir, candidates);
    if (found === undefined) {
      throw new PatmatchError('not_found', `model folder ${dir}: missing ${candidates.join(' or ')} (the ONNX export)`, { dir });
    }
    for (const file of ['config.json', 'tokenizer.json']) {
      if ((await firstExisting(dir, [file])) === undefined) {
        throw new PatmatchError('not_found', `model folder ${dir}: missing ${file}`, { dir, file });
      }
    }
    const described = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'modules.json', 'sentence_bert_config.json', 'config_sentence_transformers.json'];
    const fingerprinted = (await Promise.all(described.map((file) => firstExisting(dir, [file])))).filter((file) => file !== undefined);
    return {
      path: dir,
      subfolder: found.startsWith('onnx') ? 'onnx' : '',
      local: true,
      name: basename(dir),
      id: await modelFingerprint('onnx', basename(dir), [...fingerprinted.map((file) => join(dir, file)), join(dir, found)]),
      readJson: (file) => readModelJson(dir, file),
    };
  }
  if (!HUB_ID.test(source)) {
    throw new PatmatchError('not_found', `onnx model ${source}: no such folder, and not a hub id like intfloat/multilingual-e5-small`);
  }
  const files = new Map<string, string | undefined>();
  const readJson: ReadModelJson = async (file) => {
    if (!files.has(file)) files.set(file, await fetchHubText(source, file));
    const text = files.get(file);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  };
  await readJson('config.json');
  // A hub model is identified by its configuration; the weights behind a revision are immutable.
  const hash = createHash('sha256').update(files.get('config.json') ?? '').digest('hex').slice(0, 12);
  return { path: source, subfolder: 'onnx', local: false, name: source, id: `onnx:${source}@${hash}`, readJson };
}

async function firstExisting(dir: string, files: readonly string[]): Promise<string | undefined> {
  for (const file of files) {
    if ((await stat(join(dir, file)).catch(() => undefined))?.isFile()) return file;
  }
  return undefined;
}

async function fetchHubText(repo: string, file: string): Promise<string | undefined> {
  const url = `${env.remoteHost}${env.remotePathTemplate.replaceAll('{model}', repo).replaceAll('{revision}', 'main')}${file}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new PatmatchError('not_ready', `onnx model ${repo}: the hub is unreachable (${(error as Error).message}); use a local folder`);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new PatmatchError('not_found', `onnx model ${repo}: ${file} gave HTTP ${response.status}`);
  return response.text();
}

/**
 * One vector per text from token vectors [batch, tokens, dim], looking only at tokens whose
 * attention mask is 1 (padding never counts), then L2-normalised.
 *
 * @example
 * const vectors = poolTokens(outputs.last_hidden_state, inputs.attention_mask, 'mean');
 */
export function poolTokens(hidden: Tensor, attentionMask: Tensor, mode: PoolingMode): Float32Array[] {
  const [batch, tokens, dim] = hidden.dims as [number, number, number];
  const values = hidden.data as Float32Array;
  const mask = attentionMask.data as ArrayLike<bigint | number>;
  const vectors: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const vector = new Float32Array(dim).fill(mode === 'max' ? Number.NEGATIVE_INFINITY : 0);
    const kept: number[] = [];
    for (let t = 0; t < tokens; t++) if (Number(mask[b * tokens + t]) === 1) kept.push(t);
    const chosen = mode === 'cls' ? kept.slice(0, 1) : mode === 'lasttoken' ? kept.slice(-1) : kept;
    for (const t of chosen) {
      const offset = (b * tokens + t) * dim;
      for (let d = 0; d < dim; d++) {
        vector[d] = mode === 'max' ? Math.max(vector[d]!, values[offset + d]!) : vector[d]! + values[offset + d]!;
      }
    }
    if (chosen.length === 0) vector.fill(0);
    vectors.push(l2Normalise(vector));
  }
  return vectors;
}
