import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHfTokenEncoder, splitsOnSpaces } from './hf-tokenizer.js';
import { SPECIAL_TOKENS, wordPieceTokenizerJson } from '../test-support/index.js';

const vocab = [...SPECIAL_TOKENS, '딥', '##러닝', '영상', '인식', '(', ')', '-', '3', '##d', 'the', '##s'];

describe('HF tokenizer for static models', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(wordPieceTokenizerJson(vocab)));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the per-word cache gives exactly the ids of whole-text tokenisation', async () => {
    const options = { dropUnknown: false, maxTokens: 512 };
    const cached = await loadHfTokenEncoder(dir, { ...options, wordCache: true });
    const whole = await loadHfTokenEncoder(dir, { ...options, wordCache: false });
    const texts = ['딥러닝(영상)인식', '3D 딥러닝-영상', 'The thes 딥러닝', '', 'x', '영상 영상 영상'];
    for (const text of texts) assert.deepEqual(cached.encode(text), whole.encode(text), text);
    assert.deepEqual(cached.encode('딥러닝(영상)인식'), [4, 5, 8, 6, 9, 7]);
    assert.equal(cached.vocabSize, vocab.length);
  });

  test('unknown tokens dropped on request, and texts cut at maxTokens', async () => {
    const encoder = await loadHfTokenEncoder(dir, { dropUnknown: true, maxTokens: 3, wordCache: true });
    assert.deepEqual(encoder.encode('zzz 딥러닝 영상 인식'), [4, 5, 6]);
  });

  test('word caching only for pipelines that split at spaces', () => {
    assert.equal(splitsOnSpaces(wordPieceTokenizerJson(vocab)), true);
    assert.equal(splitsOnSpaces({ normalizer: null, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false } }), false);
    assert.equal(splitsOnSpaces({ normalizer: { type: 'Precompiled' }, pre_tokenizer: { type: 'Metaspace' } }), false);
    assert.equal(
      splitsOnSpaces({
        normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] },
        pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation' }] },
      }),
      true,
    );
    assert.equal(splitsOnSpaces({ normalizer: { type: 'Replace' }, pre_tokenizer: { type: 'Whitespace' } }), false);
  });
});
