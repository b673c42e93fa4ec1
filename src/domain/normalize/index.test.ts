import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normalizeApplicationNumber,
  normalizeDate,
  normalizeIpc,
  normalizePatent,
  normalizeText,
  splitTitle,
} from './index.js';

describe('normalizeApplicationNumber', () => {
  const cases: Array<[unknown, string | null]> = [
    ['10-2016-0138184', '1020160138184'],
    ['1020160138184', '1020160138184'],
    [' 10 2016 0138184 ', '1020160138184'],
    ['2015-7008399', '1020157008399'],
    ['20-2019-0001234', '2020190001234'],
    [1020160138184, '1020160138184'],
    ['１０２０１６０１３８１８４', '1020160138184'],
    ['30-2016-0138184', null],
    ['12-34', null],
    ['10-2016-013818', null],
    ['10201601381845', null],
    ['10-1899-0138184', null],
    ['KR1020160138184', null],
    ['', null],
    [null, null],
    [{}, null],
    ['1e12', null],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(normalizeApplicationNumber(input), expected));
  }
});

describe('splitTitle', () => {
  const cases: Array<[string, string, string | null]> = [
    [
      '스프레이 분사를 이용한 그래핀 전극의 제조방법(PREPARATION METHOD OF 3D GRAPHENE ELECTRODE)',
      '스프레이 분사를 이용한 그래핀 전극의 제조방법',
      'PREPARATION METHOD OF 3D GRAPHENE ELECTRODE',
    ],
    ['초음파 진동을 부가한 공구(칼)(THE FOOD CUTTING TOOL)', '초음파 진동을 부가한 공구(칼)', 'THE FOOD CUTTING TOOL'],
    ['위상 변화가 없는 MIMO 안테나(MIMO(multi input multi output) antenna)', '위상 변화가 없는 MIMO 안테나', 'MIMO(multi input multi output) antenna'],
    ['초음파 진동을 부가한 공구(칼)', '초음파 진동을 부가한 공구(칼)', null],
    ['신경세포(PC-12)의 증식 방법', '신경세포(PC-12)의 증식 방법', null],
    ['모니터(MONITOR)', '모니터', 'MONITOR'],
    ['화합물(화학식 1의 화합물 (A형))', '화합물(화학식 1의 화합물 (A형))', null],
    ['(ENGLISH ONLY)', '(ENGLISH ONLY)', null],
    ['Graphene electrode (GE)', 'Graphene electrode (GE)', null],
    ['괄호가 안 닫힘(OPEN', '괄호가 안 닫힘(OPEN', null],
    ['  공백   정리 ', '공백 정리', null],
  ];
  for (const [input, title, titleEn] of cases) {
    test(input, () => assert.deepEqual(splitTitle(input), { title, titleEn }));
  }
});

describe('normalizeIpc', () => {
  const cases: Array<[unknown, string[]]> = [
    ['B24B 3/34|B24B 49/12|B23Q 17/24', ['B24B 3/34', 'B24B 49/12', 'B23Q 17/24']],
    [
      "['H01G 11/86 H01G 11/32  .... ', 'H01G 11/86|H01G 11/32|H01G 11/46|B05D 1/12']",
      ['H01G 11/86', 'H01G 11/32', 'H01G 11/46', 'B05D 1/12'],
    ],
    ["['H01G 11/8  .... ', 'H01G 11/86|H01G 11/32']", ['H01G 11/86', 'H01G 11/32']],
    ["['G06N 3/08 H02S 50/00 ']", ['G06N 3/08', 'H02S 50/00']],
    ['C12N-005/095', ['C12N 5/095']],
    ['H01L21/02(2006.01)', ['H01L 21/02']],
    ['h01g 11/86; H01G 11/86, A61K 31/4439', ['H01G 11/86', 'A61K 31/4439']],
    [['H01G 11/86', 'B05D 1/12', 42], ['H01G 11/86', 'B05D 1/12']],
    ['Ｈ０１Ｇ　１１／８６', ['H01G 11/86']],
    ['not an ipc', []],
    ['Z99Z 1/1', []],
    [null, []],
    [12, []],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.deepEqual(normalizeIpc(input), expected));
  }
});

describe('normalizeDate', () => {
  const cases: Array<[unknown, string | null]> = [
    ['20191128', '2019-11-28'],
    ['2016.10.24', '2016-10-24'],
    [' 2016.10.24', '2016-10-24'],
    ['2016. 10. 24.', '2016-10-24'],
    ['2016-10-24', '2016-10-24'],
    ['2016/1/4', '2016-01-04'],
    ['2016-10-24T09:30:00+09:00', '2016-10-24'],
    [43797, '2019-11-28'],
    ['43797', '2019-11-28'],
    [20160101, '2016-01-01'],
    ['2016년 10월 24일', '2016-10-24'],
    ['2016/10/24 오전 12:00:00', '2016-10-24'],
    [new Date(Date.UTC(2016, 9, 24)), '2016-10-24'],
    [new Date(Number.NaN), null],
    ['2019-02-30', null],
    ['20191328', null],
    ['1800-01-01', null],
    ['24.10.2016', null],
    ['yesterday', null],
    [-5, null],
    [Number.POSITIVE_INFINITY, null],
    ['', null],
    [undefined, null],
  ];
  for (const [input, expected] of cases) {
    test(`${String(input)} → ${expected}`, () => assert.equal(normalizeDate(input), expected));
  }
});

describe('normalizeText', () => {
  const cases: Array<[unknown, string]> = [
    ['  그래핀\u00a0 전극 ', '그래핀 전극'],
    ['<p>본 발명은 <b>전극</b>에 관한 것</p>', '본 발명은 전극에 관한 것'],
    ['A &amp; B &lt;C&gt;', 'A & B <C>'],
    ['ｆｕｌｌ－ｗｉｄｔｈ', 'full-width'],
    ['탭\t과\r\n줄바꿈\u0000', '탭 과 줄바꿈'],
    ['\ufeff머리', '머리'],
    [42, '42'],
    [1018463630000, '1018463630000'],
    [Number.NaN, ''],
    [null, ''],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(normalizeText(input), expected));
  }
});

describe('normalizePatent', () => {
  test('a field longer than its limit rejects the record before any work on it', () => {
    const result = normalizePatent({ applicationNumber: '1020160138184', title: '전극', abstract: '가'.repeat(50_001), applicants: ['a'.repeat(3_000), 'b'.repeat(2_001)] });
    assert.deepEqual(result, {
      ok: false,
      problems: [
        { field: 'abstract', reason: '50001 characters is longer than the limit of 50000' },
        { field: 'applicants', reason: '5001 characters is longer than the limit of 5000' },
      ],
    });
  });

  test('normalises every field and splits the title', () => {
    const result = normalizePatent({
      applicationNumber: '10-2016-0138184',
      title: '그래핀 전극의 제조방법(GRAPHENE ELECTRODE)',
      abstract: ' 본 발명은 전극에 관한 것 ',
      ipc: 'H01G 11/86|H01G 11/32',
      applicants: '인천대학교 산학협력단 에이치씨테크(주)',
      inventors: '안호선 김지훈',
      applicationDate: '2016.10.24',
      registrationNumber: '1018463630000',
      registrationDate: '20180402',
      openingNumber: '',
    });
    assert.deepEqual(result, {
      ok: true,
      applicantsRead: 'split',
      patent: {
        applicationNumber: '1020160138184',
        kind: 'patent',
        title: '그래핀 전극의 제조방법',
        titleEn: 'GRAPHENE ELECTRODE',
        abstract: '본 발명은 전극에 관한 것',
        ipc: ['H01G 11/86', 'H01G 11/32'],
        applicants: ['인천대학교 산학협력단', '에이치씨테크(주)'],
        applicationDate: '2016-10-24',
        openingNumber: null,
        openingDate: null,
        publicationNumber: null,
        publicationDate: null,
        registrationNumber: '1018463630000',
        registrationDate: '2018-04-02',
        registrationStatus: null, // derived (등록) by the store, after merging with what it knows
        inventors: ['안호선', '김지훈'],
        agent: null,
      },
    });
  });

  test('keeps the source status and an explicit English title', () => {
    const result = normalizePatent({
      applicationNumber: '2020190001234',
      title: '실용신안',
      titleEn: 'UTILITY',
      registrationNumber: '2000001',
      registrationStatus: '소멸',
    });
    assert.ok(result.ok);
    assert.equal(result.patent.kind, 'utility-model');
    assert.equal(result.patent.titleEn, 'UTILITY');
    assert.equal(result.patent.registrationStatus, '소멸');
  });

  test('reports every invalid field', () => {
    const result = normalizePatent({ applicationNumber: '12-34', title: '  ', applicationDate: '2019-02-30', openingDate: 'soon' });
    assert.equal(result.ok, false);
    assert.deepEqual(
      !result.ok && result.problems.map((problem) => problem.field),
      ['applicationNumber', 'title', 'applicationDate', 'openingDate'],
    );
    assert.match(!result.ok ? result.problems[0]!.reason : '', /"12-34" is not an application number/);
  });

  test('hostile values never throw', () => {
    const hostile = [undefined, null, 0, Number.NaN, {}, [], Symbol.iterator, () => 1, 'x'.repeat(100_000), '\u0000'];
    for (const value of hostile) {
      const result = normalizePatent({ applicationNumber: value, title: value, ipc: value, applicationDate: value, applicants: value });
      assert.equal(result.ok, false);
    }
  });
});
