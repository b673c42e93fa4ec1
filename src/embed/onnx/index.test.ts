import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOnnxEmbedder } from './index.js';
import { SPECIAL_TOKENS, assertVectorClose, unitVector, wordPieceTokenizerConfig, writeTinyOnnxModel, type TinyOnnxModel } from '../test-support/index.js';

// ids:              0..3 specials, 4    5        6      7      8        9    10         11     12
const vocab = [...SPECIAL_TOKENS, '딥', '##러닝', '영상', '인식', 'query', ':', 'passage', '특허', '기술'];
const CLS = 2;
const SEP = 3;
const dim = 4;
const tokenRows = vocab.map((_, i) => Array.from({ length: dim }, (_, d) => Math.sin(i * 7 + d * 3) * 0.8));
const typeRows = [0, 1].map((t) => Array.from({ length: dim }, (_, d) => (t + 1) * 0.05 * (d - 1.5)));
const weights = Array.from({ length: dim }, (_, r) => Array.from({ length: dim }, (_, c) => (r === c ? 1 : 0) + 0.1 * (r - c)));

/** What the graph computes for one token, written out independently: tanh((E[id] + T[0]) · W). */
function tokenOutput(id: number): number[] {
  const input = tokenRows[id]!.map((value, d) => value + typeRows[0]![d]!);
  return Array.from({ length: dim }, (_, c) => Math.tanh(input.reduce((sum, value, r) => sum + value * weights[r]![c]!, 0)));
}

function meanOf(ids: number[]): number[] {
  const outputs = ids.map(tokenOutput);
  return unitVector(Array.from({ length: dim }, (_, d) => outputs.reduce((sum, row) => sum + row[d]!, 0) / ids.length));
}

function maxOf(ids: number[]): number[] {
  const outputs = ids.map(tokenOutput);
  return unitVector(Array.from({ length: dim }, (_, d) => Math.max(...outputs.map((row) => row[d]!))));
}

/** ONNX Runtime computes in float32, the expectations in doubles. */
function assertClose(actual: Float32Array | undefined, expected: number[]): void {
  assertVectorClose(actual, expected, 1e-5);
}

describe('onnx embedder on a tiny sentence-transformers export', () => {
  let root: string;
  const base: TinyOnnxModel = { vocab, tokenRows, typeRows, weights, pooling: 'mean' };
  const folder = async (name: string, overrides: Partial<TinyOnnxModel>) => {
    const dir = join(root, name);
    await writeTinyOnnxModel(dir, { ...base, ...overrides });
    return dir;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'patmatch-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('mean pooling over [CLS] tokens [SEP], padding masked, batch order kept', async () => {
    const embedder = await loadOnnxEmbedder(await folder('mean', {}), { batchSize: 2 });
    try {
      assert.equal(embedder.dimension, dim);
      assert.match(embedder.id, /^onnx:mean@[0-9a-f]{12}$/);
      const [long, short, again] = await embedder.embed(['딥러닝 영상 인식', '특허', '  딥러닝\n영상  인식 '], { kind: 'passage' });
      assertClose(long, meanOf([CLS, 4, 5, 6, 7, SEP]));
      // batched with the longer text, so its row is padded with [PAD], whose output is not zero
      assertClose(short, meanOf([CLS, 11, SEP]));
      assert.deepEqual(again, long);
    } finally {
      await embedder.close();
    }
  });

  test('max_seq_length truncates and keeps [SEP]', async () => {
    const embedder = await loadOnnxEmbedder(await folder('truncated', { maxSeqLength: 4 }));
    try {
      const [vector] = await embedder.embed(['딥러닝 영상 인식'], { kind: 'query' });
      assertClose(vector, meanOf([CLS, 4, 5, SEP]));
    } finally {
      await embedder.close();
    }
  });

  test('a max_seq_length or model_max_length without room for one text token after [CLS], [SEP] and the prompt is refused', async () => {
    // [CLS] x [SEP]: three tokens are the least that still embeds the text.
    const shortest = await loadOnnxEmbedder(await folder('length-3', { maxSeqLength: 3 }));
    try {
      assertClose((await shortest.embed(['딥러닝 영상'], { kind: 'query' }))[0]!, meanOf([CLS, 4, SEP]));
    } finally {
      await shortest.close();
    }
    await assert.rejects(
      loadOnnxEmbedder(await folder('length-2', { maxSeqLength: 2 })),
      /onnx model .*length-2: sentence_bert_config\.json max_seq_length is 2, which leaves no token of the text: the tokenizer adds 2 special tokens, so it must be at least 3/,
    );
    await assert.rejects(loadOnnxEmbedder(await folder('length-1', { maxSeqLength: 1 })), /max_seq_length is 1, .* at least 3/);
    // "passage: " is two tokens, so every passage would have been [CLS] passage : [SEP].
    const prompts = { query: 'query: ', passage: 'passage: ' };
    await assert.rejects(
      loadOnnxEmbedder(await folder('prompted-4', { maxSeqLength: 4, prompts })),
      /max_seq_length is 4, .*adds 2 special tokens and the longer prompt takes 2, so it must be at least 5/,
    );
    const tokenizerCapped = await folder('model-max-2', {});
    await writeFile(join(tokenizerCapped, 'tokenizer_config.json'), JSON.stringify({ ...wordPieceTokenizerConfig(), model_max_length: 2 }));
    await assert.rejects(loadOnnxEmbedder(tokenizerCapped), /model-max-2: tokenizer_config\.json model_max_length is 2, .* at least 3/);
  });

  test('cls and max pooling follow 1_Pooling/config.json', async () => {
    const cls = await loadOnnxEmbedder(await folder('cls', { pooling: 'cls' }));
    const max = await loadOnnxEmbedder(await folder('max', { pooling: 'max', onnxPath: 'model.onnx' }));
    try {
      assertClose((await cls.embed(['특허 기술'], { kind: 'query' }))[0]!, unitVector(tokenOutput(CLS)));
      assertClose((await max.embed(['특허 기술'], { kind: 'query' }))[0]!, maxOf([CLS, 11, 12, SEP]));
    } finally {
      await cls.close();
      await max.close();
    }
  });

  test('prompts from config_sentence_transformers.json prefix queries and passages', async () => {
    const embedder = await loadOnnxEmbedder(await folder('prompted', { prompts: { query: 'query: ', passage: 'passage: ' } }));
    try {
      const [query] = await embedder.embed(['특허'], { kind: 'query' });
      const [passage] = await embedder.embed(['특허'], { kind: 'passage' });
      assertClose(query, meanOf([CLS, 8, 9, 11, SEP]));
      assertClose(passage, meanOf([CLS, 10, 9, 11, SEP]));
    } finally {
      await embedder.close();
    }
  });

  test('a model named e5 without a prompts dict gets e5 prefixes', async () => {
    const embedder = await loadOnnxEmbedder(await folder('tiny-e5-small', {}));
    try {
      assertClose((await embedder.embed(['특허'], { kind: 'query' }))[0]!, meanOf([CLS, 8, 9, 11, SEP]));
    } finally {
      await embedder.close();
    }
  });

  test('missing files and unknown sources are named in the error', async () => {
    const dir = await folder('broken', {});
    await rm(join(dir, 'onnx'), { recursive: true });
    await assert.rejects(loadOnnxEmbedder(dir), /missing onnx\/model\.onnx or model\.onnx/);
    await assert.rejects(loadOnnxEmbedder(join(root, 'nowhere')), /no such folder, and not a hub id/);
  });
});
