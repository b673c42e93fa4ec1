import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom } from '../train/random.js';
import { addJamoTypos, composeHangul, decomposeHangul } from './typos.js';

const TITLES = ['슈퍼커패시터용 3차원 그래핀 전극의 제조방법', '리튬 이차전지 음극 소재', '딥러닝 기반 영상 인식', '값싼 닭고기 (CHEAP)'];

/** Edit distance between two sequences. */
function distance(a: string[], b: string[]): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

describe('jamo', () => {
  test('decompose then compose is the identity on Hangul and other text', () => {
    for (const title of TITLES) assert.equal(composeHangul(decomposeHangul(title)), title);
    assert.equal(decomposeHangul('값'), 'ㄱㅏㅄ');
  });

  test('typos change the text by a few jamo edits, deterministically per seed', () => {
    for (const title of TITLES) {
      for (const count of [1, 2]) {
        const noisy = addJamoTypos(title, count, createRandom(11));
        assert.notEqual(noisy, title);
        assert.equal(addJamoTypos(title, count, createRandom(11)), noisy, 'same seed, same typo');
        const edits = distance([...decomposeHangul(title)], [...decomposeHangul(noisy)]);
        assert.ok(edits >= 1 && edits <= 2 * count + 1, `${title} → ${noisy}: ${edits} jamo edits`);
        assert.equal(noisy.replace(/[\p{Script=Hangul}]/gu, ''), title.replace(/[\p{Script=Hangul}]/gu, ''), 'non-Hangul text untouched');
      }
    }
  });

  test('text without Hangul is returned unchanged', () => {
    assert.equal(addJamoTypos('GRAPHENE 3D', 2, createRandom(1)), 'GRAPHENE 3D');
  });
});
