import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Patent } from '../../domain/index.js';
import { createRecombiner } from './corpus.js';

/** Patent i is in IPC group i (so IPC order is index order) and every clause names i. */
function realPatents(count: number): Patent[] {
  return Array.from({ length: count }, (_, i) => ({
    applicationNumber: `10201600${String(i).padStart(5, '0')}`,
    title: `제목 ${i}`,
    abstract: `첫 문장은 특허 ${i}의 첫째 부분이며, 둘째 부분도 특허 ${i}의 것이다. 셋째 문장은 특허 ${i}에 속하고, 넷째 부분 역시 특허 ${i}의 것이다.`,
    ipc: [`H01M ${String(count - i).padStart(3, '0')}/00`],
  })) as unknown as Patent[];
}

test('recombined patents repeat no abstract, never reuse a real number, and are deterministic', () => {
  const real = realPatents(50);
  const recombine = createRecombiner(real);
  const made = Array.from({ length: 5000 }, (_, i) => recombine(i));
  assert.equal(new Set(made.map((p) => p.abstract)).size, made.length);
  assert.equal(new Set(made.map((p) => p.applicationNumber)).size, made.length);
  assert.ok(made.every((p) => p.applicationNumber.startsWith('10209')));
  assert.deepEqual(createRecombiner([...real].reverse())(123), recombine(123));
});

test('a recombined abstract takes pieces of its seed and of one neighbour in IPC order only', () => {
  const count = 60;
  const real = realPatents(count);
  const recombine = createRecombiner(real);
  // IPC order is the reverse of index order here: H01M 060 is patent 0.
  const rank = (index: number) => count - 1 - index;
  for (let i = 0; i < 3000; i++) {
    const made = recombine(i);
    const seed = Number(made.title.split(' ')[1]);
    const sources = new Set([...made.abstract.matchAll(/특허 (\d+)/g)].map((m) => Number(m[1])));
    assert.ok(sources.has(seed), `patent ${i} has none of its seed's pieces: ${made.abstract}`);
    assert.ok(sources.size <= 2, `patent ${i} mixes ${sources.size} patents`);
    for (const source of sources) {
      const distance = Math.abs(rank(source) - rank(seed));
      assert.ok(Math.min(distance, count - distance) <= 8, `patent ${i}: ${source} is ${distance} away from ${seed} in IPC order`);
    }
  }
});

test('patents sharing an abstract (one family) are recombined as one, and short lead-ins stay with their clause', () => {
  const real = realPatents(20);
  const twin = { ...real[3]!, applicationNumber: '1020169999999', title: '쌍둥이' };
  const short = { ...real[5]!, applicationNumber: '1020168888888', abstract: '실시예는, 전극을 포함하는 이차전지에 관한 것이다.' };
  const recombine = createRecombiner([...real, twin, short]);
  // 21 distinct abstracts, so 2,100 patents are 100 rounds: the twins together seed 100, not 200.
  const made = Array.from({ length: 2100 }, (_, i) => recombine(i));
  assert.equal(made.filter((p) => p.title === '쌍둥이' || p.title === real[3]!.title).length, 100);
  assert.ok(made.every((p) => !/실시예는,$|실시예는, (?!전극)/.test(p.abstract)));
});
