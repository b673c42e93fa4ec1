import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createAnalyzer, normalizeText, stemPlural, type KoreanAnalyzer } from './index.js';
import { readSamplePatents } from './test-support/sample-patents.js';

describe('normalizeText', () => {
  test('strips markup, decodes entities, applies NFKC and collapses whitespace', () => {
    assert.equal(normalizeText('  H<sub>2</sub>O &amp; ＡＢＣ<br>전극\u200b\t\n소재 '), 'H2O & ABC 전극 소재');
    assert.equal(normalizeText('<p>첫째</p><p>둘째</p><!-- 주석 -->'), '첫째 둘째');
    assert.equal(normalizeText('온도 &lt;100&gt; ① ㎏'), '온도 <100> 1 kg');
  });

  test('keeps comparison signs that are not tags', () => {
    assert.equal(normalizeText('a < b > c'), 'a < b > c');
  });

  test('removes control characters, lone surrogates and zero-width characters', () => {
    assert.equal(normalizeText('a\u0000b\u0007c \uD800d\uFEFF\u00ADe'), 'a b c de');
    assert.equal(normalizeText(''), '');
    assert.equal(normalizeText(' \t\r\n '), '');
  });
});

describe('stemPlural', () => {
  test('reduces -ies, -es and -s plurals, leaves -ss, -us and short words', () => {
    const pairs = [
      ['batteries', 'battery'], ['electrodes', 'electrode'], ['cells', 'cell'], ['glass', 'glass'],
      ['bus', 'bus'], ['corpus', 'corpus'], ['gas', 'gas'], ['shoes', 'shoe'],
    ];
    assert.deepEqual(pairs.map(([word]) => stemPlural(word!)), pairs.map(([, stem]) => stem));
  });
});

describe('Korean analyser', () => {
  let analyzer: KoreanAnalyzer;
  before(async () => {
    analyzer = await createAnalyzer();
  });

  test('keeps content morphemes of a Korean sentence and drops particles and endings', () => {
    const terms = analyzer.terms('딥러닝을 활용한 영상 인식');
    assert.ok(terms.includes('딥러닝') || (terms.includes('딥') && terms.includes('러닝')), terms.join(' '));
    for (const term of ['활용', '영상', '인식']) assert.ok(terms.includes(term), `${term} in ${terms.join(' ')}`);
    for (const term of ['을', '한', '하']) assert.ok(!terms.includes(term), `${term} not in ${terms.join(' ')}`);
  });

  test('morphemes carry ko-dic tags, particles included', () => {
    const morphemes = analyzer.morphemes('전극을 형성한다');
    assert.deepEqual(morphemes[0], { surface: '전극', pos: 'NNG' });
    assert.deepEqual(morphemes[1], { surface: '을', pos: 'JKO' });
    assert.ok(morphemes.some((m) => m.surface === '형성' && m.pos === 'NNG'));
  });

  test('gives stems of inflected verbs and adjectives', () => {
    const terms = analyzer.terms('만들어진 장치는 빠르고 작다');
    for (const term of ['만들', '장치', '빠르', '작']) assert.ok(terms.includes(term), `${term} in ${terms.join(' ')}`);
  });

  test('indexes hanja by Hangul reading and expands dictionary compounds', () => {
    assert.ok(analyzer.terms('電極').includes('전극'));
    const terms = analyzer.terms('인공지능');
    for (const term of ['인공지능', '인공', '지능']) assert.ok(terms.includes(term), `${term} in ${terms.join(' ')}`);
  });

  test('lowercases English words, stems plurals and drops stopwords', () => {
    assert.deepEqual(analyzer.terms('This: the Batteries and Cells of the SAME'), ['battery', 'cell']);
  });

  test('keeps foreign words and numbers inside mixed text', () => {
    const terms = analyzer.terms('CNN 기반의 3D 영상, LiFePO4 양극재(cathode) 10개');
    for (const term of ['cnn', '기반', '3d', '영상', 'lifepo4', '양극', 'cathode', '10']) {
      assert.ok(terms.includes(term), `${term} in ${terms.join(' ')}`);
    }
    assert.ok(!terms.includes('의') && !terms.includes(','));
  });

  test('returns no terms for empty, symbol-only and emoji input', () => {
    for (const text of ['', '   ', '!!!@@@ ... ---', '😀👍🏽🇰🇷', '<br/>&nbsp;', '\u0000\uD800']) {
      assert.deepEqual(analyzer.terms(text), [], JSON.stringify(text));
    }
  });

  test('every term is a single run of letters, digits and marks', () => {
    const hostile = 'a"b*c NEAR(x, 3) title:y {a b} ^z \'q\' 전극"을 <script>alert(1)</script> \uD83D';
    for (const term of analyzer.terms(hostile)) assert.match(term, /^[\p{L}\p{N}\p{M}]+$/u);
  });

  test('analyses a long text in pieces exactly as its parts', async () => {
    const abstract = (await readSamplePatents()).find((patent) => patent.abstract.length > 300)!.abstract;
    const long = Array.from({ length: 40 }, () => abstract).join(' ');
    assert.ok(long.length > 10_000);
    const once = analyzer.terms(abstract);
    assert.ok(once.length > 20);
    assert.deepEqual(analyzer.terms(long), Array.from({ length: 40 }, () => once).flat());
  });

  test('a word gives the same terms alone, first, last or amid others', () => {
    // Alone, lindera joins 제품의 to the text's start and end and splits it as 제 + 품의.
    assert.deepEqual(analyzer.terms('제품의'), ['제품']);
    const sentence = '본 발명은 제품의 표면을 검사하는 장치의 카메라에 관한 것이다.';
    assert.deepEqual(analyzer.terms(sentence), sentence.split(' ').flatMap((word) => analyzer.terms(word)));
  });

  test('remembering words changes no term', async () => {
    const abstracts = (await readSamplePatents()).slice(0, 200).map((patent) => patent.abstract);
    const forgetful = await createAnalyzer({ wordCacheSize: 0 });
    const small = await createAnalyzer({ wordCacheSize: 50 });
    const expected = abstracts.map((text) => forgetful.terms(text));
    assert.deepEqual(abstracts.map((text) => small.terms(text)), expected);
    assert.deepEqual(abstracts.map((text) => small.terms(text)), expected);
    assert.deepEqual(abstracts.map((text) => analyzer.terms(text)), expected);
    assert.equal(forgetful.signature, analyzer.signature);
  });

  test('rejects a cache size that is not a whole number', async () => {
    await assert.rejects(createAnalyzer({ wordCacheSize: -1 }), /wordCacheSize: -1 is not an integer ≥ 0/);
    await assert.rejects(createAnalyzer({ wordCacheSize: 1.5 }), /wordCacheSize/);
  });

  test('survives long texts without spaces', () => {
    assert.equal(analyzer.terms('x'.repeat(100_000)).join('').length, 100_000);
    const korean = analyzer.terms('전극'.repeat(50_000));
    assert.ok(korean.length > 0 && korean.every((term) => /^[전극]+$/.test(term)), korean.slice(0, 5).join(' '));
  });

  test('analysers with other options get another signature', async () => {
    const plain = await createAnalyzer({ stemEnglishPlurals: false });
    assert.notEqual(plain.signature, analyzer.signature);
    assert.equal((await createAnalyzer()).signature, analyzer.signature);
    assert.deepEqual(plain.terms('cells'), ['cells']);
  });
});
