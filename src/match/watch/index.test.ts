import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildTestHome, type TestHome } from '../../api/test-support/home.js';
import { writeCharModel } from '../../embed/test-support/index.js';
import { buildIndexes } from '../../index/build/index.js';
import type { SearchMode } from '../../domain/index.js';
import { defaultHybridOptions, type ScoredCandidate } from '../../search/fusion.js';
import { openSearchComponents, openSearchEngine, type SearchEngine } from '../../search/index.js';
import { rawLexicalScores } from '../../search/rank.js';
import { openStore, type PatentStore } from '../../store/index.js';
import { samplePatent } from '../../store/test-support.js';
import { createRandom } from '../../train/random.js';
import { expandQuery } from '../../text/lexicon/index.js';
import { MatchService, type User } from '../index.js';
import type { Recommendation } from './demands.js';
import { CandidateBatch } from './candidates.js';
import { couldEnter, cutoffOf, entering, scoreOf, scoreSignals, UNKNOWN_BM25, watchHome } from './index.js';

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

const MODES: readonly SearchMode[] = ['lexical', 'dense', 'seed', 'hybrid'];

describe('watch pruning', () => {
  test('cutoffOf is the N-th best shown score; nothing enters with N = 0, anything while fewer than N are shown', () => {
    assert.equal(cutoffOf([0.9, 0.7, 0.8], 3), 0.7);
    assert.equal(cutoffOf([0.9, 0.7, 0.8, 0.75], 3), 0.75);
    assert.equal(cutoffOf([0.9], 0), Number.POSITIVE_INFINITY);
    assert.equal(cutoffOf([0.9], 2), Number.NEGATIVE_INFINITY);
  });

  test('scoreOf equals scoreSignals, and with a BM25 unknown it bounds every score the patent could get', () => {
    const { next } = createRandom(7);
    const maxima = { abstract: 10, title: 4 };
    for (let i = 0; i < 2_000; i++) {
      const known = { key: i, abstractCosine: next() * 2 - 1, titleCosine: next() * 2 - 1, abstractBm25: next() < 0.3 ? 0 : next() * 14, titleBm25: next() < 0.3 ? 0 : next() * 6 };
      for (const mode of MODES) {
        const score = scoreSignals(mode, known, maxima, defaultHybridOptions)?.score;
        assert.equal(scoreOf(mode, known, maxima, defaultHybridOptions), score);
        if (score === undefined) continue;
        for (const unknown of [{ titleBm25: UNKNOWN_BM25 }, { abstractBm25: UNKNOWN_BM25, titleBm25: UNKNOWN_BM25 }]) {
          const bound = scoreOf(mode, { ...known, ...unknown }, maxima, defaultHybridOptions)!;
          assert.ok(bound >= score, `${mode} ${JSON.stringify(known)}: bound ${bound} < score ${score}`);
        }
      }
    }
  });

  test('leaving out the candidates couldEnter rejects never changes what enters, rounding ties included', () => {
    const { next } = createRandom(11);
    for (let round = 0; round < 500; round++) {
      const n = Math.floor(next() * 6);
      const shown = Array.from({ length: n + Math.floor(next() * 3) }, () => Math.round(next() * 1e3) / 1e3);
      const cutoff = cutoffOf(shown, n);
      // Scores close to the cut-off, within a few rounding steps of 6 decimals either side.
      const candidates = Array.from({ length: 12 }, (_, key) => candidate(key, (Number.isFinite(cutoff) ? cutoff : 0.5) + (next() - 0.5) * 4e-6));
      const kept = candidates.filter((c) => couldEnter(c.score, cutoff));
      assert.deepEqual(entering(shown, n, kept), entering(shown, n, candidates), `shown ${shown}, n ${n}`);
    }
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

  test('contenders leave out only patents that cannot enter: the same patents enter as when every patent is scored', async () => {
    const components = await openSearchComponents(testHome.home);
    try {
      const { lexical, dense } = components;
      const batch = await CandidateBatch.open(components.store, lexical, dense, 0, components.store.currentRevision);
      const keys = batch.keys;
      let pruned = 0;
      for (const query of ['그래핀 전극\n슈퍼커패시터용 그래핀 전극 제조방법', '무선 충전 장치', '초전도 양자 광섬유 센서 영상']) {
        const vector = (await dense!.embedder.embed([query], { kind: 'query' }))[0]!;
        const lexicalQuery = expandQuery(query, components.lexicon ?? null).text;
        const [abstractBm25, titleBm25] = [await lexical.scoreKeys(lexicalQuery, 'abstract', keys), await lexical.scoreKeys(lexicalQuery, 'title', keys)];
        const [abstractCosines, titleCosines] = [dense!.vectors.abstractScores(vector, keys), dense!.vectors.titleScores(vector, keys)];
        // Below the highest BM25, so that some shares are capped at 1.
        const maxima = { abstract: 0.8 * Math.max(...abstractBm25.values()), title: 0.8 * Math.max(...titleBm25.values()) };
        for (const mode of MODES) {
          const keywords = mode === 'lexical' || mode === 'hybrid';
          const every = keys.flatMap(
            (key, i) =>
              scoreSignals(
                mode,
                { key, abstractCosine: mode === 'lexical' ? 0 : abstractCosines[i]!, titleCosine: mode === 'lexical' ? 0 : titleCosines[i]!, abstractBm25: keywords ? abstractBm25.get(key)! : 0, titleBm25: keywords ? titleBm25.get(key)! : 0 },
                maxima,
                defaultHybridOptions,
              ) ?? [],
          );
          const best = every.map((c) => Math.round(c.score * 1e6) / 1e6).sort((a, b) => b - a);
          for (const n of [1, 3, 8]) {
            const shown = best.slice(2, 2 + n);
            const demand = { mode, vector: mode === 'lexical' ? null : vector, lexicalQuery: keywords ? lexicalQuery : null, maxima: keywords ? maxima : null };
            const contenders = await batch.contenders(demand, cutoffOf(shown, n), defaultHybridOptions, () => true);
            pruned += keys.length - contenders.length;
            const entered = entering(shown, n, contenders.flatMap((signals) => scoreSignals(mode, signals, demand.maxima, defaultHybridOptions) ?? []));
            assert.deepEqual(entered.map((c) => c.key), entering(shown, n, every).map((c) => c.key), `${mode}, n ${n}, ${query}`);
          }
        }
      }
      assert.ok(pruned > 0, 'some patents were left out');
    } finally {
      await components.onClose();
    }
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
