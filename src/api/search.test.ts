import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { ApiHit } from './hits.js';
import { hitsToCsv } from './search.js';

const hit: ApiHit = {
  rank: 1,
  applicationNumber: '1020160138184',
  title: '=HYPERLINK("http://evil.example","클릭"), "따옴표"',
  titleEn: null,
  abstract: '그래핀 전극을 제공한다. =1+1 이 식은 셀이 계산하지 않는다.',
  ipc: ['H01G 11/86'],
  applicants: ['인천대학교 산학협력단', '에이치씨테크(주)'],
  applicationDate: null,
  registrationNumber: null,
  registrationDate: null,
  registrationStatus: null,
  abstractScore: 0.5,
  titleScore: 0.25,
  score: 0.375,
  band: 'weak',
  explanation: { sentences: [{ text: '=1+1 이 식은 셀이 계산하지 않는다.', score: 0.5, start: 14, end: 36 }], terms: [] },
  evaluation: { pqi: 1.3, rightsScore: 75, technologyScore: null, commercialScore: 54, tech6t: 'NT', source: 'synthetic-sample' },
  kiprisUrl: 'https://doi.org/10.8080/1020160138184',
};

test('hitsToCsv writes a BOM, the Korean header and one quoted row per hit, with formulas defused', () => {
  const csv = hitsToCsv([hit, { ...hit, rank: 2, evaluation: null, explanation: { sentences: [], terms: [] } }]);
  assert.ok(csv.startsWith('\uFEFF순위,출원번호,특허명,'));
  const rows = parse(csv, { bom: true }) as string[][];
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[1], [
    '1',
    '1020160138184',
    `'${hit.title}`,
    '인천대학교 산학협력단; 에이치씨테크(주)',
    '1.3',
    '75',
    '',
    '54',
    'NT',
    'synthetic-sample',
    '0.375',
    'https://doi.org/10.8080/1020160138184',
    `'${hit.explanation.sentences[0]!.text}`,
  ]);
  assert.equal(rows[0]?.at(-1), '추천이유문장');
  assert.deepEqual(rows[2]?.slice(4, 10), ['', '', '', '', '', '']);
  assert.equal(rows[2]?.at(-1), '');
});
