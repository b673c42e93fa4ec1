import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openLexicalIndex } from '../index/lexical/index.js';
import { createSearchEngine, DEFAULT_SEARCH_MODE } from '../search/index.js';
import { samplePatent, tempStore } from '../store/test-support.js';
import type { StoredPatent } from '../store/index.js';
import { trainStaticModel } from '../train/index.js';
import { writeStaticModel } from '../train/model-files.js';
import { loadStaticEmbedder } from '../embed/static/index.js';
import { embedCorpus, evaluateRetrieval, RETRIEVAL_MODES } from './retrieval.js';

const PATENTS = [
  samplePatent('1020160000001', { title: '그래핀 전극의 제조방법', titleEn: 'GRAPHENE ELECTRODE', abstract: '그래핀 전극을 스프레이로 제조한다.', ipc: ['H01G 11/86'] }),
  samplePatent('1020160000002', { title: '슈퍼커패시터용 그래핀 전극', abstract: '슈퍼커패시터의 그래핀 전극 구조.', ipc: ['H01G 11/32'] }),
  samplePatent('1020160000003', { title: '커패시터 전극 소재', abstract: '커패시터 전극에 쓰는 탄소 소재.', ipc: ['H01G 11/46'] }),
  samplePatent('1020160000004', { title: '딥러닝 영상 인식 장치', titleEn: 'DEEP LEARNING IMAGE RECOGNITION', abstract: '딥러닝으로 영상을 인식한다.', ipc: ['G06N 3/08'] }),
  samplePatent('1020160000005', { title: '신경망 기반 영상 분류', abstract: '신경망으로 영상을 분류하는 방법.', ipc: ['G06N 3/04'] }),
  samplePatent('1020160000006', { title: '연삭 장치의 측정 시스템', abstract: '연삭량을 측정한다.', ipc: ['B24B 49/12'] }),
];

test('retrieval evaluation runs every mode through the search engine and reports each task', async () => {
  const temp = await tempStore();
  const lexical = await openLexicalIndex(join(temp.home, 'lexical.db'));
  try {
    temp.store.upsertPatents(PATENTS, 'kipris-xml:test.xml');
    const corpus: StoredPatent[] = [...temp.store.iterate()].flat();
    await lexical.upsert(corpus.map((p) => ({ key: p.id, title: p.title, titleEn: p.titleEn, abstract: p.abstract })));
    const model = await trainStaticModel(
      { patents: corpus, sts: [], nli: [] },
      { morphemes: (text) => text.split(' '), dim: 32, epochs: 2, subword: { minCount: 1, buckets: 256 } },
    );
    const modelDir = join(temp.dir, 'model');
    await writeStaticModel(modelDir, model);
    const embedder = await loadStaticEmbedder(modelDir);
    const engine = createSearchEngine({ store: temp.store, lexical, dense: { embedder, vectors: await embedCorpus(embedder, corpus) } });

    const report = await evaluateRetrieval({ engine, crossLingualEngine: engine, corpus }, { seed: 1 });
    assert.equal(report.default, DEFAULT_SEARCH_MODE, 'names the mode a search without one uses');
    assert.equal((await engine.search('그래핀 전극')).mode, report.default);
    assert.deepEqual(report.n, { corpus: 6, topical: 5, crossLingual: 2, typos: 6 });
    assert.deepEqual(Object.keys(report.topical), RETRIEVAL_MODES);
    assert.deepEqual(Object.keys(report.crossLingual), RETRIEVAL_MODES);
    for (const mode of RETRIEVAL_MODES) {
      const ndcg = report.topical[mode]!['ndcg@10'];
      assert.ok(ndcg > 0 && ndcg <= 1, `${mode} nDCG ${ndcg}`);
      assert.equal(report.typos[mode]!['cleanRecall@10'], 1, `${mode}: a title finds its own patent among six`);
    }
    assert.equal(report.crossLingual.lexical!['recall@10'], 0, 'English titles share no word with Korean abstracts');
    assert.equal(report.crossLingual.dense!['recall@10'], 1, 'trained on English↔Korean pairs, and there are only six patents');

    const fewer = await evaluateRetrieval({ engine, crossLingualEngine: engine, corpus, queryPool: corpus.slice(0, 2) }, { seed: 1 });
    assert.deepEqual(fewer.n, { corpus: 6, topical: 2, crossLingual: 1, typos: 2 });

    const keywordsOnly = createSearchEngine({ store: temp.store, lexical, dense: null });
    const lexicalReport = await evaluateRetrieval({ engine: keywordsOnly, crossLingualEngine: keywordsOnly, corpus }, { seed: 1 });
    assert.equal(lexicalReport.default, 'lexical', 'without a model every search is lexical');
    assert.deepEqual(Object.keys(lexicalReport.topical), ['lexical']);
  } finally {
    lexical.close();
    await temp.cleanup();
  }
});
