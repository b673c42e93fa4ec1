import { stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import { embedInBatches, resolveBatchSize, resolveThreads } from '../batch.js';
import { expectObject, modelFingerprint, readModelJson, requireModelFile } from '../model-files.js';
import type { Embedder } from '../types.js';
import type { TokenEncoder } from './hf-tokenizer.js';
import { loadTokenEncoder, textPooler, type EncoderSpec, type StaticWeights } from './pooling.js';
import { SafetensorsFile, tensorToFloat32, tensorToInt32 } from './safetensors.js';
import { StaticWorkerPool } from './worker-pool.js';
import { SUBWORD_TOKENIZER_FILE } from '../../text/subword/index.js';

/** Options of {@link loadStaticEmbedder}. */
export interface StaticEmbedderOptions {
  /** Texts per batch between progress reports (default 1024). */
  batchSize?: number;
  /** Worker threads for calls of 4096+ texts (default: at most 2); 1 embeds on the calling thread only. */
  threads?: number;
}

/** model2vec truncates texts to this many tokens by default; we do the same for its layout. */
const MODEL2VEC_MAX_TOKENS = 512;
const SUBWORD_TOKENIZER = 'patmatch-subword';
/**
 * Calls with fewer texts (queries, demands, a small ingest) are embedded on the calling thread:
 * starting workers (loading the tokenizer, warming their word caches) costs more than it saves.
 */
const PARALLEL_MIN_TEXTS = 4096;

/**
 * Loads a static token-embedding model: the vector of a text is the mean of its tokens' rows,
 * L2-normalised. A text without any known token gets the zero vector (cosine 0 with everything).
 *
 * Two folder layouts are read:
 * - model2vec: `config.json`, `tokenizer.json`, `model.safetensors` with tensor `embeddings`
 *   [vocab, dim] (F32/F16/BF16), optional `weights` and `mapping` (vocabulary quantisation). As in
 *   model2vec, the unknown token is dropped and texts are cut at 512 tokens.
 * - sentence-transformers StaticEmbedding: `modules.json` pointing at e.g. `0_StaticEmbedding/` with
 *   `tokenizer.json` and `model.safetensors` key `embedding.weight`; every token counts.
 *
 * With `"tokenizer": "patmatch-subword"` in `config.json`, patmatch's own subword tokenizer is used
 * instead of `tokenizer.json`. Special tokens ([CLS]/[SEP]) are never added.
 *
 * @example
 * const embedder = await loadStaticEmbedder('.patmatch/models/default');
 * const [vector] = await embedder.embed(['딥러닝 영상 인식'], { kind: 'query' });
 */
export async function loadStaticEmbedder(dir: string, options: StaticEmbedderOptions = {}): Promise<Embedder> {
  const root = resolve(dir);
  const batchSize = resolveBatchSize(options.batchSize, 1024);
  const threads = resolveThreads(options.threads);
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) {
    throw new PatmatchError('not_found', `static model folder ${root} does not exist`);
  }
  const moduleDir = await staticModuleDir(root);
  const weightsPath = await requireModelFile(moduleDir, 'model.safetensors', 'the embedding matrix');
  const config = expectObject((await readModelJson(root, 'config.json')) ?? {}, join(root, 'config.json'));
  const subword = config.tokenizer === SUBWORD_TOKENIZER;
  const tokenizerPath = join(moduleDir, subword ? SUBWORD_TOKENIZER_FILE : 'tokenizer.json');
  const file = await SafetensorsFile.open(weightsPath);
  let encoderSpec: EncoderSpec;
  let encoder: TokenEncoder;
  let weights: StaticWeights;
  try {
    const matrixName = file.tensors.has('embeddings') ? 'embeddings' : 'embedding.weight';
    if (file.tensors.get(matrixName)?.shape.length !== 2) {
      throw new PatmatchError(
        'invalid_input',
        `${weightsPath}: needs a 2-D tensor "embeddings" (model2vec) or "embedding.weight" (sentence-transformers); found ${[...file.tensors.keys()].join(', ') || 'none'}`,
      );
    }
    const isModel2Vec = matrixName === 'embeddings';
    encoderSpec = subword
      ? { kind: 'patmatch-subword', dir: moduleDir }
      : {
          kind: 'hf',
          dir: moduleDir,
          options: { dropUnknown: isModel2Vec, maxTokens: isModel2Vec ? MODEL2VEC_MAX_TOKENS : Number.POSITIVE_INFINITY, wordCache: true },
        };
    encoder = await loadTokenEncoder(encoderSpec);
    weights = await readWeights(file, matrixName, { vocabSize: encoder.vocabSize, subword, tokenizerPath });
  } finally {
    await file.close();
  }
  const embedText = textPooler(encoder, weights);
  const workers = threads > 1 ? new StaticWorkerPool(threads, { encoder: encoderSpec, weights }) : undefined;

  const fingerprinted = [weightsPath, tokenizerPath];
  if (Object.keys(config).length > 0) fingerprinted.unshift(join(root, 'config.json'));
  const id = await modelFingerprint('static', basename(root), fingerprinted);

  return {
    id,
    dimension: weights.dimension,
    embed: (texts, embedOptions) => {
      const parallel = workers && texts.length >= PARALLEL_MIN_TEXTS ? workers : undefined;
      return embedInBatches(texts, embedOptions, { batchSize }, (batch) => (parallel ? parallel.embed(batch) : batch.map(embedText)));
    },
    close: async () => {
      await workers?.close();
    },
  };
}

/** The folder holding tokenizer and weights: the StaticEmbedding module of `modules.json`, else the root. */
async function staticModuleDir(root: string): Promise<string> {
  const modules = await readModelJson(root, 'modules.json');
  if (modules === undefined) return root;
  if (!Array.isArray(modules)) throw new PatmatchError('invalid_input', `${join(root, 'modules.json')}: expected a JSON array`);
  const module = modules.find((entry: { type?: unknown }) => String(entry?.type ?? '').endsWith('StaticEmbedding')) as
    | { path?: unknown }
    | undefined;
  if (module === undefined) {
    throw new PatmatchError('invalid_input', `${join(root, 'modules.json')}: no StaticEmbedding module; is this an onnx: model?`);
  }
  const path = typeof module.path === 'string' ? module.path : '';
  const moduleDir = resolve(root, path);
  if (moduleDir !== root && !moduleDir.startsWith(root + sep)) {
    throw new PatmatchError('invalid_input', `${join(root, 'modules.json')}: module path ${path} leaves the model folder`);
  }
  return moduleDir;
}

/**
 * Reads the matrix (converted chunk by chunk straight into shared memory, so loading takes about
 * the final table and never a copy of the whole file) and the optional `mapping` and `weights`,
 * after checking that every id the tokenizer can give has a row.
 */
async function readWeights(
  file: SafetensorsFile,
  matrixName: string,
  tokenizer: { vocabSize: number; subword: boolean; tokenizerPath: string },
): Promise<StaticWeights> {
  const { vocabSize, subword, tokenizerPath } = tokenizer;
  const [rows, dimension] = file.tensors.get(matrixName)!.shape as [number, number];
  const fail = (reason: string): never => {
    throw new PatmatchError('invalid_input', `${file.path}: ${reason}`);
  };
  const rowOf = file.tensors.has('mapping') ? shared(tensorToInt32(await file.read('mapping'))) : undefined;
  const weightOf = file.tensors.has('weights') ? shared(tensorToFloat32(await file.read('weights'))) : undefined;
  if (rowOf) {
    if (rowOf.length < vocabSize) fail(`mapping has ${rowOf.length} entries for a vocabulary of ${vocabSize}`);
    if (rowOf.some((row) => row < 0 || row >= rows)) fail(`mapping points outside the ${rows} matrix rows`);
  } else if (rows < vocabSize) {
    fail(`embedding matrix has ${rows} rows but the tokenizer ${tokenizerPath} has ${vocabSize} token ids`);
  }
  // patmatch-subword ids are positions in one table (vocabulary, then n-gram buckets, then phonetic
  // buckets): a table of another length was trained with another tokenizer, and its ids would read
  // the wrong rows without any error.
  const entries = rowOf ? rowOf.length : rows;
  if (subword && entries !== vocabSize) {
    fail(
      `embedding ${rowOf ? 'mapping' : 'matrix'} has ${entries} ${rowOf ? 'entries' : 'rows'} but the tokenizer ${tokenizerPath} has ${vocabSize} token ids ` +
        '(vocabulary + n-gram buckets + phonetic buckets); a patmatch-subword model needs exactly one per id',
    );
  }
  if (weightOf && weightOf.length < vocabSize) fail(`weights has ${weightOf.length} entries for a vocabulary of ${vocabSize}`);
  if (!(dimension >= 1)) fail(`embedding matrix has dimension ${dimension}; a model needs at least 1`);
  const values = new Float32Array(new SharedArrayBuffer(rows * dimension * Float32Array.BYTES_PER_ELEMENT));
  await file.readFloat32Into(matrixName, values);
  // A NaN or infinite weight would surface later as a failed search blamed on the user's query.
  const bad = values.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) fail(`embedding matrix row ${Math.floor(bad / dimension)} holds a non-finite value (${values[bad]})`);
  const badWeight = weightOf?.findIndex((x) => !Number.isFinite(x)) ?? -1;
  if (badWeight >= 0) fail(`weights entry ${badWeight} is not a finite number`);
  return { matrix: values, dimension, vocabSize, rowOf, weightOf };
}

/** A copy in a SharedArrayBuffer, so worker threads read the same memory instead of their own copy. */
function shared<T extends Float32Array | Int32Array>(array: T): T {
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}
