import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeSafetensors } from '../static/safetensors.js';
import { encodeOnnxModel, ONNX_FLOAT, ONNX_INT64 } from './onnx-graph.js';
import { SPECIAL_TOKENS, wordPieceTokenizerConfig, wordPieceTokenizerJson } from './tokenizer.js';

export { SPECIAL_TOKENS, wordPieceTokenizerConfig, wordPieceTokenizerJson } from './tokenizer.js';
export { encodeOnnxModel } from './onnx-graph.js';
export { assertVectorClose, unitVector } from './vectors.js';

/** A tiny static model: one matrix row per vocabulary entry. */
export interface TinyStaticModel {
  layout: 'model2vec' | 'sentence-transformers';
  dtype: 'F32' | 'F16' | 'BF16';
  vocab: readonly string[];
  rows: readonly (readonly number[])[];
}

/**
 * Writes a static model folder in the model2vec layout (`config.json`, `tokenizer.json`,
 * `model.safetensors` tensor `embeddings`) or the sentence-transformers one (`modules.json`,
 * `0_StaticEmbedding/{tokenizer.json, model.safetensors}` tensor `embedding.weight`).
 *
 * @example
 * await writeTinyStaticModel(dir, { layout: 'model2vec', dtype: 'F16', vocab, rows });
 */
export async function writeTinyStaticModel(dir: string, model: TinyStaticModel): Promise<void> {
  const isModel2Vec = model.layout === 'model2vec';
  const moduleDir = isModel2Vec ? dir : join(dir, '0_StaticEmbedding');
  await mkdir(moduleDir, { recursive: true });
  const tensor = { dtype: model.dtype, shape: [model.rows.length, model.rows[0]!.length], values: Float32Array.from(model.rows.flat()) };
  await writeFile(join(moduleDir, 'model.safetensors'), encodeSafetensors({ [isModel2Vec ? 'embeddings' : 'embedding.weight']: tensor }));
  await writeJson(join(moduleDir, 'tokenizer.json'), wordPieceTokenizerJson(model.vocab));
  if (isModel2Vec) {
    await writeJson(join(dir, 'config.json'), { model_type: 'model2vec', normalize: true, hidden_dim: model.rows[0]!.length });
  } else {
    await writeJson(join(dir, 'modules.json'), [
      { idx: 0, name: '0', path: '0_StaticEmbedding', type: 'sentence_transformers.models.StaticEmbedding' },
    ]);
  }
}

/**
 * A character-level static model with seeded random rows (one per character, `##` forms too):
 * crude, but cosine then tracks shared characters, so an exact title is its own nearest neighbour.
 *
 * @example
 * await writeCharModel(dir, patents.flatMap((p) => [p.title, p.abstract]));
 */
export async function writeCharModel(dir: string, texts: readonly string[], dimension = 48): Promise<void> {
  const chars = [...new Set(texts.join('').replace(/\s/g, ''))].sort();
  const vocab = [...SPECIAL_TOKENS, ...chars, ...chars.map((c) => `##${c}`)];
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const charRows = new Map(chars.map((c) => [c, Array.from({ length: dimension }, random)]));
  const rows = vocab.map((token) => charRows.get(token.replace(/^##/, '')) ?? new Array<number>(dimension).fill(0));
  await writeTinyStaticModel(dir, { layout: 'model2vec', dtype: 'F32', vocab, rows });
}

/**
 * A tiny BERT-shaped ONNX model: `last_hidden_state = tanh((E[input_ids] + T[token_type_ids]) · W)`.
 * The attention mask is an input the graph ignores, so padded positions carry real-looking
 * vectors and only correct masking in pooling gives the expected result.
 */
export interface TinyOnnxModel {
  vocab: readonly string[];
  tokenRows: readonly (readonly number[])[];
  typeRows: readonly (readonly number[])[];
  /** dim × dim, row-major. */
  weights: readonly (readonly number[])[];
  pooling: 'mean' | 'cls' | 'max';
  maxSeqLength?: number;
  prompts?: Record<string, string>;
  /** Where the export lives (default `onnx/model.onnx`, as transformers.js expects). */
  onnxPath?: 'onnx/model.onnx' | 'model.onnx';
}

/**
 * Writes a sentence-transformers ONNX folder around {@link TinyOnnxModel}: `config.json` (bert),
 * tokenizer files, the ONNX graph, `modules.json` with Pooling and Normalize, and the optional
 * `sentence_bert_config.json` / `config_sentence_transformers.json`.
 *
 * @example
 * await writeTinyOnnxModel(dir, { vocab, tokenRows, typeRows, weights, pooling: 'mean', maxSeqLength: 6 });
 */
export async function writeTinyOnnxModel(dir: string, model: TinyOnnxModel): Promise<void> {
  const dim = model.tokenRows[0]!.length;
  const onnxPath = join(dir, model.onnxPath ?? 'onnx/model.onnx');
  await mkdir(join(onnxPath, '..'), { recursive: true });
  await mkdir(join(dir, '1_Pooling'), { recursive: true });
  const sequence = ['batch', 'sequence'];
  const graph = encodeOnnxModel({
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, elemType: ONNX_INT64, shape: sequence })),
    outputs: [{ name: 'last_hidden_state', elemType: ONNX_FLOAT, shape: [...sequence, dim] }],
    initializers: [
      { name: 'token_rows', dims: [model.tokenRows.length, dim], values: Float32Array.from(model.tokenRows.flat()) },
      { name: 'type_rows', dims: [model.typeRows.length, dim], values: Float32Array.from(model.typeRows.flat()) },
      { name: 'weights', dims: [dim, dim], values: Float32Array.from(model.weights.flat()) },
    ],
    nodes: [
      { opType: 'Gather', inputs: ['token_rows', 'input_ids'], outputs: ['token_vectors'], attributes: { axis: 0 } },
      { opType: 'Gather', inputs: ['type_rows', 'token_type_ids'], outputs: ['type_vectors'], attributes: { axis: 0 } },
      { opType: 'Add', inputs: ['token_vectors', 'type_vectors'], outputs: ['summed'] },
      { opType: 'MatMul', inputs: ['summed', 'weights'], outputs: ['projected'] },
      { opType: 'Tanh', inputs: ['projected'], outputs: ['last_hidden_state'] },
    ],
  });
  await writeFile(onnxPath, graph);
  await writeJson(join(dir, 'config.json'), {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dim,
    vocab_size: model.vocab.length,
    type_vocab_size: model.typeRows.length,
  });
  await writeJson(join(dir, 'tokenizer.json'), wordPieceTokenizerJson(model.vocab));
  await writeJson(join(dir, 'tokenizer_config.json'), wordPieceTokenizerConfig());
  await writeJson(join(dir, 'modules.json'), [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
  ]);
  await writeJson(join(dir, '1_Pooling', 'config.json'), {
    word_embedding_dimension: dim,
    pooling_mode_cls_token: model.pooling === 'cls',
    pooling_mode_mean_tokens: model.pooling === 'mean',
    pooling_mode_max_tokens: model.pooling === 'max',
    pooling_mode_mean_sqrt_len_tokens: false,
  });
  if (model.maxSeqLength !== undefined) {
    await writeJson(join(dir, 'sentence_bert_config.json'), { max_seq_length: model.maxSeqLength, do_lower_case: false });
  }
  if (model.prompts !== undefined) {
    await writeJson(join(dir, 'config_sentence_transformers.json'), { prompts: model.prompts, default_prompt_name: null });
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value, null, 2));
}
