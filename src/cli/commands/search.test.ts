import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchResult } from '../../domain/index.js';
import { formatResult } from './search.js';

const result: SearchResult = {
  query: 'ultrasonic cutting tool',
  mode: 'lexical',
  model: 'lexical',
  total: 68,
  considered: 2308,
  matched: 68,
  bands: null,
  page: 1,
  top: 1,
  hits: [
    {
      rank: 1,
      applicationNumber: '1020110118650',
      title: '초음파 진동을 부가한 식품 절단 및 가공용 공구(칼)',
      titleEn: null,
      abstract: '초음파 진동을 칼에 부가한다. 식품을 절단한다.',
      ipc: [],
      applicants: [],
      applicationDate: null,
      registrationNumber: null,
      registrationDate: null,
      registrationStatus: null,
      abstractScore: 1,
      titleScore: 0.5,
      score: 0.75,
      band: null,
      explanation: {
        sentences: [{ text: '초음파 진동을 칼에 부가한다.', score: 0.61, start: 0, end: 16 }],
        terms: [
          { term: '초음파', field: 'title', start: 0, end: 3 },
          { term: '초음파', field: 'abstract', start: 0, end: 3 },
          { term: '절단', field: 'abstract', start: 21, end: 23 },
        ],
      },
    },
  ],
};

test('the text output says which English words were also searched in Korean, and only when some were', () => {
  const translated = formatResult({ ...result, translations: [{ english: 'ultrasonic', korean: '초음파' }, { english: 'cutting', korean: '절단' }] });
  assert.deepEqual(translated.split('\n').slice(0, 3), [
    '2308 patents considered · 68 holding a term of the demand · mode lexical · model lexical · page 1',
    'keywords also searched in Korean: ultrasonic → 초음파, cutting → 절단',
    '  1. 1020110118650  0.750 (abstract 1.000, title 0.500)  초음파 진동을 부가한 식품 절단 및 가공용 공구(칼)',
  ]);
  assert.ok(!formatResult(result).includes('also searched'));
});

test('the header counts the patents considered and the matches by the mode\'s bands, not the candidate limit; hits carry their band', () => {
  const banded: SearchResult = { ...result, mode: 'seed', total: 1000, matched: 12, bands: { strong: 0.6, similar: 0.5, related: 0.4 }, hits: [{ ...result.hits[0]!, band: 'similar' }] };
  const [header, hit] = formatResult(banded).split('\n');
  assert.equal(header, "2308 patents considered · 12 at 'related' (0.4) or better · mode seed · model lexical · page 1");
  assert.match(hit!, /^  1\. 1020110118650  0\.750 similar \(abstract/);
});

test('--explain prints the best sentence and the distinct terms found under each hit, and only then', () => {
  const lines = formatResult(result, { explain: true }).split('\n');
  assert.deepEqual(lines.slice(2, 4), ['       why: 초음파 진동을 칼에 부가한다. (0.610)', '       terms: 초음파, 절단']);
  assert.ok(!formatResult(result).includes('why:'));
});
