import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../cli/context.js';
import { nameKey } from '../domain/names/index.js';
import type { SearchResult } from '../domain/index.js';
import { loadEmbedder } from '../embed/index.js';
import { writeCharModel } from '../embed/test-support/index.js';
import { buildIndexes } from '../index/build/index.js';
import { ingest } from '../ingest/index.js';
import { openStore, type StoredPatent } from '../store/index.js';
import { QUERY_LEXICON_FILE, writeQueryLexicon } from '../text/lexicon/index.js';
import { SCORE_BANDS, scoreBand } from './bands.js';
import { DEFAULT_SEARCH_MODE, openSearchEngine } from './index.js';
import type { SearchEngine } from './types.js';

describe('search engine over the real KIPRIS CSV', () => {
  let dir: string;
  let home: string;
  let modelDir: string;
  let engine: SearchEngine;
  let patents: StoredPatent[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-search-'));
    home = join(dir, 'home');
    modelDir = join(dir, 'model');
    const store = openStore(home);
    await ingest(store, [join(sharedDataDir(), 'kipris', 'inu-patents.csv')]);
    patents = [...store.iterate()].flat();
    store.close();
    await writeCharModel(modelDir, patents.flatMap((p) => [p.title, p.abstract]));
    await buildIndexes(home, { embedder: `static:${modelDir}` });
    engine = await openSearchEngine(home);
  });

  after(async () => {
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('seed mode ranks the patent whose exact title is the demand first', async () => {
    const sample = patents.filter((_, i) => i % 50 === 0);
    let first = 0;
    for (const patent of sample) {
      const { hits } = await engine.search(patent.title, { mode: 'seed', top: 3 });
      if (hits[0]?.title === patent.title) first++;
    }
    assert.ok(first / sample.length >= 0.9, `exact title ranked first for ${first}/${sample.length}`);
  });

  test('seed score is the mean of abstract and title cosines; dense uses the abstract alone', async () => {
    const query = '그래핀 전극을 이용한 슈퍼커패시터';
    const seed = await engine.search(query, { mode: 'seed', top: 20 });
    assert.equal(seed.mode, 'seed');
    assert.notEqual(seed.model, 'lexical');
    assert.equal(seed.hits.length, 20);
    for (const hit of seed.hits) assert.ok(Math.abs(hit.score - (hit.abstractScore + hit.titleScore) / 2) < 1e-5);
    assertDescending(seed);
    const dense = await engine.search(query, { mode: 'dense', top: 20 });
    for (const hit of dense.hits) assert.equal(hit.score, hit.abstractScore);
    assertDescending(dense);
  });

  test('hybrid score is 0.7 × the seed score + 0.3 × the lexical score; a search without a mode is hybrid', async () => {
    const query = '그래핀 전극을 이용한 슈퍼커패시터';
    const hybrid = await engine.search(query, { mode: 'hybrid', top: 10 });
    assert.deepEqual(await engine.search(query, { top: 10 }), hybrid, `${DEFAULT_SEARCH_MODE} is the default`);
    const lexical = await engine.search(query, { mode: 'lexical', top: 100 });
    const lexicalScore = new Map(lexical.hits.map((hit) => [hit.applicationNumber, hit.score]));
    const both = hybrid.hits.filter((hit) => lexicalScore.has(hit.applicationNumber));
    assert.ok(both.length >= 5, `${both.length} of the hybrid top 10 are in the lexical top 100`);
    for (const hit of both) {
      const expected = 0.7 * ((hit.abstractScore + hit.titleScore) / 2) + 0.3 * lexicalScore.get(hit.applicationNumber)!;
      assert.ok(Math.abs(hit.score - expected) < 1e-5, `${hit.applicationNumber}: ${hit.score} against ${expected}`);
    }
    assertDescending(hybrid);
  });

  // The graph is built by several threads, so it differs from run to run, and now and then one
  // node of this small graph is reached from nowhere: it must find 9 of the exact 10 at least.
  for (const stage1 of ['exact scan', 'HNSW graph'] as const) {
    test(`stage 1 returns the nearest abstracts (${stage1})`, async () => {
      const embedder = await loadEmbedder(`static:${modelDir}`);
      const query = '리튬 이차전지 양극 활물질';
      const [q] = await embedder.embed([query], { kind: 'query' });
      const vectors = await embedder.embed(
        patents.map((p) => (p.abstract.length > 0 ? p.abstract : p.title)),
        { kind: 'passage' },
      );
      await embedder.close();
      const scored = patents.map((p, i) => ({ no: p.applicationNumber, score: dot(q!, vectors[i]!) }));
      const exactScore = new Map(scored.map((e) => [e.no, e.score]));
      const exact = scored.sort((a, b) => b.score - a.score).slice(0, 10);
      const searcher = stage1 === 'exact scan' ? engine : await openSearchEngine(home, { exactScanLimit: 0 });
      try {
        const dense = await searcher.search(query, { mode: 'dense', top: 10 });
        const found = dense.hits.filter((h) => exact.some((e) => e.no === h.applicationNumber)).length;
        assert.ok(found >= (stage1 === 'exact scan' ? 10 : 9), `${found} of the exact top 10`);
        dense.hits.forEach((hit) => assert.ok(Math.abs(hit.abstractScore - exactScore.get(hit.applicationNumber)!) < 0.01));
        // Where the same ten are found, the order may differ only where exact scores are within the
        // stored vectors' quantisation error of each other.
        if (found === 10) dense.hits.forEach((hit, i) => assert.ok(Math.abs(hit.abstractScore - exact[i]!.score) < 0.01, `rank ${i + 1}`));
      } finally {
        if (searcher !== engine) await searcher.close();
      }
    });
  }

  test('scorePatents gives each patent the score its search gives it, in every mode, and explains as hits do', async () => {
    const query = '그래핀 전극을 이용한 슈퍼커패시터';
    for (const mode of ['seed', 'dense', 'hybrid', 'lexical'] as const) {
      const { hits } = await engine.search(query, { mode, top: 60 });
      const numbers = [...hits.map((hit) => hit.applicationNumber), patents[0]!.applicationNumber, '1020999999999'].reverse();
      const [scored] = await engine.scorePatents([{ query, mode }], numbers);
      const byNumber = new Map(scored!.map((patent) => [patent.applicationNumber, patent]));
      for (const hit of hits) {
        const { applicationNumber, abstractScore, titleScore, score, band } = hit;
        assert.deepEqual(byNumber.get(applicationNumber), { applicationNumber, abstractScore, titleScore, score, band }, `${mode}: ${applicationNumber}`);
      }
      assert.ok(!byNumber.has('1020999999999'), 'unknown numbers are skipped');
      assert.deepEqual(scored!.map((patent) => patent.score), scored!.map((patent) => patent.score).sort((a, b) => b - a), `${mode}: best first`);
    }
    const { hits } = await engine.search(query, { top: 3 });
    const explained = await engine.explainPatents(query, [...hits.map((hit) => hit.applicationNumber), '1020999999999']);
    assert.deepEqual(explained, [...hits.map((hit) => hit.explanation), { sentences: [], terms: [] }]);
  });

  test('scorePatents with filters scores as the filtered search: patents outside the filters get no score', async () => {
    const query = '전극 제조 방법';
    const filters = { ipc: 'H01M' };
    for (const mode of ['seed', 'hybrid', 'lexical'] as const) {
      const all = await engine.search(query, { mode, top: 60 });
      const filtered = await engine.search(query, { mode, top: 60, filters });
      const numbers = all.hits.map((hit) => hit.applicationNumber);
      const [scored] = await engine.scorePatents([{ query, mode, filters }], numbers);
      const inside = new Set(filtered.hits.map((hit) => hit.applicationNumber));
      const outside = all.hits.filter((hit) => !hit.ipc.some((code) => code.startsWith('H01M')));
      assert.ok(outside.length > 0, `${mode}: some unfiltered hits lie outside H01M`);
      for (const hit of outside) assert.ok(!scored!.some((patent) => patent.applicationNumber === hit.applicationNumber), `${mode}: ${hit.applicationNumber} is outside the filters`);
      for (const patent of scored!) {
        if (!inside.has(patent.applicationNumber)) continue;
        assert.equal(patent.score, filtered.hits.find((hit) => hit.applicationNumber === patent.applicationNumber)!.score, `${mode}: ${patent.applicationNumber}`);
      }
    }
  });

  test('results are deterministic and pages continue without overlap', async () => {
    const query = '센서 데이터를 이용한 모니터링 시스템';
    const a = await engine.search(query, { top: 10, page: 1 });
    const again = await engine.search(query, { top: 10, page: 1 });
    assert.deepEqual(again, a);
    const b = await engine.search(query, { top: 10, page: 2 });
    assert.equal(b.total, a.total);
    assert.equal(b.hits[0]!.rank, 11);
    const firstPage = new Set(a.hits.map((h) => h.applicationNumber));
    assert.ok(b.hits.every((h) => !firstPage.has(h.applicationNumber)));
    assert.ok(b.hits[0]!.score <= a.hits[a.hits.length - 1]!.score);
  });

  test('filters restrict every mode', async () => {
    for (const mode of ['seed', 'hybrid', 'lexical'] as const) {
      const byIpc = await engine.search('전극 제조 방법', { mode, top: 50, filters: { ipc: 'H01M' } });
      assert.ok(byIpc.hits.length > 0, `${mode}: hits with ipc H01M`);
      assert.ok(byIpc.hits.every((h) => h.ipc.some((code) => code.startsWith('H01M'))), `${mode}: ipc filter`);
      const byDate = await engine.search('전극 제조 방법', { mode, top: 50, filters: { from: '2018-01-01', to: '2018-12-31' } });
      assert.ok(byDate.hits.length > 0, `${mode}: hits in 2018`);
      assert.ok(byDate.hits.every((h) => h.applicationDate! >= '2018-01-01' && h.applicationDate! <= '2018-12-31'));
      // A co-applicant matches: the CSV lists 인천대학교 산학협력단 first, joined by spaces.
      const byApplicant = await engine.search('전극 제조 방법', { mode, top: 50, filters: { applicant: '기아자동차 주식회사' } });
      assert.ok(byApplicant.hits.length > 0, `${mode}: hits of a co-applicant`);
      assert.ok(byApplicant.hits.every((h) => h.applicants.some((name) => nameKey(name).includes('기아자동차'))), `${mode}: applicant filter`);
    }
  });

  test('a result says how many patents were considered and how many reach the related band', async () => {
    const all = await engine.search('전극 제조 방법', { mode: 'seed', top: 100 });
    assert.equal(all.considered, patents.length, 'every stored patent without filters');
    assert.deepEqual(all.bands, SCORE_BANDS.seed);
    const related = SCORE_BANDS.seed!.related;
    for (const hit of all.hits) assert.equal(hit.band, scoreBand('seed', hit));
    const shownMatches = all.hits.filter((hit) => hit.score >= related).length;
    assert.ok(all.matched >= shownMatches && all.matched <= all.total, `${all.matched} matched, ${shownMatches} on the page`);
    if (all.matched < all.hits.length) assert.equal(all.matched, shownMatches, 'hits past the related band are not counted');

    const filtered = await engine.search('전극 제조 방법', { mode: 'seed', filters: { ipc: 'H01M' } });
    const allowed = patents.filter((p) => p.ipc.some((code) => code.startsWith('H01M'))).length;
    assert.equal(filtered.considered, allowed, 'the patents the filter allows');

    const lexical = await engine.search('전극 제조 방법', { mode: 'lexical' });
    assert.equal(lexical.bands, null);
    assert.equal(lexical.matched, lexical.total, 'without bands every keyword hit counts');
    assert.ok(lexical.hits.every((hit) => hit.band === null));

    const similar = await engine.similar(patents[10]!.applicationNumber, { top: 5 });
    assert.equal(similar.considered, patents.length - 1, 'the source patent is not considered');
  });

  test('lexical and hybrid modes answer with the same shape', async () => {
    const lexical = await engine.search('딥러닝 영상 인식', { mode: 'lexical', top: 5 });
    assert.equal(lexical.model, 'lexical');
    assert.ok(lexical.hits.length > 0);
    assert.ok(lexical.hits.every((h) => h.score >= 0 && h.score <= 1));
    assert.equal(lexical.hits[0]!.score, Math.max(...lexical.hits.map((h) => h.score)));
    const hybrid = await engine.search('딥러닝 영상 인식', { mode: 'hybrid', top: 5 });
    assert.equal(hybrid.mode, 'hybrid');
    assertDescending(hybrid);
  });

  test("keyword search also looks for the Korean words of the model lexicon's English words", async () => {
    const query = 'ultrasonic vibration';
    const before = await engine.search(query, { mode: 'lexical', top: 10 });
    assert.equal(before.total, 0, 'no abstract holds these English words');
    assert.equal(before.translations, undefined);
    await writeQueryLexicon(modelDir, [
      { english: 'ultrasonic', korean: '초음파' },
      { english: 'vibration', korean: '진동' },
    ]);
    const translating = await openSearchEngine(home);
    try {
      const expected = [
        { english: 'ultrasonic', korean: '초음파' },
        { english: 'vibration', korean: '진동' },
      ];
      for (const mode of ['lexical', 'hybrid'] as const) {
        const result = await translating.search(query, { mode, top: 5 });
        assert.deepEqual(result.translations, expected, mode);
        assert.equal(result.query, query, `${mode}: the query is reported as given`);
      }
      const lexical = await translating.search('Ultrasonic VIBRATION', { mode: 'lexical', top: 5 });
      assert.equal(lexical.hits.length, 5);
      for (const hit of lexical.hits) assert.match(hit.abstract, /초음파|진동/, hit.applicationNumber);
      const seed = await translating.search(query, { mode: 'seed', top: 5 });
      assert.equal(seed.translations, undefined, 'dense modes do not use keyword search');
      const korean = await translating.search('초음파 진동 ultrasonic', { mode: 'lexical', top: 5 });
      assert.deepEqual(korean.translations, undefined, 'translations the query already holds are not added');
    } finally {
      await translating.close();
      await rm(join(modelDir, QUERY_LEXICON_FILE));
    }
  });

  test('every hit of every mode and of similar is explained, with offsets into its own title and abstract', async () => {
    const query = '그래핀 전극을 이용한 슈퍼커패시터';
    const results = [
      ...(await Promise.all((['seed', 'dense', 'hybrid', 'lexical'] as const).map((mode) => engine.search(query, { mode, top: 5 })))),
      await engine.similar(patents[0]!.applicationNumber, { top: 5 }),
    ];
    for (const result of results) {
      assert.ok(result.hits.length > 0);
      for (const hit of result.hits) {
        const { sentences, terms } = hit.explanation;
        if (hit.abstract.trim() !== '') assert.ok(sentences.length >= 1 && sentences.length <= 3, `${result.mode} ${hit.applicationNumber}`);
        for (const sentence of sentences) assert.equal(hit.abstract.slice(sentence.start, sentence.end), sentence.text);
        for (const term of terms) assert.ok(hit[term.field].slice(term.start, term.end).length > 0);
      }
    }
    const marked = results[0]!.hits.flatMap((hit) => hit.explanation.terms.map((t) => hit[t.field].slice(t.start, t.end)));
    assert.ok(marked.includes('그래핀') && marked.includes('전극'), marked.join(' '));
  });

  test('a query with nothing to embed or index (symbols, emoji) finds nothing in every mode', async () => {
    for (const mode of ['seed', 'dense', 'hybrid', 'lexical'] as const) {
      const result = await engine.search('😀 ☃', { mode });
      assert.deepEqual([result.mode, result.total, result.hits], [mode, 0, []]);
    }
  });

  test('similar leaves the patent itself out', async () => {
    const patent = patents[10]!;
    const result = await engine.similar(patent.applicationNumber, { top: 5 });
    assert.equal(result.hits.length, 5);
    assert.ok(result.hits.every((h) => h.applicationNumber !== patent.applicationNumber));
    await assert.rejects(engine.similar('1099999999999'), /No patent/);
  });

  test('similar scores the other patents against each other: the source does not set the lexical maximum', async () => {
    const patent = patents[10]!;
    const result = await engine.similar(patent.applicationNumber, { mode: 'lexical', top: 100 });
    assert.equal(Math.max(...result.hits.map((h) => h.abstractScore)), 1);
    assert.equal(Math.max(...result.hits.map((h) => h.titleScore)), 1);
  });

  test('bad options are refused with the option named', async () => {
    await assert.rejects(engine.search('   '), /query: must not be empty/);
    await assert.rejects(engine.search('x'.repeat(5000)), /query: 5000 characters/);
    await assert.rejects(engine.search('전극', { top: 0 }), /top: 0/);
    await assert.rejects(engine.search('전극', { mode: 'magic' as never }), /mode: "magic"/);
    await assert.rejects(engine.search('전극', { filters: { from: '2018/01/01' } }), /from: "2018\/01\/01"/);
    await assert.rejects(engine.search('전극', { filters: { applicant: '삼성전자|서울대학교' } }), /applicant: "삼성전자\|서울대학교" names several applicants; give one/);
  });

  test('re-indexing embeds only changed patents, and a changed title is found', async () => {
    const store = openStore(home);
    const target = patents[20]!;
    // Characters the model knows (from another patent's abstract), in a title no patent has.
    const newTitle = patents[300]!.abstract.slice(0, 24);
    store.upsertPatents([{ ...target, title: newTitle }], 'test-update');
    store.close();
    const report = await buildIndexes(home, { embedder: `static:${modelDir}` });
    assert.equal(report.vectors?.embedded, 1);
    assert.equal(report.lexical.indexed, 1);
    const fresh = await openSearchEngine(home);
    try {
      const { hits } = await fresh.search(newTitle, { top: 3 });
      const found = hits.find((h) => h.applicationNumber === target.applicationNumber);
      assert.equal(found?.title, newTitle);
      assert.ok(Math.abs(found.titleScore - 1) < 0.01, `title cosine ${found.titleScore}`);
    } finally {
      await fresh.close();
    }
  });

  test('a failed index build leaves the previous vectors usable', async () => {
    await assert.rejects(buildIndexes(home, { embedder: `static:${join(dir, 'missing-model')}` }));
    const fresh = await openSearchEngine(home);
    try {
      assert.notEqual(fresh.model, null);
      assert.ok((await fresh.search('전극', { top: 1 })).hits.length === 1);
    } finally {
      await fresh.close();
    }
  });
});

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function assertDescending(result: SearchResult): void {
  for (let i = 1; i < result.hits.length; i++) assert.ok(result.hits[i - 1]!.score >= result.hits[i]!.score);
}
