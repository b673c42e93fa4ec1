import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import { createQueryLexicon, expandQuery, QUERY_LEXICON_FILE, readQueryLexicon, writeQueryLexicon } from './index.js';

const lexicon = createQueryLexicon([
  { english: 'graphene', korean: '그래핀' },
  { english: 'sensor', korean: '센서' },
  { english: 'humidity', korean: '습도' },
]);

describe('expandQuery', () => {
  test('adds the Korean word of each known English word once, in query order, whatever the case', () => {
    assert.deepEqual(expandQuery('Graphene humidity SENSOR array, graphene', lexicon), {
      text: 'Graphene humidity SENSOR array, graphene 그래핀 습도 센서',
      translations: [
        { english: 'graphene', korean: '그래핀' },
        { english: 'humidity', korean: '습도' },
        { english: 'sensor', korean: '센서' },
      ],
    });
  });

  test('leaves out translations the query already holds, and keeps the query without a lexicon', () => {
    assert.deepEqual(expandQuery('그래핀 센서 graphene sensor', lexicon), { text: '그래핀 센서 graphene sensor', translations: [] });
    assert.deepEqual(expandQuery('graphene sensor', null), { text: 'graphene sensor', translations: [] });
    assert.deepEqual(expandQuery('graphenesensor', lexicon).translations, [], 'whole words only');
    const withStopwords = createQueryLexicon([{ english: 'and', korean: '및' }, { english: 'using', korean: '이용' }, { english: 'sensor', korean: '센서' }]);
    assert.deepEqual(expandQuery('sensor and actuator using light', withStopwords).translations, [{ english: 'sensor', korean: '센서' }], 'English stopwords are not translated');
  });

  test('a word one typo from a single lexicon word takes its translation; short or ambiguous ones do not', () => {
    const near = createQueryLexicon([
      { english: 'graphene', korean: '그래핀' },
      { english: 'sensor', korean: '센서' },
      { english: 'censor', korean: '검열' },
      { english: 'cell', korean: '전지' },
    ]);
    for (const typo of ['grpahene', 'graphne', 'graphenes', 'grapheme']) assert.equal(near.translate(typo), '그래핀', typo);
    assert.equal(near.translate('cells'), '전지', 'a plural of five letters');
    assert.equal(near.translate('sensor'), '센서', 'an exact entry wins over its neighbour censor');
    assert.equal(near.translate('zensor'), undefined, 'one typo from both sensor and censor');
    assert.equal(near.translate('cel'), undefined, 'too short to guess');
    assert.equal(near.translate('gaphnee'), undefined, 'two typos');
    assert.equal(near.translate('graphenic'), undefined, 'two letters more');
    assert.deepEqual(expandQuery('grpahene film', near).translations, [{ english: 'grpahene', korean: '그래핀' }]);
  });

  test('refuses an English word listed twice', () => {
    assert.throws(
      () => createQueryLexicon([{ english: 'cell', korean: '전지' }, { english: 'cell', korean: '세포' }]),
      /entries\.1\.english: "cell" is listed twice/,
    );
  });
});

describe('lexicon file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-lexicon-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('round-trips through the model folder; a folder without one has none', async () => {
    assert.equal(await readQueryLexicon(dir), null);
    await writeQueryLexicon(dir, [{ english: 'graphene', korean: '그래핀', dice: 0.9, count: 12 }]);
    const read = await readQueryLexicon(dir);
    assert.equal(read?.size, 1);
    assert.equal(read?.translate('graphene'), '그래핀');
    assert.equal(await readQueryLexicon(join(dir, QUERY_LEXICON_FILE)), null, 'a file given as the folder');
  });

  const damaged: [string, string, RegExp][] = [
    ['not JSON', '{"format":', /not valid JSON/],
    ['another format', JSON.stringify({ format: 'other', version: 1, entries: [] }), /format: Invalid input/],
    [
      'an English word with spaces',
      JSON.stringify({ format: 'patmatch-english-lexicon', version: 1, entries: [{ english: 'a b', korean: '가' }] }),
      /entries\.0\.english: must be 2–64 lowercase ASCII letters/,
    ],
    [
      'a Korean entry of two words',
      JSON.stringify({ format: 'patmatch-english-lexicon', version: 1, entries: [{ english: 'ab', korean: '가' }, { english: 'cd', korean: '가 나' }] }),
      /entries\.1\.korean: must be one word/,
    ],
    [
      'a duplicate English word',
      JSON.stringify({ format: 'patmatch-english-lexicon', version: 1, entries: [{ english: 'ab', korean: '가' }, { english: 'ab', korean: '나' }] }),
      /entries\.1\.english: "ab" is listed twice/,
    ],
  ];
  for (const [what, content, message] of damaged) {
    test(`a damaged file (${what}) is refused, naming the file and the entry`, async () => {
      await writeFile(join(dir, QUERY_LEXICON_FILE), content);
      await assert.rejects(readQueryLexicon(dir), (error: unknown) => {
        assert.ok(error instanceof PatmatchError);
        assert.equal(error.code, 'invalid_input');
        assert.ok(error.message.includes(`model folder ${dir}: ${QUERY_LEXICON_FILE}`), error.message);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
