import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTempDir } from '../../index/test-support.js';
import { createAnalyzer } from '../index.js';
import { PatmatchError } from '../../domain/errors.js';
import { buildSubwordSpec, createSubwordTokenizer, loadSubwordTokenizer, saveSubwordTokenizer, splitWords, SUBWORD_TOKENIZER_FILE } from './index.js';

const TEXTS = [
  '슈퍼커패시터용 3차원 그래핀 전극의 제조방법',
  '그래핀 전극을 이용한 슈퍼커패시터',
  '리튬 이차전지용 음극 소재 (ANODE MATERIAL FOR LITHIUM SECONDARY BATTERY)',
  '이차전지 음극의 제조방법',
];

async function spec() {
  const analyzer = await createAnalyzer();
  return buildSubwordSpec(TEXTS, (text) => analyzer.morphemes(text).map((m) => m.surface), { buckets: 1024, phoneticBuckets: 256 });
}

describe('subword tokenizer', () => {
  test('splits words by script after NFKC and lower-casing', () => {
    assert.deepEqual(splitWords('３D 그래핀-전극 Ｘ線'), ['3', 'd', '그래핀', '전극', 'x', '線']);
  });

  test('learns lindera morphemes that occur at least twice, and frequent English words', async () => {
    const { vocab } = await spec();
    for (const unit of ['그래핀', '전극', '슈퍼', '제조', '방법']) assert.ok(vocab.includes(unit), `${unit} in ${vocab.join(',')}`);
    assert.ok(!vocab.includes('anode'), 'an English word seen once is not kept');
    assert.ok(!vocab.includes('리튬'), 'a morpheme seen once is not kept');
  });

  test('encodes morphemes by greedy longest match plus n-gram buckets', async () => {
    const s = await spec();
    const tok = createSubwordTokenizer(s);
    const ids = tok.encode('그래핀 전극');
    const morphemeIds = ids.filter((id) => id < s.vocab.length).map((id) => s.vocab[id]);
    assert.deepEqual(morphemeIds, ['그래핀', '전극']);
    assert.ok(ids.some((id) => id >= s.vocab.length), 'n-gram buckets follow the vocabulary');
    assert.ok(ids.every((id) => id >= 0 && id < tok.vocabSize));
  });

  test('unseen words, English terms and typos still get ids, shared with the clean word', async () => {
    const tok = createSubwordTokenizer(await spec());
    const clean = new Set(tok.encode('슈퍼커패시터'));
    const typo = tok.encode('슈퍼커피시터');
    assert.ok(typo.length > 0 && typo.some((id) => clean.has(id)), 'a typo keeps some n-grams of the word');
    assert.ok(tok.encode('supercapacitor').length > 0);
    assert.ok(tok.encode('양자점').length > 0);
    assert.deepEqual(tok.encode('!!! ...'), []);
  });

  test('an English term shares phonetic ids with its Korean transcription, only when phonetic buckets are on', async () => {
    const s = await spec();
    const phoneticStart = s.vocab.length + s.buckets;
    const phonetic = (tok: ReturnType<typeof createSubwordTokenizer>, text: string) => new Set(tok.encode(text).filter((id) => id >= phoneticStart));
    const tok = createSubwordTokenizer(s);
    const korean = phonetic(tok, '슈퍼커패시터용 그래핀을');
    assert.ok([...phonetic(tok, 'graphene')].every((id) => korean.has(id)) && korean.size > 0, 'graphene ~ 그래핀을');
    assert.ok([...phonetic(tok, 'supercapacitor')].some((id) => korean.has(id)), 'supercapacitor ~ 슈퍼커패시터용');
    assert.ok(![...phonetic(tok, 'electrode')].some((id) => phonetic(tok, '전극').has(id)), 'a translation is not a transcription');

    const { phoneticBuckets: _off, ...plain } = { ...s, version: 1 as const };
    const without = createSubwordTokenizer(plain);
    assert.equal(without.vocabSize, phoneticStart);
    assert.ok(without.encode('graphene 그래핀').every((id) => id < phoneticStart));
  });

  test('is deterministic and round-trips through its file', async () => {
    const s = await spec();
    await withTempDir(async (dir) => {
    await saveSubwordTokenizer(dir, s);
    const loaded = await loadSubwordTokenizer(dir);
    const text = TEXTS.join(' ');
    assert.deepEqual(loaded.encode(text), createSubwordTokenizer(s).encode(text));
    assert.equal(loaded.vocabSize, s.vocab.length + 1024 + 256);
    assert.deepEqual(await spec(), s, 'the same texts build the same spec');
    });
  });

  test('a missing or malformed file is a clear error', async () => {
    await withTempDir(async (dir) => {
    await assert.rejects(loadSubwordTokenizer(dir), (e: unknown) => e instanceof PatmatchError && e.code === 'not_found');
    await writeFile(join(dir, SUBWORD_TOKENIZER_FILE), '{"type":"patmatch-subword","vocab":[1],"buckets":4}');
    await assert.rejects(loadSubwordTokenizer(dir), /vocab must be an array of strings/);
    await writeFile(join(dir, SUBWORD_TOKENIZER_FILE), JSON.stringify({ ...(await spec()), version: 1 }));
    await assert.rejects(loadSubwordTokenizer(dir), /phoneticBuckets needs version 2/);
    });
  });
});
