import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs, { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { PatmatchError } from '../../domain/errors.js';
import { createAnalyzer } from '../../text/index.js';
import { readSamplePatents, type SamplePatent } from '../../text/test-support/sample-patents.js';
import {
  lockIndexUpdate,
  normalizeByMax,
  openLexicalIndex,
  readLexicalBuildId,
  updateLexicalIndex,
  type LexicalDocument,
  type LexicalIndex,
} from './index.js';

const KILLED_REBUILD = fileURLToPath(new URL('./test-support/killed-rebuild.ts', import.meta.url));

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

const graphene = { key: 7, title: '그래핀 전극의 제조방법', titleEn: 'GRAPHENE ELECTRODE', abstract: '그래핀을 이용한 전극' };
const quantum = { key: 8, title: '양자 암호 통신 장치', titleEn: null, abstract: '양자 키 분배를 이용한 통신' };
const lithium = { key: 9, title: '리튬 이차전지 양극재', titleEn: null, abstract: '리튬 전지의 양극' };

/** A temporary folder for the tests of the enclosing describe, deleted after them. */
function suiteTempDir(): () => string {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}

describe('lexical index storage', () => {
  const tempDir = suiteTempDir();

  test('upsert replaces a document by key', async () => {
    const index = await openLexicalIndex(join(tempDir(), 'replace.db'));
    await index.upsert([graphene, quantum]);
    await index.upsert([{ ...graphene, title: '리튬 이차전지 양극재', titleEn: null, abstract: '리튬 전지' }]);
    assert.equal(index.count(), 2);
    assert.deepEqual(await index.search('그래핀', 'all', 5), []);
    assert.deepEqual((await index.search('리튬 양극재', 'title', 5)).map((hit) => hit.key), [7]);
    index.close();
  });

  test('each field matches only its own columns', async () => {
    const index = await openLexicalIndex(join(tempDir(), 'fields.db'));
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
    const index = await openLexicalIndex(join(tempDir(), 'invalid.db'));
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
    const path = join(tempDir(), 'revision.db');
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
    const path = join(tempDir(), 'update.db');
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
    const path = join(tempDir(), 'build-id.db');
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
    const path = join(tempDir(), 'build-id-busy.db');
    const writer = await openLexicalIndex(path);
    const id = readLexicalBuildId(path);
    const db = new Database(path);
    db.exec('BEGIN IMMEDIATE');
    db.exec(`INSERT INTO lexical_meta (name, value) VALUES ('other', 'x')`);
    assert.equal(readLexicalBuildId(path), id, 'not blocked by a write in progress');
    db.exec('ROLLBACK');
    db.close();
    writer.close();

    const garbage = join(tempDir(), 'build-id-garbage.db');
    await writeFile(garbage, 'this is not sqlite'.repeat(100));
    assert.throws(() => readLexicalBuildId(garbage), { code: 'SQLITE_NOTADB' });
  });

  test('one update of an index at a time; the lock goes with the update', async () => {
    const path = join(tempDir(), 'locked.db');
    const second = () => updateLexicalIndex(path, async () => 'second', { lockTimeoutMs: 0 });
    await updateLexicalIndex(path, async () => {
      await assert.rejects(second(), { name: 'PatmatchError', code: 'not_ready', message: /locked\.db is being updated by another process/ });
    });
    assert.equal(await second(), 'second');
    await assert.rejects(updateLexicalIndex(path, async () => Promise.reject(new Error('failed'))), /failed/);
    assert.equal(await second(), 'second', 'a failed update released the lock');
  });

  test('a file that is not a database is reported, not crashed on', async () => {
    const path = join(tempDir(), 'garbage.db');
    await writeFile(path, 'this is not sqlite'.repeat(100));
    await assert.rejects(openLexicalIndex(path), { name: 'PatmatchError', code: 'not_ready' });
  });
});

describe('lexical.db is a link to the generation file of its current build', () => {
  const tempDir = suiteTempDir();

  /** A fresh folder's index path. */
  const indexIn = async (name: string) => {
    await mkdir(join(tempDir(), name));
    return join(tempDir(), name, 'lexical.db');
  };
  /** Writes exactly `docs` into the index, rebuilt whole, or updated in place without `full`. */
  const write = (path: string, docs: LexicalDocument[], full = true) =>
    updateLexicalIndex(path, async (index, rebuilding, why) => (await index.upsert(docs), { rebuilding, why }), { full });
  /** The keys in the file a connection has open, read with plain SQL. */
  const keysOf = (db: Database.Database) => db.prepare('SELECT rowid FROM lexical_documents ORDER BY rowid').pluck().all();
  /** The keys a new reader of `path` finds (not read-only, so that it takes its -wal and -shm along when it is the last). */
  const freshKeys = (path: string) => {
    const db = new Database(path, { fileMustExist: true });
    try {
      return keysOf(db);
    } finally {
      db.close();
    }
  };
  /** The file SQLite resolved the connection's path to, after which it names its -wal and -shm. */
  const fileOf = (db: Database.Database) => (db.pragma('database_list') as Array<{ name: string; file: string }>).find((d) => d.name === 'main')!.file;
  const generation = (path: string) => readlinkSync(path);
  const files = (path: string) => readdirSync(dirname(path)).sort();

  test('a whole rebuild writes a generation file named by its build id, and lexical.db becomes a relative link to it', async () => {
    const path = await indexIn('layout');
    assert.deepEqual(await write(path, [graphene], false), { rebuilding: true, why: `${path}: there is no index yet` });
    assert.ok(lstatSync(path).isSymbolicLink());
    const first = generation(path);
    assert.deepEqual(files(path), [first, 'lexical.db', 'lexical.db.lock'].sort());
    assert.equal(first, `lexical.${readLexicalBuildId(path)}.db`, 'relative, named by its build id');

    const reader = await openLexicalIndex(path);
    assert.equal(reader.count(), 1);
    const [wal, shm] = [`${dirname(path)}/${first}-wal`, `${dirname(path)}/${first}-shm`];
    const sides = [statSync(wal).ino, statSync(shm).ino];
    assert.equal(existsSync(`${path}-wal`), false, 'the side files are named after the generation, not the link');

    assert.deepEqual(await write(path, [quantum], false), { rebuilding: false, why: null });
    assert.equal(generation(path), first, 'updated in place');
    assert.deepEqual([statSync(wal).ino, statSync(shm).ino], sides, 'the side files of the index in use were neither deleted nor replaced');
    assert.equal(reader.count(), 2, 'the reader sees the update through them');

    assert.deepEqual(await write(path, [lithium]), { rebuilding: true, why: 'a full rebuild was asked for' });
    const second = generation(path);
    assert.notEqual(second, first);
    assert.deepEqual(files(path), [second, 'lexical.db', 'lexical.db.lock'].sort(), 'the old generation and its side files deleted');
    assert.equal(reader.count(), 2, 'its reader keeps it whole through its open files');
    assert.deepEqual(freshKeys(path), [9]);
    assert.equal(second, `lexical.${readLexicalBuildId(path)}.db`);
    reader.close();
  });

  test('a reader of the old generation keeps it whole, under side files of its own, while the link moves and the new index is updated in place', async () => {
    const path = await indexIn('early');
    await write(path, [graphene]);
    // Opened by the path the link resolved to, as a process that opens lexical.db just before the swap does.
    const early = new Database(realpathSync(path));
    assert.deepEqual(keysOf(early), [7]);
    await write(path, [quantum]);
    const reader = new Database(path);
    try {
      assert.deepEqual(keysOf(reader), [8]);
      assert.notEqual(`${fileOf(early)}-wal`, `${fileOf(reader)}-wal`, 'the old generation\'s -wal is not the new index\'s');
      await write(path, [lithium], false);
      assert.deepEqual(keysOf(reader), [8, 9], 'the update in place committed to the new index');
      reader.pragma('wal_checkpoint(TRUNCATE)'); // and its pages are copied into the new file
      assert.deepEqual(keysOf(early), [7], 'the old reader still reads the old index');
      assert.equal(early.pragma('integrity_check', { simple: true }), 'ok');
      assert.deepEqual(freshKeys(path), [8, 9], 'a new reader sees the update');
    } finally {
      early.close();
      reader.close();
    }
    assert.deepEqual(files(path), [generation(path), 'lexical.db', 'lexical.db.lock'].sort());
  });

  test('a process that opened the old generation as the link moved, and reads it only after, never reads the new index\'s log', async () => {
    const path = await indexIn('late');
    await write(path, [graphene]);
    // Opened by the path the link resolved to just before the swap; its first read, which opens the
    // -wal and -shm, comes after. No other connection of this process has that file open, as in a
    // process of its own (SQLite shares them between a process's connections to one file).
    const late = new Database(realpathSync(path));
    const seen = () => {
      try {
        return keysOf(late);
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    let reader: Database.Database | undefined;
    try {
      await write(path, [quantum]);
      const afterSwap = seen();
      reader = new Database(path); // a reader of the new index, which keeps its log from being checkpointed away
      assert.deepEqual(keysOf(reader), [8]);
      await write(path, [lithium], false);
      const afterUpdate = seen();
      assert.deepEqual(keysOf(reader), [8, 9]);
      // SQLite makes no -wal for a file whose name is gone: the process is refused (patmatch's readers
      // then open the link again) instead of reading the old file through side files that the new
      // index also takes for its own, which would show it the new index's pages.
      assert.deepEqual([afterSwap, afterUpdate], ['SQLITE_IOERR_FSTAT', 'SQLITE_IOERR_FSTAT']);
    } finally {
      late.close();
      reader?.close();
    }
  });

  test('an index in a regular file, as before generation files, is updated in place, and its first rebuild turns it into a link', async () => {
    const path = await indexIn('regular');
    const old = await openLexicalIndex(path); // a regular file, as index wrote it before generation files
    await old.upsert([graphene]);
    const id = readLexicalBuildId(path);
    const inode = statSync(path).ino;
    assert.ok(existsSync(`${path}-wal`) && existsSync(`${path}-shm`));

    assert.deepEqual(await write(path, [quantum], false), { rebuilding: false, why: null });
    assert.ok(lstatSync(path).isFile(), 'still a regular file');
    assert.deepEqual([statSync(path).ino, readLexicalBuildId(path), old.count()], [inode, id, 2]);

    await write(path, [lithium]);
    assert.ok(lstatSync(path).isSymbolicLink());
    assert.deepEqual(files(path), [generation(path), 'lexical.db', 'lexical.db.lock'].sort(), 'the regular file\'s -wal and -shm are gone');
    assert.notEqual(readLexicalBuildId(path), id);
    assert.equal(old.count(), 2, 'a reader of the regular file keeps it whole');
    assert.deepEqual(freshKeys(path), [9]);
    await write(path, [graphene], false);
    assert.deepEqual(freshKeys(path), [7, 9], 'the link is updated in place after that');
    old.close();
    assert.deepEqual(files(path), [generation(path), 'lexical.db', 'lexical.db.lock'].sort());
  });

  test('on a file system without symbolic links, a rebuild renames its generation file over lexical.db instead', async (t) => {
    const path = await indexIn('no-symlinks');
    await write(path, [graphene]);
    const linked = generation(path);
    t.mock.method(fs, 'symlinkSync', () => {
      throw Object.assign(new Error('EPERM: operation not permitted, symlink'), { code: 'EPERM' });
    });
    syncBuiltinESMExports();
    try {
      assert.deepEqual(await write(path, [quantum]), { rebuilding: true, why: 'a full rebuild was asked for' });
    } finally {
      t.mock.restoreAll();
      syncBuiltinESMExports();
    }
    assert.ok(lstatSync(path).isFile(), 'a regular file, as before generation files');
    assert.deepEqual(freshKeys(path), [8]);
    assert.ok(!existsSync(join(dirname(path), linked)), 'the generation the link named is deleted');
    assert.deepEqual(files(path), ['lexical.db', 'lexical.db.lock'], 'no generation file or link left beside it');
    assert.deepEqual(await write(path, [lithium], false), { rebuilding: false, why: null });
    assert.deepEqual(freshKeys(path), [8, 9], 'and it is updated in place after that');
  });

  test('a link to a missing generation, or to a file that is no generation of the index, is no index: refused by readers, rebuilt by index', async () => {
    const path = await indexIn('dangling');
    const missing = `lexical.${randomUUID()}.db`;
    await symlink(missing, path);
    await assert.rejects(openLexicalIndex(path), (error: unknown) => {
      assert.ok(error instanceof PatmatchError && error.code === 'not_ready');
      assert.equal(error.message, `${path} cannot be searched: it is a link to ${missing}, which does not exist; run \`patmatch index\` to rebuild it`);
      return true;
    });
    assert.deepEqual(files(path), ['lexical.db'], 'opening it created no file behind the link');
    assert.deepEqual(await write(path, [graphene], false), { rebuilding: true, why: `${path}: it is a link to ${missing}, which does not exist` });
    assert.deepEqual(freshKeys(path), [7]);
    assert.deepEqual(files(path), [generation(path), 'lexical.db', 'lexical.db.lock'].sort());

    // A link to another folder's index, even a valid one, is never updated or deleted by this one.
    const foreignDir = join(tempDir(), 'elsewhere');
    await mkdir(foreignDir);
    const foreign = join(foreignDir, `lexical.${randomUUID()}.db`);
    const other = await openLexicalIndex(foreign);
    await other.upsert([quantum]);
    other.close();
    const before = readFileSync(foreign);
    const home = await indexIn('foreign');
    const target = join('..', 'elsewhere', foreign.split('/').at(-1)!);
    await symlink(target, home);
    await assert.rejects(openLexicalIndex(home), {
      code: 'not_ready',
      message: `${home} cannot be searched: it is a link to ${target}, which is not a generation of this index (lexical.<build id>.db beside it); run \`patmatch index\` to rebuild it`,
    });
    assert.deepEqual(await write(home, [lithium], false), {
      rebuilding: true,
      why: `${home}: it is a link to ${target}, which is not a generation of this index (lexical.<build id>.db beside it)`,
    });
    assert.deepEqual(freshKeys(home), [9]);
    assert.match(generation(home), /^lexical\.[0-9a-f-]{36}\.db$/);
    assert.deepEqual(readFileSync(foreign), before, 'the other index is untouched');
  });

  test('what killed rebuilds left is deleted by the next run, under the lock, and never used', async () => {
    const path = await indexIn('leftovers');
    await write(path, [graphene]);
    const current = generation(path);
    const folder = dirname(path);

    // A rebuild killed as it built: a real process SIGKILLed in its work.
    const child = spawn(process.execPath, ['--import', 'tsx', KILLED_REBUILD, path], { stdio: ['ignore', 'ignore', 'inherit'] });
    const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, 'SIGKILL');
    const killed = files(path).filter((name) => /^lexical\.[0-9a-f-]{36}\.db$/.test(name) && name !== current);
    assert.equal(killed.length, 1, 'the killed build left its generation');
    assert.deepEqual([generation(path), freshKeys(path)], [current, [7]], 'the link still names the old index');

    // One killed after its link was made, before it was renamed over lexical.db; a side file a process
    // racing a swap started; the .building file of patmatch versions before generation files.
    const ghost = `lexical.${randomUUID()}.db`;
    const index = await openLexicalIndex(join(folder, ghost));
    await index.upsert([quantum]);
    index.setIndexedRevision(1_000_000);
    index.close();
    await symlink(ghost, `${path}.next`);
    const orphan = `lexical.${randomUUID()}.db-shm`;
    await writeFile(join(folder, orphan), '');
    await writeFile(`${path}.building`, 'a half-built index');
    const unrelated = ['lexical.notes.db', `other.${randomUUID()}.db`, 'lexical.db.bak'];
    for (const name of unrelated) await writeFile(join(folder, name), 'not ours');
    const planted = files(path);

    const lock = lockIndexUpdate(path, 0);
    try {
      await assert.rejects(write(path, [], false), /lexical\.db is being updated by another process/);
      assert.deepEqual(files(path), planted, 'nothing is deleted while another index holds the lock');
    } finally {
      lock.release();
    }

    const update = await updateLexicalIndex(path, async (open, rebuilding) => ({ rebuilding, revision: open.indexedRevision, keys: open.count() }));
    assert.deepEqual(update, { rebuilding: false, revision: 0, keys: 1 }, 'the old index, updated in place');
    assert.deepEqual(files(path), [current, 'lexical.db', 'lexical.db.bak', 'lexical.db.lock', 'lexical.notes.db', unrelated[1]!].sort());
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
