import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../../cli/context.js';
import type { Explanation } from '../../domain/index.js';
import type { Embedder } from '../../embed/types.js';
import { loadEmbedder } from '../../embed/index.js';
import { writeCharModel } from '../../embed/test-support/index.js';
import { ingest } from '../../ingest/index.js';
import { openStore, type StoredPatent } from '../../store/index.js';
import { createAnalyzer, type KoreanAnalyzer } from '../../text/index.js';
import { createQueryLexicon } from '../../text/lexicon/index.js';
import { createExplainer, splitSentences } from './index.js';

let dir: string;
let patents: StoredPatent[];
let analyzer: KoreanAnalyzer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patmatch-explain-'));
  const store = openStore(join(dir, 'home'));
  try {
    await ingest(store, [join(sharedDataDir(), 'kipris')]);
    patents = [...store.iterate()].flat();
  } finally {
    store.close();
  }
  analyzer = await createAnalyzer();
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every offset of an explanation names the text it claims, in the patent as stored. */
function assertOffsetsHold(patent: { title: string; abstract: string }, explanation: Explanation): void {
  for (const sentence of explanation.sentences) assert.equal(patent.abstract.slice(sentence.start, sentence.end), sentence.text);
  for (const term of explanation.terms) {
    const surface = patent[term.field].slice(term.start, term.end);
    assert.ok(surface.length > 0 && surface.trim() === surface, `${term.term} at ${term.start}–${term.end} of the ${term.field}: "${surface}"`);
  }
}

describe('splitSentences', () => {
  test('joins what ICU splits wrongly in patent text: abbreviations, unclosed brackets, list numbers', () => {
    const cases: [string, string[]][] = [
      ['본 발명은 Fig. 1에 나타낸다. 두께는 1.5 mm이다.', ['본 발명은 Fig. 1에 나타낸다.', '두께는 1.5 mm이다.']],
      ['기판(10)과 전극(20) 등. 그리고 본 발명은 좋다.', ['기판(10)과 전극(20) 등.', '그리고 본 발명은 좋다.']],
      ['약 3.5 wt.% 이다. 끝.', ['약 3.5 wt.% 이다.', '끝.']],
      ['1. 기술분야 본 발명은 좋다. 2. 주요구성 본 발명은', ['1. 기술분야 본 발명은 좋다.', '2. 주요구성 본 발명은']],
      ['설펄로버스속(Sulfolobus sp.)에서 유래된 효소. 다음 문장.', ['설펄로버스속(Sulfolobus sp.)에서 유래된 효소.', '다음 문장.']],
      ['The device works. It is good.', ['The device works.', 'It is good.']],
      ['이점이 있다.또한, 보안을 위해 쓴다.', ['이점이 있다.', '또한, 보안을 위해 쓴다.']],
      ['  ', []],
    ];
    for (const [text, expected] of cases) assert.deepEqual(splitSentences(text).map((s) => text.slice(s.start, s.end)), expected, text);
  });

  test('on the real abstracts, sentences are trimmed, in order, separated by spaces and cover every character', () => {
    let truncated = 0;
    for (const { abstract } of patents) {
      const spans = splitSentences(abstract);
      let previousEnd = 0;
      for (const [i, span] of spans.entries()) {
        const sentence = abstract.slice(span.start, span.end);
        assert.equal(sentence.trim(), sentence);
        assert.ok(span.start >= previousEnd);
        // A sentence glued to the one before (`…(` | `이하생략)`, `sp.)` | `에서`) is a wrong split,
        // unless a Korean sentence ended there (`있다.또한`).
        const glued = i > 0 && span.start === previousEnd && !/\p{Script=Hangul}[.?!]$/u.test(abstract.slice(0, previousEnd));
        assert.ok(!glued, `${abstract.slice(previousEnd - 20, span.start + 10)}`);
        assert.ok(spans.length === 1 || /\p{L}/u.test(sentence), `a sentence without letters: "${sentence}"`);
        previousEnd = span.end;
      }
      assert.equal(spans.map((s) => abstract.slice(s.start, s.end)).join('').replace(/\s/gu, ''), abstract.replace(/\s/gu, ''));
      if (abstract.includes('...(이하생략)')) {
        truncated++;
        assert.ok(abstract.slice(spans.at(-1)!.start, spans.at(-1)!.end).endsWith('...(이하생략)'));
      }
    }
    assert.ok(truncated > 10, `${truncated} truncated abstracts seen`);
  });
});

describe('explanations without a model (term overlap)', () => {
  test('a Korean demand: its terms are marked in title and abstract at their surface, the best sentence holds them', async () => {
    const patent = patents.find((p) => p.title.includes('그래핀') && p.abstract.includes('전극'))!;
    const explainer = createExplainer({ analyzer, embedder: null, lexicon: null });
    const [explanation] = await explainer.explain('그래핀을 이용한 전극', [patent]);
    assertOffsetsHold(patent, explanation!);
    const marked = (field: 'title' | 'abstract') => explanation!.terms.filter((t) => t.field === field).map((t) => patent[field].slice(t.start, t.end));
    assert.ok(marked('title').includes('그래핀'));
    assert.ok(marked('abstract').includes('전극'));
    assert.deepEqual(new Set(explanation!.terms.map((t) => t.term)), new Set(['그래핀', '이용', '전극'].filter((t) => explanation!.terms.some((x) => x.term === t))));
    const best = explanation!.sentences[0]!;
    assert.ok(best.score > 0 && /그래핀|전극/u.test(best.text), best.text);
    for (const sentence of explanation!.sentences.slice(1)) assert.ok(sentence.score <= best.score);
  });

  test('an English demand marks the Korean words the lexicon adds; without the lexicon they are not marked', async () => {
    const patent = patents.find((p) => ['그래핀', '센서'].every((term) => analyzer.terms(p.abstract).includes(term)))!;
    const lexicon = createQueryLexicon([
      { english: 'graphene', korean: '그래핀' },
      { english: 'sensor', korean: '센서' },
    ]);
    const [withLexicon] = await createExplainer({ analyzer, embedder: null, lexicon }).explain('graphene sensors', [patent]);
    const [without] = await createExplainer({ analyzer, embedder: null, lexicon: null }).explain('graphene sensors', [patent]);
    assertOffsetsHold(patent, withLexicon!);
    const abstractTerms = withLexicon!.terms.filter((t) => t.field === 'abstract');
    assert.ok(abstractTerms.some((t) => t.term === '그래핀' && patent.abstract.slice(t.start, t.end) === '그래핀'));
    assert.ok(abstractTerms.some((t) => t.term === '센서'));
    assert.ok(!without!.terms.some((t) => t.term === '그래핀' || t.term === '센서'));
  });

  test('offsets are UTF-16 units of the original text: astral characters, English plurals, full-width letters, compounds', async () => {
    const patent = {
      title: '😀 인공지능 sensors',
      abstract: '𠀀𠀀 ＣＮＮ 모델과 인공지능을 쓴다. 그러나 센서는 Sensors 이다.',
    };
    const [explanation] = await createExplainer({ analyzer, embedder: null, lexicon: null }).explain('인공지능 sensor CNN', [patent]);
    assertOffsetsHold(patent, explanation!);
    const spans = explanation!.terms.map((t) => [t.field, t.term, patent[t.field].slice(t.start, t.end)]);
    assert.deepEqual(spans, [
      ['title', '인공지능', '인공지능'],
      ['title', 'sensor', 'sensors'],
      ['abstract', 'cnn', 'ＣＮＮ'],
      ['abstract', '인공지능', '인공지능'],
      ['abstract', 'sensor', 'Sensors'],
    ]);
  });

  test('an empty abstract has no sentences; a page of none gives none', async () => {
    const explainer = createExplainer({ analyzer, embedder: null, lexicon: null });
    const [explanation] = await explainer.explain('그래핀', [{ title: '그래핀 전극', abstract: '' }]);
    assert.deepEqual(explanation!.sentences, []);
    assert.deepEqual(await explainer.explain('그래핀', []), []);
  });
});

describe('explanations with a model (cosine)', () => {
  let embedder: Embedder;
  before(async () => {
    const modelDir = join(dir, 'model');
    await writeCharModel(modelDir, patents.flatMap((p) => [p.title, p.abstract]));
    embedder = await loadEmbedder(`static:${modelDir}`);
  });
  after(async () => {
    await embedder?.close();
  });

  test('a sentence of the abstract given as the demand is the best sentence, with cosine 1, also from the cache', async () => {
    const page = patents.filter((p) => splitSentences(p.abstract).length >= 6).slice(0, 10);
    assert.equal(page.length, 10);
    const patent = page[3]!;
    const spans = splitSentences(patent.abstract).filter((s) => patent.abstract.slice(s.start, s.end).split(' ').length >= 4);
    const demand = patent.abstract.slice(spans[2]!.start, spans[2]!.end);
    const explainer = createExplainer({ analyzer, embedder, lexicon: null });
    for (const round of ['computed', 'cached']) {
      const explanations = await explainer.explain(demand, page);
      explanations.forEach((explanation, i) => assertOffsetsHold(page[i]!, explanation));
      const { sentences } = explanations[3]!;
      assert.equal(sentences.length, 3, round);
      assert.equal(sentences[0]!.text, demand, round);
      assert.ok(Math.abs(sentences[0]!.score - 1) < 1e-4, `${round}: ${sentences[0]!.score}`);
      assert.ok(sentences[1]!.score <= sentences[0]!.score && sentences[2]!.score <= sentences[1]!.score);
    }
  });

  test('the query vector given by the caller is used instead of embedding the query again', async () => {
    const page = patents.slice(0, 5);
    const explainer = createExplainer({ analyzer, embedder, lexicon: null });
    const query = page[0]!.title;
    const [vector] = await embedder.embed([query], { kind: 'query' });
    assert.deepEqual(await explainer.explain(query, page, vector), await explainer.explain(query, page), 'the same vector gives the same explanations');
    const [other] = await embedder.embed([page[4]!.title], { kind: 'query' });
    const scores = (explanations: { sentences: { score: number }[] }[]) => explanations.map((e) => e.sentences.map((s) => s.score));
    assert.notDeepEqual(scores(await explainer.explain(query, page, other)), scores(await explainer.explain(query, page)), 'another vector scores the sentences against it');
  });
});
