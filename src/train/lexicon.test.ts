import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSubwordSpec, createSubwordTokenizer } from '../text/subword/index.js';
import { withTempDir } from '../index/test-support.js';
import { readQueryLexicon, writeQueryLexicon } from '../text/lexicon/index.js';
import { alignEnglishRows, mineEnglishLexicon } from './lexicon.js';

const PAIRS = [
  { english: 'GRAPHENE ELECTRODE', korean: '그래핀 전극' },
  { english: 'GRAPHENE SENSOR', korean: '그래핀 센서' },
  { english: 'HUMIDITY SENSOR', korean: '습도 센서' },
  { english: 'ELECTRODE COATING', korean: '전극 코팅' },
  // protein's best match is 누에 (Dice 2·2 / (2 + 5) = 0.57), but 누에 goes better with silkworm (0.75).
  { english: 'SILKWORM', korean: '누에' },
  { english: 'SILKWORM', korean: '누에' },
  { english: 'SILKWORM', korean: '누에' },
  { english: 'PROTEIN', korean: '누에' },
  { english: 'PROTEIN', korean: '누에' },
  // Seen together once only.
  { english: 'LASER', korean: '레이저' },
];

const lexiconOf = (pairs: typeof PAIRS, options = {}) => {
  const spec = buildSubwordSpec(pairs.flatMap((p) => [p.english, p.korean]), (text) => text.split(/\s+/), { minCount: 1, buckets: 64 });
  return { spec, lexicon: mineEnglishLexicon(pairs, spec, createSubwordTokenizer(spec).encode, options) };
};
const asWords = (lexicon: ReturnType<typeof lexiconOf>['lexicon']) => lexicon.map((e) => `${e.english}→${e.korean}`).sort();

test('mineEnglishLexicon keeps mutual best pairs seen together twice or more', () => {
  const { spec, lexicon } = lexiconOf(PAIRS);
  assert.deepEqual(asWords(lexicon), ['electrode→전극', 'graphene→그래핀', 'sensor→센서', 'silkworm→누에']);
  const graphene = lexicon.find((e) => e.english === 'graphene')!;
  assert.equal(spec.vocab[graphene.englishId], 'graphene');
  assert.equal(spec.vocab[graphene.koreanId], '그래핀');
  assert.deepEqual([graphene.count, graphene.dice], [2, 1]);
});

test('mineEnglishLexicon: the thresholds are options, and a single letter or a number is no English word', () => {
  assert.deepEqual(asWords(lexiconOf(PAIRS, { minCount: 1 }).lexicon).filter((w) => w.startsWith('laser')), ['laser→레이저']);
  // graphene, sensor and electrode have Dice 1 with their translations; silkworm ~ 누에 0.75.
  assert.deepEqual(asWords(lexiconOf(PAIRS, { minDice: 0.8 }).lexicon), ['electrode→전극', 'graphene→그래핀', 'sensor→센서']);
  const numbered = [
    { english: '3 D PRINTER', korean: '3D 프린터' },
    { english: '3 D PRINTER', korean: '3D 프린터' },
  ];
  assert.deepEqual(asWords(lexiconOf(numbered).lexicon), ['printer→프린터']);
});

test('mineEnglishLexicon mines only words the lexicon file takes, so the file it writes reads back', async () => {
  const long = 'a'.repeat(65);
  const pairs = [
    { english: `${long} GRAPHENE`, korean: '그래핀 가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사' },
    { english: `${long} GRAPHENE`, korean: '그래핀 가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사' },
  ];
  const { lexicon } = lexiconOf(pairs);
  assert.deepEqual(asWords(lexicon), ['graphene→그래핀'], 'a 65-letter word and a 38-syllable one are left out');
  await withTempDir(async (dir) => {
    await writeQueryLexicon(dir, lexicon);
    assert.equal((await readQueryLexicon(dir))?.translate('graphene'), '그래핀');
  });
});

test('alignEnglishRows gives each English word the row of its Korean translation, and touches no other row', () => {
  const { spec, lexicon } = lexiconOf(PAIRS);
  const dim = 4;
  const data = Float32Array.from({ length: spec.vocab.length * dim }, (_, i) => i);
  const before = data.slice();
  alignEnglishRows({ vocab: spec.vocab.length, dim, data }, lexicon);
  const row = (table: Float32Array, id: number) => [...table.subarray(id * dim, (id + 1) * dim)];
  const changed = new Set(lexicon.map((e) => e.englishId));
  for (const { englishId, koreanId } of lexicon) assert.deepEqual(row(data, englishId), row(before, koreanId));
  for (let id = 0; id < spec.vocab.length; id++) if (!changed.has(id)) assert.deepEqual(row(data, id), row(before, id));
});
