import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readlinkSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Patent } from '../../domain/index.js';
import { writeCharModel } from '../../embed/test-support/index.js';
import { ingest } from '../../ingest/index.js';
import { openSearchEngine } from '../../search/index.js';
import { homeLayout } from '../../store/home.js';
import { openStore } from '../../store/index.js';
import { samplePatent } from '../../store/test-support.js';
import { lockIndexUpdate, openLexicalIndex, type LexicalIndex } from '../lexical/index.js';
import { buildIndexes } from './index.js';

const OLD = [
  { applicationNumber: '1020190000001', title: '리튬 이차전지 음극재', abstract: '리튬 이차전지의 음극재 제조 방법' },
  { applicationNumber: '1020190000002', title: '브레이크 패드', abstract: '차량용 브레이크 패드의 마찰재' },
];
const NEW = [{ applicationNumber: '1020200000003', title: '반도체 식각 장치', abstract: '플라즈마를 이용한 반도체 식각 장치' }];

describe('indexes follow the database they were built from', () => {
  let dir: string;
  let home: string;
  let embedder: string;

  const ingestPatents = async (name: string, patents: object[]): Promise<void> => {
    const file = join(dir, `${name}.jsonl`);
    await writeFile(file, patents.map((p) => JSON.stringify(p)).join('\n'));
    const store = openStore(home);
    try {
      await ingest(store, [file]);
    } finally {
      store.close();
    }
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-build-'));
    home = join(dir, 'home');
    await writeCharModel(join(dir, 'model'), [...OLD, ...NEW].flatMap((p) => [p.title, p.abstract]));
    embedder = `static:${join(dir, 'model')}`;
    await ingestPatents('old', OLD);
    await buildIndexes(home, { embedder });
  });

  after(() => rm(dir, { recursive: true, force: true }));

  test('a database replaced under the indexes is refused by search and rebuilt whole by index', async () => {
    for (const suffix of ['', '-wal', '-shm']) await rm(join(home, `patmatch.db${suffix}`), { force: true });
    await ingestPatents('new', NEW);
    // Store id 1 is now 반도체 식각 장치, which the old indexes hold as 리튬 이차전지 음극재.
    await assert.rejects(openSearchEngine(home), /lexical index of .* was built from another patent database: run `patmatch index` again/);

    const report = await buildIndexes(home, { embedder });
    assert.deepEqual([report.lexical.indexed, report.lexical.rebuilt], [1, true]);
    assert.equal(report.lexical.rebuiltBecause, `${homeLayout(home).lexical}: it was built from another patent database (or the store went back to an older copy)`);
    assert.equal(report.vectors?.embedded, 1);
    assert.equal(report.vectors?.count, 1);
    const engine = await openSearchEngine(home);
    try {
      for (const mode of ['lexical', 'seed'] as const) {
        const { hits } = await engine.search('리튬 이차전지 음극재', { mode });
        assert.ok(hits.every((hit) => hit.applicationNumber === NEW[0]!.applicationNumber), mode);
        assert.equal((await engine.search('반도체 식각', { mode })).hits[0]?.title, NEW[0]!.title);
      }
    } finally {
      await engine.close();
    }
  });

  test('one index at a time, vectors included: the lock is held while the vectors are written', async () => {
    const whileEmbedding: string[] = [];
    await buildIndexes(home, {
      embedder,
      full: true,
      onProgress: (stage) => {
        if (stage !== 'embedding') return;
        // What a second `patmatch index` does first; the vectors folder is replaced whole, so two
        // writing it at once would throw each other's half-built folder away.
        try {
          lockIndexUpdate(homeLayout(home).lexical, 0).release();
          whileEmbedding.push('a second index got the lock');
        } catch (error) {
          whileEmbedding.push((error as Error).message);
        }
      },
    });
    assert.ok(whileEmbedding.length > 0);
    for (const outcome of whileEmbedding) assert.match(outcome, /lexical\.db is being updated by another process/);
    lockIndexUpdate(homeLayout(home).lexical, 0).release(); // released at the end
  });
});

describe('a lexical index rebuilt whole is built aside and swapped in', () => {
  let dir: string;
  let home: string;
  let path: string;
  /** More than two store batches (500), so a build has a middle. */
  const FILLER = Array.from({ length: 1200 }, (_, at) => samplePatent(`10201700${String(at).padStart(5, '0')}`));
  const marker = samplePatent('1020180000001', { title: '초전도 자석 냉각 장치', abstract: '초전도 자석을 냉각하는 장치' });
  const total = FILLER.length + 1;

  const upsert = (patents: Patent[]) => {
    const store = openStore(home);
    store.upsertPatents(patents, 'test');
    store.close();
  };
  /** Count and marker hits of a connection opened now, read while a build may be running. */
  const freshCount = () => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM lexical_documents').pluck().get();
    } finally {
      db.close();
    }
  };
  const titleKeys = async (index: LexicalIndex, query: string) => (await index.search(query, 'title', 5)).map((hit) => hit.key);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-swap-'));
    home = join(dir, 'home');
    path = homeLayout(home).lexical;
    upsert([marker, ...FILLER]);
    await buildIndexes(home);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('an incremental update stays in place; --full swaps in a new file', async () => {
    const inode = statSync(path).ino;
    upsert([samplePatent('1020180000002')]);
    const update = await buildIndexes(home);
    assert.equal(statSync(path).ino, inode, 'updated in place');
    const full = await buildIndexes(home, { full: true });
    assert.notEqual(statSync(path).ino, inode, 'swapped in');
    assert.deepEqual([update.lexical.indexed, update.lexical.rebuilt, full.lexical.indexed, full.lexical.rebuilt], [1, false, total + 1, true]);
    assert.deepEqual([update.lexical.rebuiltBecause, full.lexical.rebuiltBecause], [null, 'a full rebuild was asked for']);
  });

  test('during --full, readers see the old index whole, and one that opened it before keeps it after the swap', async () => {
    const reader = await openLexicalIndex(path);
    try {
      const count = reader.count();
      const [key] = await titleKeys(reader, '초전도 자석');
      assert.ok(key !== undefined);
      upsert([{ ...marker, title: '양자 암호 통신 장치' }]);
      const seen: Array<{ done: number; reader: number; fresh: unknown; marker: Promise<number[]> }> = [];
      await buildIndexes(home, {
        full: true,
        onProgress: (stage, done) => {
          if (stage === 'lexical') seen.push({ done, reader: reader.count(), fresh: freshCount(), marker: titleKeys(reader, '초전도 자석') });
        },
      });
      assert.deepEqual(seen.map((s) => s.done), [500, 1000, count]);
      for (const during of seen) {
        assert.deepEqual([during.reader, during.fresh, await during.marker], [count, count, [key]], `after ${during.done} patents`);
      }
      assert.deepEqual([reader.count(), await titleKeys(reader, '초전도 자석')], [count, [key]], 'the old reader after the swap');
      const fresh = await openLexicalIndex(path);
      assert.deepEqual([await titleKeys(fresh, '초전도 자석'), await titleKeys(fresh, '양자 암호')], [[], [key]]);
      fresh.close();
    } finally {
      reader.close();
    }
  });

  test('a --full that fails part-way leaves the old index searchable and no .building file', async () => {
    const before = await openLexicalIndex(path);
    const [count, keys] = [before.count(), await titleKeys(before, '양자 암호')];
    before.close();
    upsert([{ ...marker, title: '리튬 이차전지 음극재' }]);
    const failing = buildIndexes(home, {
      full: true,
      onProgress: (stage, done) => {
        if (stage === 'lexical' && done >= 500) throw new Error('the build was stopped');
      },
    });
    await assert.rejects(failing, /the build was stopped/);
    assert.equal(existsSync(`${path}.building`), false);
    const after = await openLexicalIndex(path);
    assert.deepEqual([after.count(), await titleKeys(after, '양자 암호'), await titleKeys(after, '리튬 음극재')], [count, keys, []]);
    after.close();
    assert.equal((await buildIndexes(home)).lexical.indexed, 1, 'the next run updates the old index from its revision');
  });

  test('a lexical.db that links to no index file: search says so, and index rebuilds it and says why', async () => {
    const target = readlinkSync(path);
    await rm(join(home, target));
    await assert.rejects(openSearchEngine(home), {
      code: 'not_ready',
      message: `${path} cannot be searched: it is a link to ${target}, which does not exist; run \`patmatch index\` to rebuild it`,
    });
    const report = await buildIndexes(home);
    assert.deepEqual(
      [report.lexical.rebuilt, report.lexical.rebuiltBecause, report.lexical.indexed],
      [true, `${path}: it is a link to ${target}, which does not exist`, report.patents],
    );
    assert.notEqual(readlinkSync(path), target);
    const index = await openLexicalIndex(path);
    assert.equal(index.count(), report.patents);
    index.close();
  });

  test('a .building file left by a killed run is removed by the next run, never used', async () => {
    const plantGhost = async () => {
      const ghost = await openLexicalIndex(`${path}.building`);
      await ghost.upsert([{ key: 1, title: '유령 특허', titleEn: null, abstract: '유령' }]);
      ghost.setIndexedRevision(1_000_000);
      ghost.close();
    };
    await plantGhost();
    const update = await buildIndexes(home);
    assert.equal(existsSync(`${path}.building`), false, 'an update in place removes it');
    assert.equal(update.lexical.rebuilt, false);
    await plantGhost();
    const report = await buildIndexes(home, { full: true });
    assert.equal(existsSync(`${path}.building`), false);
    const index = await openLexicalIndex(path);
    assert.deepEqual([index.count(), await titleKeys(index, '유령 특허')], [report.lexical.indexed, []]);
    assert.ok(index.indexedRevision < 1_000_000);
    index.close();
  });
});
