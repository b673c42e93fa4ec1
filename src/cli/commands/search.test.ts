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
      abstract: '',
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
    },
  ],
};

test('the text output says which English words were also searched in Korean, and only when some were', () => {
  const translated = formatResult({ ...result, translations: [{ english: 'ultrasonic', korean: '초음파' }, { english: 'cutting', korean: '절단' }] });
  assert.deepEqual(translated.split('\n').slice(0, 3), [
    '68 candidates · mode lexical · model lexical · page 1',
    'keywords also searched in Korean: ultrasonic → 초음파, cutting → 절단',
    '  1. 1020110118650  0.750 (abstract 1.000, title 0.500)  초음파 진동을 부가한 식품 절단 및 가공용 공구(칼)',
  ]);
  assert.ok(!formatResult(result).includes('also searched'));
});
