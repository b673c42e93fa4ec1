import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTempDir } from '../index/test-support.js';
import { sharedDataDir } from '../cli/context.js';
import { PatmatchError } from '../domain/errors.js';
import { loadStaticEmbedder } from '../embed/static/index.js';
import { createSubwordTokenizer } from '../text/subword/index.js';
import { readNliTriplets, readStsPairs, readTrainingData } from './datasets.js';
import { encode } from './encoder.js';
import { trainStaticModel, type TrainingData, type TrainOptions, glossedTerms } from './index.js';
import { writeStaticModel } from './model-files.js';
import { readQueryLexicon } from '../text/lexicon/index.js';
import { isCrossLingualHoldout } from '../eval/holdout.js';

const PATENTS = [
  { applicationNumber: '1020160138184', title: '슈퍼커패시터용 그래핀 전극의 제조방법', titleEn: 'METHOD OF GRAPHENE ELECTRODE FOR SUPERCAPACITOR', abstract: '본 발명은 그래핀 전극에 관한 것이다. 스프레이로 그래핀 용액을 분사한다.' },
  { applicationNumber: '1020170000001', title: '리튬 이차전지용 음극 소재', titleEn: 'ANODE MATERIAL FOR LITHIUM SECONDARY BATTERY', abstract: '본 발명은 리튬 이차전지의 음극 소재에 관한 것이다. 실리콘 입자를 코팅한다.' },
  { applicationNumber: '1020180000002', title: '딥러닝 기반 영상 인식 장치', titleEn: null, abstract: '본 발명은 딥러닝을 이용하여 영상을 인식하는 장치에 관한 것이다.' },
  { applicationNumber: '1020190000003', title: '연삭 장치의 연삭량 측정시스템', titleEn: 'GRINDING AMOUNT MEASURING SYSTEM', abstract: '연삭 장치에서 제품의 연삭량을 측정하는 시스템에 관한 것이다.' },
];

async function tinyData(): Promise<TrainingData> {
  const shared = sharedDataDir();
  const sts = (await readStsPairs(join(shared, 'korsts', 'sts-train.tsv'))).slice(0, 48);
  const nli = (await readNliTriplets(join(shared, 'kornli', 'xnli.dev.ko.tsv'))).slice(0, 24);
  const dev = (await readStsPairs(join(shared, 'korsts', 'sts-dev.tsv'))).slice(0, 40);
  return { patents: PATENTS, sts, nli, dev };
}

const TINY: Partial<TrainOptions> & Pick<TrainOptions, 'morphemes'> = {
  morphemes: (text) => text.split(/\s+/),
  dim: 16,
  epochs: 3,
  batchSize: 8,
  subword: { buckets: 512, minCount: 1 },
};

const weightsHash = (data: Float32Array) => createHash('sha256').update(new Uint8Array(data.buffer)).digest('hex');

describe('trainStaticModel', () => {
  test('same seed gives identical weights, another seed different ones; the loss decreases', async () => {
    const data = { ...(await tinyData()), dev: undefined };
    const first = await trainStaticModel(data, { ...TINY, seed: 7 });
    const again = await trainStaticModel(data, { ...TINY, seed: 7 });
    const other = await trainStaticModel(data, { ...TINY, seed: 8 });
    assert.equal(weightsHash(first.table.data), weightsHash(again.table.data));
    assert.notEqual(weightsHash(first.table.data), weightsHash(other.table.data));
    const losses = first.history.filter((h) => h.epoch > 0).map((h) => h.loss);
    assert.equal(losses.length, 3);
    assert.ok(losses[2]! < losses[0]!, `loss ${losses.join(' → ')}`);
    assert.equal(first.bestEpoch, 3, 'without dev data the last epoch is kept');
  });

  test('with dev data it keeps the epoch with the best dev Spearman, and records every epoch', async () => {
    const model = await trainStaticModel(await tinyData(), { ...TINY, seed: 3 });
    assert.deepEqual(model.history.map((h) => h.epoch), [0, 1, 2, 3]);
    const best = Math.max(...model.history.map((h) => h.devSpearman!));
    assert.equal(model.history.find((h) => h.epoch === model.bestEpoch)?.devSpearman, best);
  });

  test('BM25-mined hard negatives come only from other IPC main groups, and change what is learnt', async () => {
    const data = { ...(await tinyData()), dev: undefined };
    const inGroups = (groups: string[]) => ({ ...data, patents: PATENTS.map((p, i) => ({ ...p, ipc: [groups[i]!] })) });
    const apart = await trainStaticModel(inGroups(['H01G 11/86', 'H01M 4/38', 'G06N 3/08', 'B24B 49/00']), TINY);
    assert.equal(apart.examples.hardNegatives, PATENTS.length);
    const together = await trainStaticModel(inGroups(['H01G 11/86', 'H01G 11/32', 'H01G 11/00', 'H01G 11/24']), TINY);
    assert.equal(together.examples.hardNegatives, 0, 'patents of one main group are never each other’s negatives');
    const without = await trainStaticModel(inGroups(['H01G 11/86', 'H01M 4/38', 'G06N 3/08', 'B24B 49/00']), { ...TINY, hardNegatives: false });
    assert.equal(without.examples.hardNegatives, 0);
    assert.notEqual(weightsHash(without.table.data), weightsHash(apart.table.data));
  });

  test('rejects impossible options naming them', async () => {
    await assert.rejects(trainStaticModel(await tinyData(), { ...TINY, dim: 0 }), (e: unknown) => e instanceof PatmatchError && /dim/.test(e.message));
  });

  test('the written model folder loads through the static embedder and embeds like the trainer', async () => {
    const model = await trainStaticModel({ ...(await tinyData()), dev: undefined }, { ...TINY, epochs: 1 });
    await withTempDir(async (dir) => {
    await writeStaticModel(dir, model, { 'STS dev Spearman': 0.5 });
    const embedder = await loadStaticEmbedder(dir);
    assert.equal(embedder.dimension, 16);
    const texts = ['그래핀 전극의 제조방법', 'lithium battery anode'];
    const [loaded, ownVectors] = [await embedder.embed(texts, { kind: 'query' }), encode(model.table, texts.map(createSubwordTokenizer(model.spec).encode)).vectors];
    loaded.forEach((vector, i) => vector.forEach((x, k) => assert.ok(Math.abs(x - ownVectors[i]![k]!) < 2e-3)));
    const card = await readFile(join(dir, 'README.md'), 'utf8');
    for (const part of ['MultipleNegativesRanking', 'CoSENT', 'STS dev Spearman', 'learningRate']) assert.ok(card.includes(part), part);
    });
  });

  test('phonetic features: the spec gets its buckets, the model folder loads, the card says so', async () => {
    const model = await trainStaticModel({ ...(await tinyData()), dev: undefined }, { ...TINY, epochs: 1, phonetic: true });
    assert.equal(model.spec.version, 2);
    assert.ok((model.spec.phoneticBuckets ?? 0) > 0);
    assert.equal(model.table.vocab, createSubwordTokenizer(model.spec).vocabSize);
    const plain = await trainStaticModel({ ...(await tinyData()), dev: undefined }, { ...TINY, epochs: 1 });
    assert.equal(plain.spec.phoneticBuckets, undefined);
    await withTempDir(async (dir) => {
      await writeStaticModel(dir, model, {});
      const embedder = await loadStaticEmbedder(dir);
      const [english, korean] = await embedder.embed(['graphene', '그래핀'], { kind: 'query' });
      assert.ok(english!.reduce((sum, x, k) => sum + x * korean![k]!, 0) > 0.2, 'an English word meets its transcription untrained');
      assert.ok((await readFile(join(dir, 'README.md'), 'utf8')).includes('consonant-skeleton'));
    });
  });

  test('English lexicon: English words of the titles take the row of their Korean translation; off, they keep their own', async () => {
    const titles = [
      ['그래핀 전극', 'GRAPHENE ELECTRODE'],
      ['그래핀 센서', 'GRAPHENE SENSOR'],
      ['습도 센서', 'HUMIDITY SENSOR'],
      ['전극 코팅', 'ELECTRODE COATING'],
    ];
    // Application numbers outside the cross-lingual hold-out, whose English titles training drops.
    const numbers = Array.from({ length: 40 }, (_, i) => `10201600${String(i).padStart(5, '0')}`).filter((n) => !isCrossLingualHoldout(n));
    const patents = titles.map(([title, titleEn], i) => ({ applicationNumber: numbers[i]!, title: title!, titleEn: titleEn!, abstract: `${title}에 관한 것이다.` }));
    const data = { ...(await tinyData()), patents, dev: undefined };
    const aligned = await trainStaticModel(data, { ...TINY, epochs: 1 });
    const plain = await trainStaticModel(data, { ...TINY, epochs: 1, englishLexicon: false });
    const row = (model: typeof aligned, word: string) => {
      const id = model.spec.vocab.indexOf(word);
      assert.ok(id >= 0, word);
      return [...model.table.data.subarray(id * model.table.dim, (id + 1) * model.table.dim)];
    };
    assert.deepEqual(aligned.lexicon.map((e) => `${e.english}→${e.korean}`).sort(), ['electrode→전극', 'graphene→그래핀', 'sensor→센서']);
    assert.equal(aligned.examples.englishLexicon, 3);
    assert.deepEqual(row(aligned, 'graphene'), row(aligned, '그래핀'));
    assert.deepEqual(row(aligned, 'humidity'), row(plain, 'humidity'), 'a word seen once keeps its row');
    assert.deepEqual(plain.lexicon, []);
    assert.notDeepEqual(row(plain, 'graphene'), row(plain, '그래핀'));
    await withTempDir(async (dir) => {
      await writeStaticModel(dir, aligned, {});
      assert.match(await readFile(join(dir, 'README.md'), 'utf8'), /3 English words took the row of the Korean morpheme they\ntranslate .*graphene → 그래핀/s);
      const lexicon = await readQueryLexicon(dir);
      assert.deepEqual(['graphene', 'electrode', 'sensor', 'humidity'].map((word) => lexicon?.translate(word)), ['그래핀', '전극', '센서', undefined]);
    });
    await withTempDir(async (dir) => {
      await writeStaticModel(dir, plain, {});
      assert.equal(await readQueryLexicon(dir), null, 'no lexicon file when the lexicon is off');
    });
  });

  test('missing STS/NLI files are reported with the flag that points elsewhere', async () => {
    await withTempDir(async (home) => {
    const missing = join(home, 'sts-train.tsv');
    await assert.rejects(readTrainingData(home, { sts: missing, nli: [], dev: null }), (e: unknown) => e instanceof PatmatchError && e.code === 'not_found' && e.message.includes(missing) && e.message.includes('--no-sts'));
    await assert.rejects(readTrainingData(home, { sts: null, nli: [], dev: null }), (e: unknown) => e instanceof PatmatchError && e.code === 'not_ready');
    });
  });
});

test('glossedTerms reads Korean terms glossed in English, and nothing else in parentheses', () => {
  assert.deepEqual(glossedTerms('상기 폴리염화비닐(PVC) 관에 메디아 (wear strip)를 넣고 택타임(takt time)을 줄인다 (도 1) 또는 DCT(discrete cosine)'), [
    { korean: '폴리염화비닐', english: 'PVC' },
    { korean: '메디아', english: 'wear strip' },
    { korean: '택타임', english: 'takt time' },
  ]);
});
