import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSentenceConfig } from './sentence-config.js';

/** Reads from an in-memory folder: file name → parsed JSON. */
const folder = (files: Record<string, unknown>) => async (file: string) => files[file];

const pooling = (modes: Record<string, boolean>) => ({
  'modules.json': [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  ],
  '1_Pooling/config.json': { word_embedding_dimension: 4, ...modes },
});

test('defaults: mean pooling, no truncation, no prompts', async () => {
  assert.deepEqual(await readSentenceConfig(folder({}), 'paraphrase-minilm'), { pooling: 'mean', prompts: { query: '', passage: '' } });
});

test('pooling modes, sqrt-length mean as mean, and refusals', async () => {
  assert.equal((await readSentenceConfig(folder(pooling({ pooling_mode_lasttoken: true })), 'm')).pooling, 'lasttoken');
  assert.equal((await readSentenceConfig(folder(pooling({ pooling_mode_mean_sqrt_len_tokens: true })), 'm')).pooling, 'mean');
  await assert.rejects(
    readSentenceConfig(folder(pooling({ pooling_mode_cls_token: true, pooling_mode_max_tokens: true })), 'm'),
    /several pooling modes \(cls, max\)/,
  );
  await assert.rejects(readSentenceConfig(folder(pooling({ pooling_mode_weightedmean_tokens: true })), 'm'), /weighted-mean/);
  const dense = { 'modules.json': [{ path: '2_Dense', type: 'sentence_transformers.models.Dense' }] };
  await assert.rejects(readSentenceConfig(folder(dense), 'm'), /module sentence_transformers\.models\.Dense is not supported/);
  const escaping = { 'modules.json': [{ path: '../elsewhere', type: 'sentence_transformers.models.Pooling' }] };
  await assert.rejects(readSentenceConfig(folder(escaping), 'm'), /leaves the model folder/);
});

test('prompts dict wins over the e5 name rule; document stands in for passage', async () => {
  const prompts = { 'config_sentence_transformers.json': { prompts: { query: 'Q: ', document: 'D: ' } } };
  assert.deepEqual((await readSentenceConfig(folder(prompts), 'multilingual-e5-small')).prompts, { query: 'Q: ', passage: 'D: ' });
  assert.deepEqual((await readSentenceConfig(folder({}), 'intfloat/multilingual-e5-small')).prompts, { query: 'query: ', passage: 'passage: ' });
  assert.deepEqual((await readSentenceConfig(folder({}), 'bge-m3')).prompts, { query: '', passage: '' });
  assert.deepEqual((await readSentenceConfig(folder({}), 'e50-model')).prompts, { query: '', passage: '' });
});

test('max_seq_length must be a positive integer', async () => {
  assert.equal((await readSentenceConfig(folder({ 'sentence_bert_config.json': { max_seq_length: 128 } }), 'm')).maxSeqLength, 128);
  await assert.rejects(readSentenceConfig(folder({ 'sentence_bert_config.json': { max_seq_length: '512' } }), 'm'), /max_seq_length 512 is not a positive integer/);
  for (const bad of [0, -4, 2.5]) {
    await assert.rejects(
      readSentenceConfig(folder({ 'sentence_bert_config.json': { max_seq_length: bad } }), 'm'),
      new RegExp(`sentence_bert_config\\.json: max_seq_length ${bad} is not a positive integer`),
    );
  }
});

test('a config that is null, or a declared Pooling module without its config, is refused rather than guessed', async () => {
  await assert.rejects(readSentenceConfig(folder({ 'sentence_bert_config.json': null }), 'm'), /sentence_bert_config\.json: expected a JSON object/);
  const { '1_Pooling/config.json': _missing, ...withoutPooling } = pooling({ pooling_mode_cls_token: true });
  await assert.rejects(readSentenceConfig(folder(withoutPooling), 'm'), /1_Pooling\/config\.json: is missing, but modules\.json declares a Pooling module/);
});
