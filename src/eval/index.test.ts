import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTempDir } from '../index/test-support.js';
import { PatmatchError } from '../domain/errors.js';
import { trainStaticModel } from '../train/index.js';
import { writeStaticModel } from '../train/model-files.js';
import { buildIndexes } from '../index/build/index.js';
import { ingest } from '../ingest/index.js';
import { openStore } from '../store/index.js';
import { samplePatent } from '../store/test-support.js';
import { evaluateHomeRetrieval, evaluateStsFile } from './index.js';

/** Pairs whose word overlap falls with the gold score, so any bag-of-words model ranks them perfectly. */
const PAIRS: [string, string, number][] = [
  ['그래핀 전극 제조 방법', '그래핀 전극 제조 방법', 5],
  ['그래핀 전극 제조 방법', '그래핀 전극 제조 장치', 3.8],
  ['그래핀 전극 제조 방법', '그래핀 음극 소재 장치', 1.5],
  ['그래핀 전극 제조 방법', '고양이 강아지 우유 사과', 0],
];

describe('eval sts', () => {
  test('a perfectly ordered toy set gives Spearman 1, from KorSTS TSV and KLUE-STS JSON alike', async () => {
    await withTempDir(async (dir) => {
    const model = await trainStaticModel(
      { patents: [], sts: PAIRS.map(([sentence1, sentence2, score]) => ({ sentence1, sentence2, score })), nli: [] },
      { morphemes: (text) => text.split(' '), dim: 256, epochs: 0, subword: { minCount: 1, buckets: 4096 }, ngramInitScale: 0.01 },
    );
    const modelDir = join(dir, 'model');
    await writeStaticModel(modelDir, model);
    const tsv = join(dir, 'toy.tsv');
    await writeFile(tsv, ['genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2', ...PAIRS.map(([a, b, s], i) => `g\tf\t2024\t${i}\t${s}\t${a}\t${b}`)].join('\n'));
    const json = join(dir, 'toy.json');
    await writeFile(json, JSON.stringify(PAIRS.map(([sentence1, sentence2, label]) => ({ sentence1, sentence2, labels: { label } }))));
    const fromTsv = await evaluateStsFile(tsv, { home: dir, model: modelDir });
    assert.equal(fromTsv.n, 4);
    assert.equal(fromTsv.spearman, 1);
    assert.ok(fromTsv.pearson > 0.8);
    assert.deepEqual(await evaluateStsFile(json, { home: dir, model: modelDir }), fromTsv);
    // Fewer than two pairs, or one gold score for all, measure nothing: an error, not a 0.
    await writeFile(tsv, 'score\tsentence1\tsentence2\n');
    await assert.rejects(evaluateStsFile(tsv, { home: dir, model: modelDir }), /needs at least 2 pairs, got 0/);
    await writeFile(tsv, ['score\tsentence1\tsentence2', ...PAIRS.map(([a, b]) => `3\t${a}\t${b}`)].join('\n'));
    await assert.rejects(evaluateStsFile(tsv, { home: dir, model: modelDir }), /every gold score is 3/);
    });
  });

  test('a bad row or a missing model is an error that says where', async () => {
    await withTempDir(async (dir) => {
    const tsv = join(dir, 'bad.tsv');
    await writeFile(tsv, 'score\tsentence1\tsentence2\n4.0\t문장\t문장\nabc\t문장\t문장\n');
    await assert.rejects(evaluateStsFile(tsv, { home: dir, model: dir }), /bad\.tsv line 3: score is not a number/);
    await writeFile(tsv, 'score\tsentence1\tsentence2\n4.0\t문장\t문장\n\t문장\t문장\n');
    await assert.rejects(evaluateStsFile(tsv, { home: dir, model: dir }), /bad\.tsv line 3: score is not a number/, 'a blank score is not 0');
    const json = join(dir, 'bad.json');
    for (const label of [null, true, [3]]) {
      await writeFile(json, JSON.stringify([{ sentence1: '문장', sentence2: '문장', labels: { label } }]));
      await assert.rejects(evaluateStsFile(json, { home: dir, model: dir }), /bad\.json record 0: score is not a number/, JSON.stringify(label));
    }
    await writeFile(tsv, 'score\tsentence1\tsentence2\n4.0\t문장\t문장\n');
    await assert.rejects(evaluateStsFile(tsv, { home: dir }), (e: unknown) => e instanceof PatmatchError && e.code === 'not_ready');
    });
  });
});

describe('eval retrieval --source', () => {
  test('a folder covers the files of its subfolders, not a sibling folder sharing its prefix; old file-name sources still match', async () => {
    await withTempDir(async (dir) => {
      const data = join(dir, 'data');
      const jsonl = (from: number, count: number) =>
        Array.from({ length: count }, (_, i) => JSON.stringify(samplePatent(`10201600${String(from + i).padStart(5, '0')}`, { title: `그래핀 전극 ${from + i}` }))).join('\n');
      await mkdir(join(data, 'kipris', 'plus', 'deep'), { recursive: true });
      await mkdir(join(data, 'kipris-old'), { recursive: true });
      await writeFile(join(data, 'kipris', 'top.jsonl'), jsonl(100, 2));
      await writeFile(join(data, 'kipris', 'plus', 'deep', 'nested.jsonl'), jsonl(200, 3));
      await writeFile(join(data, 'kipris-old', 'old.jsonl'), jsonl(300, 4));
      await writeFile(join(data, 'kipris', 'plus', 'legacy.xml'), '');
      const home = join(dir, 'home');
      const store = openStore(home);
      try {
        await ingest(store, [data]);
        // A store ingested before paths were recorded: only the file name.
        store.upsertPatents([samplePatent('1020160040000', { title: '그래핀 전극 legacy' })], 'kipris-xml:legacy.xml');
      } finally {
        store.close();
      }
      await buildIndexes(home, { lexical: true });
      const pool = async (source: string) => (await evaluateHomeRetrieval(home, { source, seed: 1 })).n.typos;
      assert.equal(await pool(join(data, 'kipris')), 2 + 3 + 1, 'top, nested and the legacy file name');
      assert.equal(await pool(join(data, 'kipris', 'plus')), 3 + 1);
      assert.equal(await pool(join(data, 'kipris', 'plus', 'deep', 'nested.jsonl')), 3);
      assert.equal(await pool(join(data, 'kipris-old')), 4);
      assert.equal(await pool(data), 2 + 3 + 4 + 1);
      await mkdir(join(data, 'empty'));
      await assert.rejects(evaluateHomeRetrieval(home, { source: join(data, 'empty') }), /--source .*empty: no stored patent was ingested from it/);
    });
  });
});

describe('eval retrieval --ipc-sections', () => {
  test('draws queries only from patents whose first IPC code is in the sections, and says when none is', async () => {
    await withTempDir(async (dir) => {
      const home = join(dir, 'home');
      const store = openStore(home);
      const firstCodes = ['G06N 3/08', 'H01G 11/86', 'A61K 35/28', 'C12N 5/07', 'B24B 49/12', 'G06F 16/30'];
      try {
        store.upsertPatents(
          firstCodes.map((code, i) => samplePatent(`102016000010${i}`, { title: `그래핀 전극 ${i}`, ipc: [code, 'H01M 4/00'] })),
          'kipris-xml:test.xml',
        );
        store.upsertPatents([samplePatent('1020160000200', { title: '분류 없는 발명', ipc: [] })], 'kipris-xml:test.xml');
      } finally {
        store.close();
      }
      await buildIndexes(home, { lexical: true });
      const pool = async (ipcSections: string) => (await evaluateHomeRetrieval(home, { ipcSections, seed: 1 })).n.typos;
      assert.equal(await pool('GH'), 3, 'the second code (H01M) does not count');
      assert.equal(await pool('af'), 1);
      assert.equal(await pool('ABCDEFGH'), 6, 'a patent without IPC codes is in no section');
      await assert.rejects(evaluateHomeRetrieval(home, { ipcSections: 'E' }), /--ipc-sections E: no patent to draw queries from/);
      await assert.rejects(evaluateHomeRetrieval(home, { ipcSections: 'G, H' }), /--ipc-sections G, H: must be IPC section letters A to H/);
    });
  });
});
