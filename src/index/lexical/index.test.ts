import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PatmatchError } from '../../domain/errors.js';
import { createAnalyzer } from '../../text/index.js';
import { readSamplePatents, type SamplePatent } from '../../text/test-support/sample-patents.js';
import { normalizeByMax, openLexicalIndex, readLexicalBuildId, updateLexicalIndex, type LexicalIndex } from './index.js';

/** Patents indexed by the shared-index tests: enough for realistic IDF, few enough to build in seconds. */
const SAMPLE_SIZE = 400;

describe('lexical index over the real INU patents', () => {
  let dir: string;
  let index: LexicalIndex;
  let patents: SamplePatent[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
    patents = (await readSamplePatents()).slice(0, SAMPLE_SIZE);
    index = await openLexicalIndex(join(dir, 'lexical.db'));
    await index.upsert(patents.map((patent, key) => ({ key, ...patent })));
  });
  after(async () => {
    index.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('indexes every patent', () => {
    assert.equal(index.count(), patents.length);
  });

  test('a query made of a patent title finds that patent in the top 3 of the title field', async () => {
    let found = 0;
    for (const [key, patent] of patents.entries()) {
      const hits = await index.search(patent.title, 'title', 3);
      if (hits.some((hit) => hit.key === key)) found++;
    }
    const rate = found / patents.length;
    assert.ok(rate >= 0.9, `found ${found}/${patents.length} = ${rate.toFixed(3)}`);
  });

  test('an English title query finds its patent through the English title', async () => {
    const [key, patent] = [...patents.entries()].find(([, p]) => p.titleEn !== null && p.titleEn.length > 30)!;
    const hits = await index.search(patent.titleEn!, 'title', 3);
    assert.ok(hits.some((hit) => hit.key === key), JSON.stringify({ titleEn: patent.titleEn, hits }));
  });

  test('results are best first with positive scores, ties by ascending key, at most k', async () => {
    const hits = await index.search(patents[0]!.abstract, 'abstract', 50);
    assert.equal(hits.length, 50);
    assert.equal(hits[0]!.key, 0);
    for (const [at, hit] of hits.entries()) {
      assert.ok(hit.score > 0);
      const next = hits[at + 1];
      if (next) assert.ok(hit.score > next.score || (hit.score === next.score && hit.key < next.key));
    }
  });

  test('fields score separately', async () => {
    const query = patents[1]!.title;
    const best = async (field: 'title' | 'abstract' | 'all') => (await index.search(query, field, 1))[0]!;
    const [title, abstract, all] = [await best('title'), await best('abstract'), await best('all')];
    assert.notEqual(title.score, abstract.score);
    assert.notEqual(all.score, title.score);
  });

  test('scoreKeys equals the search scores of the same documents and gives 0 to the others', async () => {
    for (const field of ['title', 'abstract'] as const) {
      const query = patents[2]!.abstract;
      const hits = await index.search(query, field, 30);
      const absent = [SAMPLE_SIZE + 5, -1];
      const scores = await index.scoreKeys(query, field, [...absent, ...hits.map((hit) => hit.key)]);
      assert.equal(scores.size, hits.length + absent.length);
      for (const hit of hits) assert.equal(scores.get(hit.key), hit.score);
      for (const key of absent) assert.equal(scores.get(key), 0);
    }
  });

  test('FTS5 syntax in queries is taken literally and never throws', async () => {
    const hostile = [
      '"', '""', '*', 'NEAR(', 'NEAR(그래핀 전극, 2)', 'AND', 'OR', 'NOT', '-', ':', 'title:그래핀', 'abstract : x',
      '{title abstract}: 전극', '^전극', '전극*', '"그래핀 OR', '(((', ')', "'; DROP TABLE lexical_documents; --",
      '\u0000', '\uD800', '😀', 'a'.repeat(5000), '그래핀 AND NOT 전극',
    ];
    for (const query of hostile) {
      for (const field of ['title', 'abstract', 'all'] as const) {
        assert.ok(Array.isArray(await index.search(query, field, 5)), JSON.stringify(query));
      }
      assert.ok((await index.scoreKeys(query, 'title', [0, 1])) instanceof Map);
    }
    assert.equal(index.count(), patents.length);
    assert.ok((await index.search('title:그래핀', 'all', 5)).length > 0, 'the words of a hostile query still match');
  });

  test('queries of only stopwords or symbols return no hits', async () => {
    for (const query of ['', '   ', 'the of AND OR', '!!! ??? ---', '😀 ... &amp;']) {
      assert.deepEqual(await index.search(query, 'all', 10), [], JSON.stringify(query));
    }
    assert.deepEqual(await index.search(patents[0]!.title, 'all', 0), []);
  });

  test('a paragraph-long query of hundreds of distinct terms works', async () => {
    const paragraph = patents.slice(0, 40).map((patent) => patent.abstract).join(' ');
    const hits = await index.search(paragraph, 'abstract', 1000);
    assert.ok(hits.length > 100);
  });

  test('rejects bad arguments with invalid_input', async () => {
    const invalid = { name: 'PatmatchError', code: 'invalid_input' };
    await assert.rejects(index.search('전극', 'body' as 'all', 5), invalid);
    await assert.rejects(index.search('전극', 'toString' as 'all', 5), invalid);
    await assert.rejects(index.search('전극', 'all', -1), invalid);
    await assert.rejects(index.search('전극', 'all', 1.5), invalid);
    await assert.rejects(index.scoreKeys('전극', 'all' as 'title', [1]), invalid);
    await assert.rejects(index.scoreKeys('전극', 'title', [1, Number.NaN]), invalid);
    assert.throws(() => index.setIndexedRevision(-1), invalid);
  });
});

describe('lexical index storage', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const graphene = { key: 7, title: '그래핀 전극의 제조방법', titleEn: 'GRAPHENE ELECTRODE', abstract: '그래핀을 이용한 전극' };
  const quantum = { key: 8, title: '양자 암호 통신 장치', titleEn: null, abstract: '양자 키 분배를 이용한 통신' };

  test('upsert replaces a document by key', async () => {
    const index = await openLexicalIndex(join(dir, 'replace.db'));
    await index.upsert([graphene, quantum]);
    await index.upsert([{ ...graphene, title: '리튬 이차전지 양극재', titleEn: null, abstract: '리튬 전지' }]);
    assert.equal(index.count(), 2);
    assert.deepEqual(await index.search('그래핀', 'all', 5), []);
    assert.deepEqual((await index.search('리튬 양극재', 'title', 5)).map((hit) => hit.key), [7]);
    index.close();
  });

  test('each field matches only its own columns', async () => {
    const index = await openLexicalIndex(join(dir, 'fields.db'));
    await index.upsert([graphene, quantum]);
    const keys = async (query: string, field: 'title' | 'abstract' | 'all') =>
      (await index.search(query, field, 5)).map((hit) => hit.key);
    assert.deepEqual(await keys('이용', 'title'), []);
    assert.deepEqual(await keys('이용', 'abstract'), [7, 8]);
    assert.deepEqual(await keys('electrodes', 'title'), [7]);
    assert.deepEqual(await keys('electrode', 'abstract'), []);
    assert.deepEqual(await keys('장치', 'all'), [8]);
    index.close();
  });

  test('a batch with an invalid document writes nothing', async () => {
    const index = await openLexicalIndex(join(dir, 'invalid.db'));
    await index.upsert([graphene]);
    const broken = [quantum, { key: 9, title: '제목', titleEn: null, abstract: null as unknown as string }];
    await assert.rejects(index.upsert(broken), (error: unknown) => {
      assert.ok(error instanceof PatmatchError && error.code === 'invalid_input');
      assert.match(error.message, /docs\[1\] \(key 9\): abstract/);
      return true;
    });
    assert.equal(index.count(), 1);
    index.close();
  });

  test('the indexed revision persists; an index of another analyser is refused unchanged, and an update rebuilds it', async () => {
    const path = join(dir, 'revision.db');
    const first = await openLexicalIndex(path);
    await first.upsert([graphene, quantum]);
    first.setIndexedRevision(42);
    first.close();

    const reopened = await openLexicalIndex(path);
    assert.equal(reopened.indexedRevision, 42);
    assert.equal(reopened.count(), 2);
    reopened.close();

    const analyzer = await createAnalyzer({ stemEnglishPlurals: false });
    await assert.rejects(openLexicalIndex(path, { analyzer }), (error: unknown) => {
      assert.ok(error instanceof PatmatchError && error.code === 'not_ready');
      assert.match(error.message, /revision\.db cannot be searched: it was built by another analyser .*run `patmatch index` to rebuild it/);
      return true;
    });
    const kept = await openLexicalIndex(path);
    assert.equal(kept.count(), 2, 'refusing it changed nothing');
    const rebuilt = await updateLexicalIndex(
      path,
      async (index, rebuilding) => {
        await index.upsert([quantum]);
        return { rebuilding, count: index.count() };
      },
      { index: { analyzer } },
    );
    assert.deepEqual(rebuilt, { rebuilding: true, count: 1 });
    assert.equal(kept.count(), 2, 'a reader of the old index keeps it whole');
    kept.close();
    const other = await openLexicalIndex(path, { analyzer });
    assert.equal(other.indexedRevision, 0);
    assert.equal(other.count(), 1);
    other.close();
  });

  test('an update of a current index runs in place; one of a file that is no index rebuilds it', async () => {
    const path = join(dir, 'update.db');
    const index = await openLexicalIndex(path);
    await index.upsert([graphene]);
    index.close();
    const inode = statSync(path).ino;
    assert.equal(await updateLexicalIndex(path, async (open, rebuilding) => rebuilding && open.count()), false);
    assert.equal(statSync(path).ino, inode);

    await writeFile(path, 'this is not sqlite'.repeat(100));
    assert.equal(await updateLexicalIndex(path, async (open, rebuilding) => rebuilding && open.count()), 0);
    const rebuilt = await openLexicalIndex(path);
    assert.equal(rebuilt.count(), 0);
    rebuilt.close();
  });

  test('every new file of an index gets a build id; updates in place keep it, and give one to an index that has none', async () => {
    const path = join(dir, 'build-id.db');
    assert.throws(() => readLexicalBuildId(path), { code: 'SQLITE_CANTOPEN' });
    assert.equal(existsSync(path), false, 'reading the id created no file');
    const created = await openLexicalIndex(path);
    created.close();
    const first = readLexicalBuildId(path);
    assert.match(first ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await updateLexicalIndex(path, async (index) => index.upsert([graphene]));
    assert.equal(readLexicalBuildId(path), first, 'kept in place');

    await updateLexicalIndex(path, async (index) => index.upsert([graphene]), { full: true });
    const rebuilt = readLexicalBuildId(path);
    assert.ok(rebuilt && rebuilt !== first, 'a rebuild is a new build');

    const db = new Database(path);
    db.exec(`DELETE FROM lexical_meta WHERE name = 'build_id'`); // as an index from before build ids
    db.close();
    assert.equal(readLexicalBuildId(path), null);
    const reader = await openLexicalIndex(path);
    reader.close();
    assert.equal(readLexicalBuildId(path), null, 'opening to search writes no id');
    await updateLexicalIndex(path, async (index) => index.count());
    const given = readLexicalBuildId(path);
    assert.ok(given && given !== rebuilt);
    await updateLexicalIndex(path, async (index) => index.count());
    assert.equal(readLexicalBuildId(path), given);
  });

  test('the build id is read beside a writer, and a file that is no index has none to read', async () => {
    const path = join(dir, 'build-id-busy.db');
    const writer = await openLexicalIndex(path);
    const id = readLexicalBuildId(path);
    const db = new Database(path);
    db.exec('BEGIN IMMEDIATE');
    db.exec(`INSERT INTO lexical_meta (name, value) VALUES ('other', 'x')`);
    assert.equal(readLexicalBuildId(path), id, 'not blocked by a write in progress');
    db.exec('ROLLBACK');
    db.close();
    writer.close();

    const garbage = join(dir, 'build-id-garbage.db');
    await writeFile(garbage, 'this is not sqlite'.repeat(100));
    assert.throws(() => readLexicalBuildId(garbage), { code: 'SQLITE_NOTADB' });
  });

  test('one update of an index at a time; the lock goes with the update', async () => {
    const path = join(dir, 'locked.db');
    const second = () => updateLexicalIndex(path, async () => 'second', { lockTimeoutMs: 0 });
    await updateLexicalIndex(path, async () => {
      await assert.rejects(second(), { name: 'PatmatchError', code: 'not_ready', message: /locked\.db is being updated by another process/ });
    });
    assert.equal(await second(), 'second');
    await assert.rejects(updateLexicalIndex(path, async () => Promise.reject(new Error('failed'))), /failed/);
    assert.equal(await second(), 'second', 'a failed update released the lock');
  });

  test('a file that is not a database is reported, not crashed on', async () => {
    const path = join(dir, 'garbage.db');
    await writeFile(path, 'this is not sqlite'.repeat(100));
    await assert.rejects(openLexicalIndex(path), { name: 'PatmatchError', code: 'not_ready' });
  });
});

describe('normalizeByMax', () => {
  test('divides by the largest score and keeps keys and order', () => {
    const normalized = normalizeByMax(new Map([[7, 12.5], [3, 5], [9, 0]]));
    assert.deepEqual([...normalized], [[7, 1], [3, 0.4], [9, 0]]);
  });

  test('maps a set without positive scores to zeros', () => {
    assert.deepEqual([...normalizeByMax(new Map([[1, 0], [2, 0]]))], [[1, 0], [2, 0]]);
    assert.equal(normalizeByMax(new Map()).size, 0);
  });
});
