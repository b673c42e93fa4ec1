import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmbedder } from './index.js';
import { SPECIAL_TOKENS, writeTinyOnnxModel, writeTinyStaticModel } from './test-support/index.js';

const vocab = [...SPECIAL_TOKENS, '특허', '기술'];
const rows = vocab.map((_, i) => [i % 2, 1, -i / 8]);

test('loadEmbedder dispatches on the spec prefix', async () => {
  const root = await mkdtemp(join(tmpdir(), 'patmatch-'));
  try {
    await writeTinyStaticModel(join(root, 'static-model'), { layout: 'model2vec', dtype: 'F32', vocab, rows });
    await writeTinyOnnxModel(join(root, 'onnx-model'), {
      vocab,
      tokenRows: rows,
      typeRows: [[0, 0, 0]],
      weights: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
      pooling: 'mean',
    });
    const staticEmbedder = await loadEmbedder(`static:${join(root, 'static-model')}`);
    const onnxEmbedder = await loadEmbedder(`onnx:${join(root, 'onnx-model')}`, { batchSize: 4, threads: 1 });
    try {
      assert.match(staticEmbedder.id, /^static:static-model@/);
      assert.match(onnxEmbedder.id, /^onnx:onnx-model@/);
      const [staticVector] = await staticEmbedder.embed(['특허'], { kind: 'query' });
      // the static model pools the single row of 특허 (id 4): [0, 1, -0.5] normalised
      assert.deepEqual([...staticVector!].map((v) => Number(v.toFixed(6))), [0, 0.894427, -0.447214]);
      assert.equal((await onnxEmbedder.embed([], { kind: 'query' })).length, 0);
    } finally {
      await staticEmbedder.close();
      await onnxEmbedder.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('bad specs and options name what is wrong', async () => {
  await assert.rejects(loadEmbedder('bert:./x'), /embedder spec "bert:\.\/x": expected onnx:<folder-or-hub-id> or static:<folder>/);
  await assert.rejects(loadEmbedder('static:'), /expected onnx/);
  await assert.rejects(loadEmbedder('static:/nonexistent/model'), /static model folder \/nonexistent\/model does not exist/);
  await assert.rejects(loadEmbedder('static:/tmp', { batchSize: 0 }), /batchSize: expected a positive integer, got 0/);
});
