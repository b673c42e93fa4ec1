import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildTestHome, type TestHome } from '../api/test-support/home.js';
import { writeCharModel } from '../embed/test-support/index.js';
import { buildIndexes } from '../index/build/index.js';
import { openStore } from '../store/index.js';
import { samplePatent } from '../store/test-support.js';
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
      search: async (query, options) => {
        await held;
        return real.search(query, options);
      },
      similar: (applicationNumber, options) => real.similar(applicationNumber, options),
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

  test('switches from lexical to dense when a model is indexed, and only then', async () => {
    assert.equal(engine.model, null);
    assert.equal(await engine.reload(), false, 'nothing changed yet');
    await buildIndexes(testHome.home, { embedder: `static:${modelDir}` });
    assert.equal(engine.model, null, 'not before the manifest is read');
    assert.equal(await engine.reload(), true);
    assert.match(engine.model ?? '', /^static:char-model@/);
    assert.equal((await engine.search('그래핀 전극', { mode: 'seed' })).mode, 'seed');
    assert.deepEqual(reloads.map((r) => r.from), ['lexical']);
    assert.equal(opened[0]!.closed, true, 'the lexical-only engine is closed');
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
});
