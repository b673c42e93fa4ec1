import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildTestHome, type TestHome } from '../api/test-support/home.js';
import { writeCharModel } from '../embed/test-support/index.js';
import { PatmatchError } from '../domain/errors.js';
import { buildIndexes } from '../index/build/index.js';
import { updateLexicalIndex } from '../index/lexical/index.js';
import { openStore } from '../store/index.js';
import { samplePatent } from '../store/test-support.js';
import { QUERY_LEXICON_FILE, writeQueryLexicon } from '../text/lexicon/index.js';
import { openReloadingEngine, openSearchEngine, type ReloadingEngine, type SearchEngine } from './index.js';

describe('reloading engine', () => {
  let testHome: TestHome;
  let modelDir: string;
  let engine: ReloadingEngine;
  const opened: Array<{ engine: SearchEngine; closed: boolean }> = [];
  const reloads: Array<{ from: string; to: string }> = [];
  const errors: unknown[] = [];
  /** Lets a test hold the searches of the engine opened next until it says go. */
  let gate: Promise<void> | undefined;

  const open = async (): Promise<SearchEngine> => {
    const real = await openSearchEngine(testHome.home);
    const held = gate;
    const entry = { engine: real, closed: false };
    opened.push(entry);
    return {
      get model() {
        return real.model;
      },
      lexicon: real.lexicon,
      search: async (query, options) => {
        await held;
        return real.search(query, options);
      },
      similar: (applicationNumber, options) => real.similar(applicationNumber, options),
      scorePatents: (queries, numbers) => real.scorePatents(queries, numbers),
      explainPatents: (query, numbers) => real.explainPatents(query, numbers),
      close: async () => {
        entry.closed = true;
        await real.close();
      },
    };
  };

  before(async () => {
    testHome = await buildTestHome();
    modelDir = join(testHome.home, 'char-model');
    const store = openStore(testHome.home);
    await writeCharModel(modelDir, [...store.iterate()].flat().flatMap((p) => [p.title, p.abstract, '초전도 양자 광섬유 센서']));
    store.close();
    engine = await openReloadingEngine(testHome.home, open, {
      intervalMs: 0,
      onReload: (info) => reloads.push(info),
      onError: (error) => errors.push(error),
    });
  });

  after(async () => {
    await engine?.close();
    await testHome.cleanup();
  });

  test('a home without vectors: a lexical index rebuilt whole is picked up, and the engine stays lexical', async () => {
    assert.equal(await engine.reload(), false, 'nothing changed yet');
    assert.equal((await buildIndexes(testHome.home, { full: true })).lexical.rebuilt, true);
    assert.equal(await engine.reload(), true);
    assert.equal(engine.model, null);
    assert.ok((await engine.search('그래핀 전극')).hits.length > 0);
    assert.equal(reloads.length, 1);
    assert.match(reloads[0]!.from, /^lexical\.db build [0-9a-f-]{36}$/);
    assert.match(reloads[0]!.to, /^lexical\.db build [0-9a-f-]{36}$/);
    assert.notEqual(reloads[0]!.to, reloads[0]!.from);
    assert.equal(opened[0]!.closed, true, 'the engine of the old file is closed');
    assert.equal(await engine.reload(), false);
  });

  test('switches from lexical to dense when a model is indexed, and only then', async () => {
    assert.equal(engine.model, null);
    await buildIndexes(testHome.home, { embedder: `static:${modelDir}` });
    assert.equal(engine.model, null, 'not before the manifest is read');
    assert.equal(await engine.reload(), true);
    assert.match(engine.model ?? '', /^static:char-model@/);
    assert.equal((await engine.search('그래핀 전극', { mode: 'seed' })).mode, 'seed');
    assert.equal(reloads.at(-1)!.from, reloads.at(-2)!.to);
    assert.match(reloads.at(-1)!.to, /^lexical\.db build [0-9a-f-]{36} \+ vectors static:char-model@/);
    assert.equal(opened.at(-2)!.closed, true, 'the lexical-only engine is closed');
    assert.equal(await engine.reload(), false);
  });

  test('finds a patent indexed after it opened; a search running on the old engine finishes there', async () => {
    const add = async (applicationNumber: string, title: string) => {
      const store = openStore(testHome.home);
      store.upsertPatents([samplePatent(applicationNumber, { title, abstract: title })], 'test:new');
      store.close();
      await buildIndexes(testHome.home);
    };
    const dense = async () => (await engine.search('초전도 양자 광섬유 센서', { mode: 'dense', top: 1 })).hits[0]?.applicationNumber;
    await add('1020990000777', '초전도 양자 광섬유 센서');
    assert.notEqual(await dense(), '1020990000777', 'the open vectors do not have it yet');

    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const idle = opened.at(-1)!;
    assert.equal(await engine.reload(), true);
    assert.equal(idle.closed, true, 'an idle old engine closes at once');
    const gated = opened.at(-1)!;
    gate = undefined;
    const held = engine.search('초전도 양자 광섬유 센서', { mode: 'dense', top: 1 });

    await add('1020990000778', '양자 광섬유 센서 모듈');
    assert.equal(await engine.reload(), true);
    assert.equal(gated.closed, false, 'kept open while its search runs');
    release();
    assert.equal((await held).hits[0]?.applicationNumber, '1020990000777');
    assert.equal(gated.closed, true, 'closed when its last search finished');
    assert.equal(await dense(), '1020990000777');
  });

  test('a vectors folder it cannot open leaves the current engine answering, reported once', async () => {
    const manifest = join(testHome.home, 'vectors', 'manifest.json');
    await writeFile(manifest, '{ not json');
    await assert.rejects(engine.reload(), /not a valid manifest/);
    assert.equal(await engine.reload(), false, 'the same broken index is not tried again');
    assert.ok((await engine.search('그래핀 전극')).hits.length > 0);
    await buildIndexes(testHome.home, { full: true, embedder: `static:${modelDir}` });
    assert.equal(await engine.reload(), true);
    assert.ok((await engine.search('그래핀 전극')).hits.length > 0);
    assert.equal(errors.length, 0, 'reload() reports to its caller; onError is for the timer');
  });

  /** Rebuilds lexical.db alone, whole, with words the store does not have in its first patent's text. */
  const rebuildLexical = async () => {
    const store = openStore(testHome.home);
    const patents = [...store.iterate()].flat();
    await updateLexicalIndex(
      join(testHome.home, 'lexical.db'),
      async (index) => {
        const unicorn = { title: '무지개 유니콘 장치', abstract: '무지개 유니콘을 이용한 장치' };
        await index.upsert(patents.map((p, at) => ({ key: p.id, title: p.title, titleEn: p.titleEn, abstract: p.abstract, ...(at === 0 && unicorn) })));
        index.setIndexedRevision(store.currentRevision, store.storeId);
      },
      { full: true },
    );
    store.close();
    return patents;
  };

  /** Puts a byte-for-byte copy of lexical.db, a new file (another inode), in its place, as a file system without stable inode numbers would show it. */
  const copyLexicalInPlace = async () => {
    const path = join(testHome.home, 'lexical.db');
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)'); // the copy is of the file alone, so all of the index must be in it
    db.close();
    const inode = (await stat(path)).ino;
    await copyFile(path, `${path}.copy`);
    await rename(`${path}.copy`, path);
    assert.notEqual((await stat(path)).ino, inode, 'another inode');
  };

  test('a lexical index swapped in alone is picked up, with the same vectors', async () => {
    // A rebuilt index in which one patent has words the store does not have, to tell the files apart.
    const patents = await rebuildLexical();
    const unicorn = async () => (await engine.search('무지개 유니콘', { mode: 'lexical' })).hits.map((hit) => hit.applicationNumber);
    assert.deepEqual(await unicorn(), [], 'the open engine still searches the old file');
    const before = opened.at(-1)!;
    assert.equal(await engine.reload(), true);
    assert.deepEqual(await unicorn(), [patents[0]!.applicationNumber]);
    assert.equal(before.closed, true);
    const { from, to } = reloads.at(-1)!;
    assert.notEqual(from.split(' + ')[0], to.split(' + ')[0], 'another lexical file');
    assert.equal(from.split(' + ')[1], to.split(' + ')[1], 'the same vectors');
  });

  test("a change of the model's English lexicon is picked up with the same indexes", async () => {
    const translations = async () => (await engine.search('superconducting sensor', { mode: 'lexical' })).translations;
    assert.equal(await translations(), undefined);
    await writeQueryLexicon(modelDir, [{ english: 'superconducting', korean: '초전도' }]);
    assert.equal(await engine.reload(), true);
    assert.deepEqual(await translations(), [{ english: 'superconducting', korean: '초전도' }]);
    assert.match(reloads.at(-1)!.to, / \+ lexicon \d+ bytes @ /);
    assert.equal(reloads.at(-1)!.from.split(' + ').slice(0, 2).join(), reloads.at(-1)!.to.split(' + ').slice(0, 2).join(), 'the same indexes');
    assert.equal(await engine.reload(), false);
    await rm(join(modelDir, QUERY_LEXICON_FILE));
    assert.equal(await engine.reload(), true);
    assert.equal(await translations(), undefined);
  });

  test('vectors/ renamed aside by a rebuild, before the new folder comes in, is not reported gone', async () => {
    const vectors = join(testHome.home, 'vectors');
    const aside = join(testHome.home, '.vectors.old'); // where replaceDirAtomic puts the old folder
    await rename(vectors, aside);
    try {
      assert.equal(await engine.reload(), false);
      assert.deepEqual(errors, []);
    } finally {
      await rename(aside, vectors);
    }
    assert.equal(await engine.reload(), false);
    assert.deepEqual(errors, []);
  });

  test('deleting vectors/ keeps the engine and its vectors, reported once through onError', async () => {
    const model = engine.model;
    const serving = opened.at(-1)!;
    await rm(join(testHome.home, 'vectors'), { recursive: true });
    assert.equal(await engine.reload(), false);
    assert.equal(engine.model, model);
    assert.equal(serving.closed, false);
    assert.ok((await engine.search('그래핀 전극', { mode: 'dense' })).hits.length > 0, 'the open vectors still answer');
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof PatmatchError && errors[0].details?.['reason'] === 'vectors_gone');
    assert.match(errors[0].message, /vectors in .* are gone .*still searching the ones opened before/);
    assert.equal(await engine.reload(), false);
    assert.equal(errors.length, 1, 'reported once');

    await buildIndexes(testHome.home, { embedder: `static:${modelDir}` });
    assert.equal(await engine.reload(), true);
    assert.match(engine.model ?? '', /^static:char-model@/);
  });

  test('an index from before build ids is followed by its inode until index gives it one', async () => {
    const path = join(testHome.home, 'lexical.db');
    const db = new Database(path);
    db.exec(`DELETE FROM lexical_meta WHERE name = 'build_id'`);
    db.close();
    assert.equal(await engine.reload(), true, 'switching from the build id to the inode is a reload, once');
    assert.match(reloads.at(-1)!.to, /^lexical\.db \d+:\d+ \+ vectors /);
    assert.equal(await engine.reload(), false);
    await copyLexicalInPlace();
    assert.equal(await engine.reload(), true, 'another inode is another build');

    assert.equal((await buildIndexes(testHome.home)).lexical.rebuilt, false);
    assert.equal(await engine.reload(), true);
    assert.match(reloads.at(-1)!.to, /^lexical\.db build [0-9a-f-]{36} \+ vectors /);
    assert.equal(await engine.reload(), false);
  });

  test('lexical.db copied to another inode is the same build; one rebuilt whole is a new one', async () => {
    const serving = opened.at(-1)!;
    const reported = errors.length;
    await copyLexicalInPlace();
    assert.equal(await engine.reload(), false, 'the same build id in another file');
    assert.equal(serving.closed, false);
    assert.ok((await engine.search('그래핀 전극', { mode: 'lexical' })).hits.length > 0);

    const patents = await rebuildLexical();
    assert.equal(await engine.reload(), true);
    const { from, to } = reloads.at(-1)!;
    assert.notEqual(from.split(' + ')[0], to.split(' + ')[0]);
    assert.deepEqual((await engine.search('무지개 유니콘', { mode: 'lexical' })).hits.map((hit) => hit.applicationNumber), [patents[0]!.applicationNumber]);
    assert.equal(errors.length, reported);
  });
});
