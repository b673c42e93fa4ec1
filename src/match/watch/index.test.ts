import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildTestHome, type TestHome } from '../../api/test-support/home.js';
import { writeCharModel } from '../../embed/test-support/index.js';
import { buildIndexes } from '../../index/build/index.js';
import { defaultHybridOptions, type ScoredCandidate } from '../../search/fusion.js';
import { openSearchComponents, openSearchEngine, type SearchEngine } from '../../search/index.js';
import { rawLexicalScores } from '../../search/rank.js';
import { openStore, type PatentStore } from '../../store/index.js';
import { samplePatent } from '../../store/test-support.js';
import { expandQuery } from '../../text/lexicon/index.js';
import { MatchService, type User } from '../index.js';
import type { Recommendation } from './demands.js';
import { entering, scoreSignals, watchHome } from './index.js';

const candidate = (key: number, score: number): ScoredCandidate => ({ key, score, abstractScore: score, titleScore: score });

describe('watch scoring', () => {
  test('a candidate must beat the N-th shown score; candidates compete with each other for the slots', () => {
    const shown = [0.9, 0.8, 0.7];
    assert.deepEqual(entering(shown, 3, [candidate(1, 0.69)]), [], 'below the cut-off');
    assert.deepEqual(entering(shown, 3, [candidate(1, 0.7)]), [], 'a tie keeps what is shown');
    assert.deepEqual(
      entering(shown, 3, [candidate(2, 0.72), candidate(1, 0.75)]).map((c) => c.key),
      [1],
      'two new patents above the cut-off compete for the last slot: only the better enters',
    );
    assert.deepEqual(entering(shown, 3, [candidate(2, 0.85), candidate(1, 0.95)]).map((c) => c.key), [1, 2], 'both enter when both beat the second');
    assert.deepEqual(entering([0.9, 0.8, 0.7, 0.75], 3, [candidate(1, 0.74)]).map((c) => c.key), [], 'the cut-off counts patents added before (N-th of all shown)');
  });

  test('each mode scores as its search does', () => {
    const signals = { key: 7, abstractCosine: 0.6, titleCosine: 0.4, abstractBm25: 9, titleBm25: 12 };
    const maxima = { abstract: 12, title: 6 };
    assert.equal(scoreSignals('dense', signals, null, defaultHybridOptions)!.score, 0.6);
    assert.equal(scoreSignals('seed', signals, null, defaultHybridOptions)!.score, 0.5);
    assert.equal(scoreSignals('lexical', signals, maxima, defaultHybridOptions)!.score, (0.75 + 1) / 2, 'each BM25 divided by its maximum, capped at 1');
    assert.ok(Math.abs(scoreSignals('hybrid', signals, maxima, defaultHybridOptions)!.score - (0.7 * 0.5 + 0.3 * 0.875)) < 1e-12);
    const noKeyword = { ...signals, abstractBm25: 0 };
    assert.equal(scoreSignals('lexical', noKeyword, maxima, defaultHybridOptions), undefined, 'keyword search would not find it');
    assert.ok(Math.abs(scoreSignals('hybrid', noKeyword, maxima, defaultHybridOptions)!.score - 0.35) < 1e-12, 'lexical score 0 in hybrid');
  });
});

describe('watch run (real home, char model, real indexes)', () => {
  let testHome: TestHome;
  let engine: SearchEngine;
  let service: MatchService;
  let store: PatentStore;
  let owner: User;
  const run = () => watchHome(testHome.home, { publicUrl: 'http://patmatch.test' });

  before(async () => {
    testHome = await buildTestHome();
    store = openStore(testHome.home);
    const texts = [...store.iterate()].flat().flatMap((p) => [p.title, p.abstract]);
    await writeCharModel(join(testHome.home, 'char-model'), [...texts, '초전도 양자 광섬유 센서 무선 충전']);
    await buildIndexes(testHome.home, { embedder: `static:${join(testHome.home, 'char-model')}` });
    engine = await openSearchEngine(testHome.home);
    service = new MatchService({ db: store.db, search: engine, secret: randomBytes(32), publicUrl: 'http://patmatch.test', recommendations: 5 });
    owner = await service.accounts.create({ email: 'buyer@corp.example', password: 'correct horse battery', role: 'demander' });
  });

  after(async () => {
    await engine?.close();
    store?.close();
    await testHome?.cleanup();
  });

  const recommendations = (id: number): Recommendation[] =>
    JSON.parse((store.db.prepare('SELECT recommendations FROM match_demands WHERE id = ?').get(id) as { recommendations: string }).recommendations);

  test('new patents that enter the top N are added once, with one digest each; the rest are not', async () => {
    const hybrid = await service.createDemand(owner, { name: '그래핀 전극', description: '슈퍼커패시터용 그래핀 전극 제조방법' });
    const lexical = await service.createDemand(owner, { name: '그래핀 전극', description: '슈퍼커패시터용 그래핀 전극 제조방법', mode: 'lexical' });
    const filtered = await service.createDemand(owner, { name: '그래핀 전극', description: '슈퍼커패시터용 그래핀 전극 제조방법', filters: { ipc: 'A61K' } });
    const first = await run();
    assert.deepEqual([first.newRecommendations, first.emailsQueued], [0, 0], 'the first run only starts the demands');

    const best = hybrid.recommendations[0]!;
    store.upsertPatents(
      [
        samplePatent('1020990000101', { title: best.title, abstract: best.abstract, ipc: ['H01G 11/36'] }),
        samplePatent('1020990000102', { title: '무선 충전 장치', abstract: '초전도 양자 광섬유 센서를 이용한 무선 충전 장치에 관한 것이다.' }),
      ],
      'test:new',
    );
    await buildIndexes(testHome.home);
    const report = await run();
    assert.equal(report.demands, 3);
    const added = (id: number) => recommendations(id).filter((hit) => hit.addedAt);
    assert.deepEqual(added(hybrid.id).map((hit) => hit.applicationNumber), ['1020990000101'], 'the copy of the best hit enters, the unrelated patent does not');
    assert.deepEqual(added(lexical.id).map((hit) => hit.applicationNumber), ['1020990000101']);
    assert.deepEqual(added(filtered.id), [], 'the filter (IPC A61K) keeps it out');
    const hit = added(hybrid.id)[0]!;
    assert.match(hit.build!, /@\d+$/);
    assert.ok(hit.explanation.sentences.length > 0, 'explained like a search hit');
    assert.equal(recommendations(hybrid.id).slice(0, hybrid.recommendations.length).map((r) => r.applicationNumber).join(), hybrid.recommendations.map((r) => r.applicationNumber).join(), 'nothing shown moves');
    const digests = service.outbox.list().filter((email) => email.kind === 'watch-digest');
    assert.equal(digests.length, 2);
    assert.equal(report.emailsQueued, 2);
    assert.match(digests[0]!.text, /1020990000101/);
    assert.match(digests[0]!.text, /\/match\/demands\/\d+\/unwatch\?expires=\d+&sig=/);

    // The patent changes again: already recommended, it is not added twice.
    store.upsertPatents([samplePatent('1020990000101', { title: best.title, abstract: `${best.abstract} 개정.`, ipc: ['H01G 11/36'] })], 'test:update');
    await buildIndexes(testHome.home);
    const again = await run();
    assert.deepEqual([again.newRecommendations, again.emailsQueued], [0, 0]);
    assert.equal(added(hybrid.id).length, 1);
  });

  test('lexical and hybrid scores of the watch equal what search gives for the same patents', async () => {
    const components = await openSearchComponents(testHome.home);
    const fresh = await openSearchEngine(testHome.home);
    try {
      const query = '그래핀 전극\n슈퍼커패시터용 그래핀 전극 제조방법';
      const lexicalQuery = expandQuery(query, components.lexicon ?? null).text;
      const raw = await rawLexicalScores(components.lexical, { query, lexicalQuery, k: 1000, allowed: null });
      const maxima = { abstract: Math.max(...raw.abstract.values()), title: Math.max(...raw.title.values()) };
      for (const mode of ['lexical', 'hybrid'] as const) {
        const { hits } = await fresh.search(query, { mode, top: 10 });
        const keys = hits.map((h) => store.getByApplicationNumber(h.applicationNumber)!.id);
        const abstractBm25 = await components.lexical.scoreKeys(lexicalQuery, 'abstract', keys);
        const titleBm25 = await components.lexical.scoreKeys(lexicalQuery, 'title', keys);
        const vector = (await components.dense!.embedder.embed([query], { kind: 'query' }))[0]!;
        const abstractCosines = components.dense!.vectors.abstractScores(vector, keys);
        const titleCosines = components.dense!.vectors.titleScores(vector, keys);
        hits.forEach((h, i) => {
          const signals = { key: keys[i]!, abstractCosine: abstractCosines[i]!, titleCosine: titleCosines[i]!, abstractBm25: abstractBm25.get(keys[i]!)!, titleBm25: titleBm25.get(keys[i]!)! };
          const score = scoreSignals(mode, signals, maxima, defaultHybridOptions)?.score ?? 0;
          assert.ok(Math.abs(score - h.score) < 1e-6, `${mode} ${h.applicationNumber}: watch ${score}, search ${h.score}`);
        });
      }
    } finally {
      await fresh.close();
      await components.onClose();
    }
  });
});
