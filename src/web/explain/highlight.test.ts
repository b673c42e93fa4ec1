import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highlightGroups } from './highlight.js';

test('highlightGroups cuts the text into sentence groups and term pieces that join back to the text', () => {
  const text = '그래핀 전극. 전극을 쓴다. 끝.';
  const groups = highlightGroups(text, [{ start: 0, end: 7 }], [{ start: 0, end: 3 }, { start: 4, end: 6 }, { start: 8, end: 10 }, { start: 1, end: 2 }]);
  assert.deepEqual(
    groups.map((g) => [g.sentence, g.pieces.map((p) => [p.text, p.term])]),
    [
      [true, [['그래핀', true], [' ', false], ['전극', true], ['.', false]]],
      [false, [[' ', false], ['전극', true], ['을 쓴다. 끝.', false]]],
    ],
  );
  for (const group of groups) for (const piece of group.pieces) assert.equal(text.slice(piece.start, piece.end), piece.text);
  assert.equal(groups.flatMap((g) => g.pieces.map((p) => p.text)).join(''), text);
});

test('highlightGroups ignores ranges outside the text, empty or not whole numbers', () => {
  const groups = highlightGroups('abc', [{ start: 2, end: 9 }, { start: 1, end: 1 }], [{ start: -1, end: 2 }, { start: 0.5, end: 2 }]);
  assert.deepEqual(groups, [{ sentence: false, start: 0, end: 3, pieces: [{ start: 0, end: 3, term: false, text: 'abc' }] }]);
  assert.deepEqual(highlightGroups('', [], []), []);
});
