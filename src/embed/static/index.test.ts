import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStaticEmbedder } from './index.js';
import { encodeSafetensors } from './safetensors.js';
import { SPECIAL_TOKENS, assertVectorClose, unitVector, writeTinyStaticModel, type TinyStaticModel } from '../test-support/index.js';
import { createSubwordTokenizer, saveSubwordTokenizer, type SubwordSpec } from '../../text/subword/index.js';

// ids:              0..3 specials, 4    5        6      7      8        9    10         11     12
const vocab = [...SPECIAL_TOKENS, '딥', '##러닝', '영상', '인식', 'query', ':', 'passage', '특허', '기술'];
const UNK = 1;
const dim = 5;
// Multiples of 1/8 in [-1, 1]: exact in float16, so the F16 models must give the same vectors.
const rows = vocab.map((_, i) => Array.from({ length: dim }, (_, d) => (((i * 5 + d * 3) % 17) - 8) / 8));

/** Mean of the rows of `ids`, normalised; no ids → the zero vector. */
function expectedMean(ids: number[]): number[] {
  return unitVector(Array.from({ length: dim }, (_, d) => ids.reduce((sum, id) => sum + rows[id]![d]!, 0) / Math.max(1, ids.length)));
}

describe('static embedder on tiny models', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'patmatch-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const texts = ['딥러닝 영상 인식', '특허 기술 특허', 'Unknown 딥러닝', '', 'zzz', '  딥러닝\n영상\t인식 ', 'QUERY:passage'];
  const layouts: [TinyStaticModel['layout'], TinyStaticModel['dtype']][] = [
    ['model2vec', 'F32'],
    ['model2vec', 'F16'],
    ['model2vec', 'BF16'],
    ['sentence-transformers', 'F32'],
    ['sentence-transformers', 'F16'],
    ['sentence-transformers', 'BF16'],
  ];
  for (const [layout, dtype] of layouts) {
    test(`${layout} ${dtype}: mean of token rows, no [CLS]/[SEP], normalised`, async () => {
      const dir = join(root, `${layout}-${dtype}`);
      await writeTinyStaticModel(dir, { layout, dtype, vocab, rows });
      const embedder = await loadStaticEmbedder(dir, { batchSize: 2 });
      const progress: number[] = [];
      const vectors = await embedder.embed(texts, { kind: 'passage', onProgress: (done) => progress.push(done) });
      assert.equal(embedder.dimension, dim);
      assert.match(embedder.id, new RegExp(`^static:${layout}-${dtype}@[0-9a-f]{12}$`));
      assert.deepEqual(progress, [2, 4, 6, 7]);
      const model2vec = layout === 'model2vec';
      assertVectorClose(vectors[0], expectedMean([4, 5, 6, 7]));
      assertVectorClose(vectors[1], expectedMean([11, 12, 11]));
      // model2vec drops the unknown token; sentence-transformers pools it like any other
      assertVectorClose(vectors[2], expectedMean(model2vec ? [4, 5] : [UNK, 4, 5]));
      assertVectorClose(vectors[3], expectedMean([]));
      assertVectorClose(vectors[4], expectedMean(model2vec ? [] : [UNK]));
      assert.deepEqual(vectors[5], vectors[0]);
      assertVectorClose(vectors[6], expectedMean([8, 9, 10]));
    });
  }

  test('F32, F16 and BF16 files of the same (exactly representable) rows give identical vectors', async () => {
    const vectors = [];
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const dir = join(root, `same-${dtype}`);
      await writeTinyStaticModel(dir, { layout: 'model2vec', dtype, vocab, rows });
      vectors.push(await (await loadStaticEmbedder(dir)).embed(texts, { kind: 'query' }));
    }
    assert.deepEqual(vectors[1], vectors[0]);
    assert.deepEqual(vectors[2], vectors[0]);
  });

  test('model2vec vocabulary quantisation: rows via mapping, scaled by weights', async () => {
    const dir = join(root, 'quantised');
    await writeTinyStaticModel(dir, { layout: 'model2vec', dtype: 'F32', vocab, rows });
    // three shared rows; token i reads row i % 3 and is scaled by (i + 1) / 4
    const shared = rows.slice(0, 3);
    const mapping = Int32Array.from(vocab, (_, i) => i % 3);
    const tokenWeights = Float32Array.from(vocab, (_, i) => (i + 1) / 4);
    await writeFile(
      join(dir, 'model.safetensors'),
      encodeSafetensors({
        embeddings: { dtype: 'F16', shape: [3, dim], values: Float32Array.from(shared.flat()) },
        weights: { dtype: 'F32', shape: [vocab.length], values: tokenWeights },
        mapping: { dtype: 'I64', shape: [vocab.length], values: mapping },
      }),
    );
    const embedder = await loadStaticEmbedder(dir);
    const [vector] = await embedder.embed(['딥러닝 특허'], { kind: 'query' });
    const ids = [4, 5, 11];
    const sum = Array.from({ length: dim }, (_, d) => ids.reduce((acc, id) => acc + shared[id % 3]![d]! * ((id + 1) / 4), 0));
    assertVectorClose(vector, unitVector(sum));
  });

  test('worker threads give the same vectors as the calling thread, in input order', async () => {
    const dir = join(root, 'threads');
    await writeTinyStaticModel(dir, { layout: 'model2vec', dtype: 'F16', vocab, rows });
    const many = Array.from({ length: 4200 }, (_, i) => texts[i % texts.length]! + ' 특허'.repeat(i % 4));
    const inline = await loadStaticEmbedder(dir, { threads: 1 });
    const parallel = await loadStaticEmbedder(dir, { threads: 2, batchSize: 3000 });
    try {
      const expected = await inline.embed(many, { kind: 'passage' });
      const [first, second] = await Promise.all([parallel.embed(many, { kind: 'passage' }), parallel.embed(many, { kind: 'query' })]);
      assert.deepEqual(first, expected);
      assert.deepEqual(second, expected);
      assertVectorClose(first[1], expectedMean([11, 12, 11, 11]));
      assert.equal(first[0]!.buffer.byteLength, dim * 4, 'each vector owns its buffer');
    } finally {
      await parallel.close();
    }
  });

  test('the same files give the same id; other weights another', async () => {
    const first = join(root, 'id-a');
    const second = join(root, 'id-b');
    await writeTinyStaticModel(first, { layout: 'model2vec', dtype: 'F32', vocab, rows });
    await writeTinyStaticModel(second, { layout: 'model2vec', dtype: 'F32', vocab, rows: rows.map((row) => row.map((v) => -v)) });
    const a = await loadStaticEmbedder(first);
    const b = await loadStaticEmbedder(second);
    assert.equal((await loadStaticEmbedder(first)).id, a.id);
    assert.notEqual(a.id.split('@')[1], b.id.split('@')[1]);
  });

  test('patmatch-subword tokenizer from config.json', async () => {
    const dir = join(root, 'subword');
    await mkdir(dir, { recursive: true });
    const spec: SubwordSpec = {
      type: 'patmatch-subword',
      version: 1,
      vocab: ['그래핀', '전극', 'graphene'],
      buckets: 16,
      hangulNgrams: [2, 3],
      latinNgrams: [3, 5],
    };
    await saveSubwordTokenizer(dir, spec);
    const size = spec.vocab.length + spec.buckets;
    const subwordRows = Array.from({ length: size }, (_, i) => Array.from({ length: 3 }, (_, d) => Math.cos(i * 3 + d)));
    await writeFile(
      join(dir, 'model.safetensors'),
      encodeSafetensors({ embeddings: { dtype: 'F32', shape: [size, 3], values: Float32Array.from(subwordRows.flat()) } }),
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify({ tokenizer: 'patmatch-subword', normalize: true }));
    const embedder = await loadStaticEmbedder(dir);
    const text = '그래핀 전극 Graphene 제조';
    const ids = createSubwordTokenizer(spec).encode(text);
    assert.ok(ids.length > 3, 'the reference tokenizer produced ids');
    const sum = [0, 1, 2].map((d) => ids.reduce((acc, id) => acc + subwordRows[id]![d]!, 0));
    const [vector] = await embedder.embed([text], { kind: 'query' });
    assertVectorClose(vector, unitVector(sum));
  });

  test('a patmatch-subword table must have exactly one row per token id, or loading names both files and numbers', async () => {
    const spec: SubwordSpec = {
      type: 'patmatch-subword',
      version: 2,
      vocab: ['그래핀', '전극'],
      buckets: 16,
      hangulNgrams: [2, 3],
      latinNgrams: [3, 5],
      phoneticBuckets: 8,
    };
    const ids = spec.vocab.length + spec.buckets + spec.phoneticBuckets!;
    const write = async (name: string, rowCount: number) => {
      const dir = join(root, name);
      await mkdir(dir, { recursive: true });
      await saveSubwordTokenizer(dir, spec);
      const values = Float32Array.from({ length: rowCount * 3 }, (_, i) => Math.sin(i));
      await writeFile(join(dir, 'model.safetensors'), encodeSafetensors({ embeddings: { dtype: 'F16', shape: [rowCount, 3], values } }));
      await writeFile(join(dir, 'config.json'), JSON.stringify({ tokenizer: 'patmatch-subword' }));
      return dir;
    };
    assert.equal((await loadStaticEmbedder(await write('subword-exact', ids))).dimension, 3);
    // A table without the phonetic rows (a tokenizer from another training): phonetic ids would read past it.
    await assert.rejects(
      loadStaticEmbedder(await write('subword-short', ids - 8)),
      /subword-short\/model\.safetensors: embedding matrix has 18 rows but the tokenizer .*subword-short\/patmatch_tokenizer\.json has 26 token ids/,
    );
    // A longer table: every id would still find a row, but not the row it was trained for.
    await assert.rejects(
      loadStaticEmbedder(await write('subword-long', ids + 4)),
      /subword-long\/model\.safetensors: embedding matrix has 30 rows but the tokenizer .*subword-long\/patmatch_tokenizer\.json has 26 token ids \(vocabulary \+ n-gram buckets \+ phonetic buckets\)/,
    );
  });

  test('a tokenizer.json id beyond the rows, or not a whole number, is refused at load', async () => {
    const withTokenizer = async (name: string, change: (json: { model: { vocab: Record<string, number> }; added_tokens: object[] }) => void) => {
      const dir = join(root, name);
      // Two spare rows: ids up to 14 have one.
      await writeTinyStaticModel(dir, { layout: 'model2vec', dtype: 'F32', vocab, rows: [...rows, rows[4]!, rows[5]!] });
      const json = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8'));
      change(json);
      await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(json));
      return dir;
    };
    const added = { content: '특허청', single_word: false, lstrip: false, rstrip: false, normalized: false, special: false };
    const spare = await withTokenizer('added-in-range', (json) => json.added_tokens.push({ ...added, id: 14 }));
    assert.equal((await loadStaticEmbedder(spare)).dimension, dim);
    await assert.rejects(
      loadStaticEmbedder(await withTokenizer('added-beyond', (json) => json.added_tokens.push({ ...added, id: 40 }))),
      /added-beyond\/model\.safetensors: embedding matrix has 15 rows but the tokenizer .*added-beyond\/tokenizer\.json has 41 token ids/,
    );
    // A fractional id pooled a row that does not exist: every vector of a text with that token was NaN.
    await assert.rejects(
      loadStaticEmbedder(await withTokenizer('fractional-id', (json) => (json.model.vocab['특허청'] = 2.5))),
      /fractional-id\/tokenizer\.json: token "특허청" has id 2\.5; ids must be whole numbers ≥ 0/,
    );
    await assert.rejects(
      loadStaticEmbedder(await withTokenizer('negative-id', (json) => (json.model.vocab['특허청'] = -1))),
      /negative-id\/tokenizer\.json: token "특허청" has id -1/,
    );
  });

  test('broken folders are refused with the file and reason', async () => {
    await assert.rejects(loadStaticEmbedder(join(root, 'absent')), /static model folder .*absent does not exist/);
    const dir = join(root, 'no-tokenizer');
    await writeTinyStaticModel(dir, { layout: 'model2vec', dtype: 'F32', vocab, rows });
    await rm(join(dir, 'tokenizer.json'));
    await assert.rejects(loadStaticEmbedder(dir), /missing tokenizer\.json/);
    const small = join(root, 'too-few-rows');
    await writeTinyStaticModel(small, { layout: 'model2vec', dtype: 'F32', vocab, rows: rows.slice(0, 5) });
    await assert.rejects(loadStaticEmbedder(small), /model\.safetensors: embedding matrix has 5 rows but the tokenizer .*too-few-rows\/tokenizer\.json has 13 token ids/);
    const wrong = join(root, 'wrong-tensor');
    await writeTinyStaticModel(wrong, { layout: 'model2vec', dtype: 'F32', vocab, rows });
    await writeFile(join(wrong, 'model.safetensors'), encodeSafetensors({ other: { dtype: 'F32', shape: [1], values: Float32Array.of(1) } }));
    await assert.rejects(loadStaticEmbedder(wrong), /needs a 2-D tensor "embeddings".*found other/);
    // A broken weight would surface later as a failed search blamed on the user's query.
    const nan = join(root, 'nan-row');
    await writeTinyStaticModel(nan, { layout: 'model2vec', dtype: 'F32', vocab, rows: rows.map((row, i) => (i === 7 ? row.map(() => Number.NaN) : row)) });
    await assert.rejects(loadStaticEmbedder(nan), /model\.safetensors: embedding matrix row 7 holds a non-finite value \(NaN\)/);
    const flat = join(root, 'zero-dim');
    await writeTinyStaticModel(flat, { layout: 'model2vec', dtype: 'F32', vocab, rows });
    await writeFile(join(flat, 'model.safetensors'), encodeSafetensors({ embeddings: { dtype: 'F32', shape: [vocab.length, 0], values: new Float32Array(0) } }));
    await assert.rejects(loadStaticEmbedder(flat), /embedding matrix has dimension 0/);
  });

  test('hostile input: non-string texts and bad kinds are invalid_input', async () => {
    const dir = join(root, 'hostile');
    await writeTinyStaticModel(dir, { layout: 'model2vec', dtype: 'F32', vocab, rows });
    const embedder = await loadStaticEmbedder(dir);
    await assert.rejects(embedder.embed(['ok', 3 as unknown as string], { kind: 'query' }), /text 1 is number/);
    await assert.rejects(embedder.embed(['ok'], { kind: 'doc' as 'query' }), /kind must be "query" or "passage"/);
    const [weird] = await embedder.embed(['\u0000\uFFFF\uD800 딥러닝 🙂'.repeat(50)], { kind: 'query' });
    assert.equal(weird!.length, dim);
  });
});
