import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Patent } from '../../domain/index.js';
import { recombinePatent } from './corpus.js';

test('recombined patents repeat no abstract within n² of them and never reuse a real number', () => {
  const real = Array.from({ length: 50 }, (_, i) => ({
    applicationNumber: `10201600${String(i).padStart(5, '0')}`,
    title: `제목 ${i}`,
    abstract: `첫 문장 ${i}. 둘째 문장 ${i}. 셋째 문장 ${i}. 넷째 문장 ${i}.`,
    ipc: [`H01M ${i}`],
  })) as unknown as Patent[];
  const made = Array.from({ length: 2000 }, (_, i) => recombinePatent(real, i));
  assert.equal(new Set(made.map((p) => p.abstract)).size, made.length);
  assert.equal(new Set(made.map((p) => p.applicationNumber)).size, made.length);
  assert.ok(made.every((p) => p.applicationNumber.startsWith('10209')));
  assert.deepEqual(recombinePatent(real, 123), recombinePatent(real, 123));
});
