import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sharedDataDir } from '../../cli/context.js';
import { applicantList, inventorList, knownNames, nameKey, NO_KNOWN_NAMES, splitJoinedNames } from './index.js';

describe('applicantList: separators', () => {
  test('KIPRIS |, WIPS ON " | ", ; and line breaks separate; order is kept', () => {
    assert.deepEqual(applicantList('삼성전자주식회사|서울대학교산학협력단').names, ['삼성전자주식회사', '서울대학교산학협력단']);
    assert.deepEqual(applicantList('인천대학교 산학협력단 | 에이치씨테크(주)').names, ['인천대학교 산학협력단', '에이치씨테크(주)']);
    assert.deepEqual(applicantList('A Corp; B Inc\nC Ltd').names, ['A Corp', 'B Inc', 'C Ltd']);
    assert.equal(applicantList('a|b').outcome, 'separated');
  });

  test('a comma never separates: a personal name written "성, 이름" stays one name', () => {
    assert.deepEqual(applicantList('홍, 길동').names, ['홍, 길동']);
    assert.deepEqual(applicantList('KIM, Chul Soo|LEE, Young Hee').names, ['KIM, Chul Soo', 'LEE, Young Hee']);
  });

  test('full-width characters and spaces are normalised, forms are kept as written; duplicates by key dropped', () => {
    assert.deepEqual(applicantList('㈜에이치씨테크｜ 인천대학교　산학협력단 ').names, ['(주)에이치씨테크', '인천대학교 산학협력단']);
    assert.deepEqual(applicantList('(주)에이치씨테크|에이치씨테크 주식회사').names, ['(주)에이치씨테크']);
  });

  test('array items (repeated XML elements, JSON arrays) are whole names, never split at spaces', () => {
    assert.deepEqual(applicantList(['재단법인 하이브리드 인터페이스기반 미래소재 연구단', '서울대학교산학협력단']).names, [
      '재단법인 하이브리드 인터페이스기반 미래소재 연구단',
      '서울대학교산학협력단',
    ]);
    assert.deepEqual(applicantList(['서재곤 김종범']).names, ['서재곤 김종범']);
    assert.deepEqual(applicantList(null).names, []);
    assert.deepEqual(applicantList(['', 3, '  ']).names, []);
  });
});

describe('splitJoinedNames: space-joined co-applicants', () => {
  const cases: Array<[string, string[]]> = [
    ['현대자동차주식회사 기아자동차주식회사 인천대학교 산학협력단', ['현대자동차주식회사', '기아자동차주식회사', '인천대학교 산학협력단']],
    ['지오씨 주식회사 인천대학교 산학협력단', ['지오씨 주식회사', '인천대학교 산학협력단']],
    ['인천대학교 산학협력단 (주) 디.에이치.테크 주식회사 에스 피 지', ['인천대학교 산학협력단', '(주) 디.에이치.테크', '주식회사 에스 피 지']],
    ['인천대학교 산학협력단 상명대학교 천안산학협력단', ['인천대학교 산학협력단', '상명대학교 천안산학협력단']],
    ['서재곤 인천대학교 산학협력단 서은석', ['서재곤', '인천대학교 산학협력단', '서은석']],
    ['한국광기술원 하이프레스 인코포레이티드 강준희', ['한국광기술원', '하이프레스 인코포레이티드', '강준희']],
    ['농업회사법인 에이앤피테크놀로지주식회사 인천대학교 산학협력단', ['농업회사법인 에이앤피테크놀로지주식회사', '인천대학교 산학협력단']],
  ];
  for (const [field, names] of cases) {
    test(field, () => assert.deepEqual(splitJoinedNames(field, NO_KNOWN_NAMES), { names, outcome: 'split' }));
  }

  test('one organisation is one name', () => {
    for (const name of ['인천대학교 산학협력단', '주식회사 지브레인', '재단법인 아산사회복지재단', '한국기계연구원']) {
      assert.deepEqual(splitJoinedNames(name, NO_KNOWN_NAMES), { names: [name], outcome: 'single' });
    }
  });

  test('kept whole when unsure: two readings cost the same, or no reading at all', () => {
    // `알파 주식회사` + `베타`, or `알파` + `주식회사 베타`?
    assert.deepEqual(splitJoinedNames('알파 주식회사 베타', NO_KNOWN_NAMES), { names: ['알파 주식회사 베타'], outcome: 'kept-whole' });
    assert.equal(splitJoinedNames('SAMSUNG ELECTRONICS', NO_KNOWN_NAMES).outcome, 'kept-whole');
  });

  test('a known name settles what forms cannot; a known co-applied string is not used as one name', () => {
    const known = knownNames(['알파 주식회사', '인천대학교 산학협력단 에이치씨테크(주)', 'SAMSUNG ELECTRONICS']);
    assert.deepEqual(splitJoinedNames('알파 주식회사 베타', known).names, ['알파 주식회사', '베타']);
    assert.deepEqual(splitJoinedNames('SAMSUNG ELECTRONICS 인천대학교 산학협력단', known).names, ['SAMSUNG ELECTRONICS', '인천대학교 산학협력단']);
    assert.deepEqual(splitJoinedNames('인천대학교 산학협력단 에이치씨테크(주)', known).names, ['인천대학교 산학협력단', '에이치씨테크(주)']);
  });
});

describe('inventorList', () => {
  test('space-joined Korean personal names are split; anything else stays whole', () => {
    assert.deepEqual(inventorList('안호선 김지훈 이길원'), ['안호선', '김지훈', '이길원']);
    assert.deepEqual(inventorList('John Smith'), ['John Smith']);
    assert.deepEqual(inventorList('KIM, Chul Soo; 이영희'), ['KIM, Chul Soo', '이영희']);
    assert.deepEqual(inventorList(['홍길동', '김철수']), ['홍길동', '김철수']);
  });
});

describe('nameKey', () => {
  test('company forms, spaces, width and case do not matter', () => {
    assert.equal(nameKey('(주) 에이치씨테크'), nameKey('에이치씨테크 주식회사'));
    assert.equal(nameKey('㈜ＡＢＣ'), 'abc');
  });
});

describe('the 123 rows of inu-patents.csv with 인천대학교 and another applicant', () => {
  const rows = parse(readFileSync(join(sharedDataDir(), 'kipris', 'inu-patents.csv')), { bom: true, relax_column_count: true }) as string[][];
  const applicantColumn = rows[0]!.findIndex((cell) => cell.startsWith('출원인'));
  const fields = rows
    .slice(1)
    .map((row) => row[applicantColumn]!.trim())
    .filter((field) => field.includes('인천대학교') && field !== '인천대학교 산학협력단');

  test('all 123 are split, none kept whole, and every word is kept in order', () => {
    assert.equal(fields.length, 123);
    const outcomes = fields.map((field) => ({ field, ...applicantList(field) }));
    const count = (outcome: string) => outcomes.filter((item) => item.outcome === outcome).length;
    assert.deepEqual({ split: count('split'), keptWhole: count('kept-whole') }, { split: 123, keptWhole: 0 });
    for (const { field, names } of outcomes) assert.equal(names.join(' '), field.replace(/\s+/g, ' '));
    const withInu = outcomes.filter(({ names }) => names.some((name) => name.startsWith('인천대학교 ')));
    assert.equal(withInu.length, 123);
  });
});
