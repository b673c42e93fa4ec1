import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PatmatchError } from '../domain/errors.js';
import { homeLayout } from './home.js';
import { openStore, type PatentStore } from './index.js';
import { makeReadOnly, samplePatent as patent, tempStore, type TempStore } from './test-support.js';

describe('patent store', () => {
  let temp: TempStore;
  let home: string;
  let store: PatentStore;
  beforeEach(async () => {
    temp = await tempStore();
    ({ home, store } = temp);
  });
  afterEach(() => temp.cleanup());

  test('a write waits for another process holding the write lock instead of failing with "database is locked"', async () => {
    store.upsertPatents([patent('1020160138184')], 'test:a');
    // Another process (serve, a second ingest) writes for half a second.
    const holder = spawn(
      process.execPath,
      ['-e', `const db = new (require('better-sqlite3'))(process.argv[1]); db.pragma('busy_timeout = 5000');
        db.exec('BEGIN IMMEDIATE'); db.prepare("UPDATE patents SET title = title || '!'").run(); console.log('locked');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500); db.exec('COMMIT');`, join(home, 'patmatch.db')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout!, 'data');
    assert.deepEqual(store.upsertPatents([patent('1020170059992')], 'test:b'), { inserted: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(await once(holder, 'exit'), [0, null]);
    assert.equal(store.count(), 2);
  });

  test('opening a store another process is writing does not wait for its write lock', async () => {
    store.close();
    const holder = spawn(
      process.execPath,
      ['-e', `const db = new (require('better-sqlite3'))(process.argv[1]);
        db.exec('BEGIN IMMEDIATE'); db.prepare("INSERT INTO store_meta VALUES ('probe', '1')").run(); console.log('locked');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6000); db.exec('ROLLBACK');`, join(home, 'patmatch.db')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout!, 'data');
    // The busy timeout is 5 s: before, the migration check took the write lock and failed here.
    store = openStore(home);
    assert.equal(store.count(), 0);
    store.close();
    holder.kill();
    await once(holder, 'exit');
  });

    test('a registration number without a status means 등록, but never overwrites a status the store knows', () => {
    store.upsertPatents([patent('1020160138184', { registrationNumber: '1018463630000', registrationStatus: '소멸' })], 'test:xml');
    store.upsertPatents([patent('1020160138184', { registrationNumber: '1018463630000', registrationStatus: null })], 'test:csv');
    assert.equal(store.getByApplicationNumber('1020160138184')!.registrationStatus, '소멸');
    store.upsertPatents([patent('1020170059992', { registrationNumber: '1019999990000', registrationStatus: null })], 'test:csv');
    assert.equal(store.getByApplicationNumber('1020170059992')!.registrationStatus, '등록');
    // What an index update from a revision reads (its progress total): only the patents changed since.
    assert.deepEqual([store.count(), store.count(store.currentRevision - 1), store.count(store.currentRevision)], [2, 1, 0]);
  });

  test('creates the home folder and a WAL database', () => {
    assert.ok(existsSync(join(home, 'patmatch.db')));
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.count(), 0);
    assert.equal(store.currentRevision, 0);
  });

  test('inserts, keeps ids on update, bumps revisions monotonically, and skips unchanged records', () => {
    assert.deepEqual(store.upsertPatents([patent('1020160138184'), patent('1020170059992')], 'test:a'), {
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
    const before = store.getByApplicationNumber('10-2016-0138184')!;
    assert.equal(before.source, 'test:a');
    const revision = store.currentRevision;

    assert.deepEqual(store.upsertPatents([patent('1020160138184')], 'test:b'), { inserted: 0, updated: 0, unchanged: 1 });
    assert.equal(store.currentRevision, revision, 'an unchanged record takes no revision');

    const counts = store.upsertPatents([patent('1020160138184', { registrationStatus: '등록', registrationNumber: '1018463630000' })], 'test:c');
    assert.deepEqual(counts, { inserted: 0, updated: 1, unchanged: 0 });
    const after = store.getByApplicationNumber('1020160138184')!;
    assert.equal(after.id, before.id);
    assert.ok(after.revision > revision);
    assert.equal(after.registrationStatus, '등록');
    assert.equal(after.source, 'test:c');
    assert.equal(store.count(), 2);
  });

  test('merges: empty incoming fields never blank stored ones', () => {
    store.upsertPatents([patent('1020160138184', { titleEn: 'ELECTRODE', ipc: ['H01G 11/86', 'B05D 1/12'], agent: '차준용' })], 'csv');
    const counts = store.upsertPatents([patent('1020160138184', { titleEn: null, ipc: [], agent: null, abstract: '' })], 'xml');
    assert.deepEqual(counts, { inserted: 0, updated: 0, unchanged: 1 });
    const stored = store.getByApplicationNumber('1020160138184')!;
    assert.equal(stored.titleEn, 'ELECTRODE');
    assert.deepEqual(stored.ipc, ['H01G 11/86', 'B05D 1/12']);
    assert.equal(stored.abstract, '요약 1020160138184');
  });

  test('a later duplicate in the same batch updates the earlier one; onRecord tells each outcome by index', () => {
    const outcomes: Array<[number, string]> = [];
    const batch = [patent('1020160138184'), patent('1020160138184', { title: '새 명칭' }), patent('1020160138184', { title: '새 명칭' })];
    const counts = store.upsertPatents(batch, 'x', (index, outcome) => outcomes.push([index, outcome]));
    assert.deepEqual(counts, { inserted: 1, updated: 1, unchanged: 1 });
    assert.deepEqual(outcomes, [[0, 'inserted'], [1, 'updated'], [2, 'unchanged']]);
    assert.equal(store.getByApplicationNumber('1020160138184')!.title, '새 명칭');
  });

  test('getByIds, getByApplicationNumber with other forms, and iterate in revision order', () => {
    const numbers = Array.from({ length: 7 }, (_, i) => `10201600000${String(i).padStart(2, '0')}`);
    store.upsertPatents(numbers.map((n) => patent(n)), 'x');
    store.upsertPatents([patent(numbers[0]!, { title: '갱신' })], 'x');
    const first = store.getByApplicationNumber('10-2016-0000000')!;
    assert.equal(store.getByApplicationNumber('nonsense'), null);
    assert.equal(store.getByApplicationNumber('1099990000000'), null);

    const byIds = store.getByIds([first.id, 9999]);
    assert.deepEqual([...byIds.keys()], [first.id]);
    assert.equal(byIds.get(first.id)!.title, '갱신');

    const batches = [...store.iterate({ batchSize: 3 })];
    assert.deepEqual(batches.map((batch) => batch.length), [3, 3, 1]);
    const order = batches.flat().map((p) => p.applicationNumber);
    assert.deepEqual(order, [...numbers.slice(1), numbers[0]]);
    const revisions = batches.flat().map((p) => p.revision);
    assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b));

    const tail = [...store.iterate({ afterRevision: first.revision - 1 })].flat();
    assert.deepEqual(tail.map((p) => p.applicationNumber), [numbers[0]]);
    assert.deepEqual([...store.iterate({ afterRevision: store.currentRevision })], []);
  });

  test('filterIds: IPC prefix, date range, applicant substring (any co-applicant), status', () => {
    store.upsertPatents(
      [
        patent('1020160000001', { ipc: ['H01G 11/86', 'B05D 1/12'], applicationDate: '2016-10-24', applicants: ['인천대학교 산학협력단'], registrationStatus: '등록' }),
        patent('1020170000002', { ipc: ['H01G 110/1'], applicationDate: '2017-05-15', applicants: ['성균관대학교산학협력단'], registrationStatus: '공개' }),
        patent('1020180000003', { ipc: ['H04W 72/12'], applicationDate: '2018-01-01', applicants: ['주식회사 윈텍', '(주)에이치씨테크'], registrationStatus: '등록' }),
        patent('1020190000004', { ipc: [], applicationDate: null, applicants: [], registrationStatus: null }),
      ],
      'x',
    );
    const numbersOf = (ids: Set<number> | null) =>
      ids === null ? null : [...store.getByIds([...ids]).values()].map((p) => p.applicationNumber).sort();

    assert.equal(store.filterIds({}), null);
    assert.equal(store.filterIds({ ipc: ' ', applicant: '' }), null);
    assert.deepEqual(numbersOf(store.filterIds({ ipc: 'H01G' })), ['1020160000001', '1020170000002']);
    assert.deepEqual(numbersOf(store.filterIds({ ipc: 'H01G 11' })), ['1020160000001']);
    assert.deepEqual(numbersOf(store.filterIds({ ipc: 'h01g 11/86' })), ['1020160000001']);
    assert.deepEqual(numbersOf(store.filterIds({ ipc: 'B05D' })), ['1020160000001']);
    assert.deepEqual(numbersOf(store.filterIds({ ipc: 'H0' })), ['1020160000001', '1020170000002', '1020180000003']);
    assert.deepEqual(numbersOf(store.filterIds({ from: '2017-01-01' })), ['1020170000002', '1020180000003']);
    assert.deepEqual(numbersOf(store.filterIds({ from: '2016.10.24', to: '20170515' })), ['1020160000001', '1020170000002']);
    assert.deepEqual(numbersOf(store.filterIds({ applicant: '산학협력단' })), ['1020160000001', '1020170000002']);
    assert.deepEqual(numbersOf(store.filterIds({ applicant: "'; DROP TABLE patents; --" })), []);
    // The second applicant matches too, by its key: spacing, case and the company form aside.
    assert.deepEqual(numbersOf(store.filterIds({ applicant: '에이치씨테크 주식회사' })), ['1020180000003']);
    assert.deepEqual(numbersOf(store.filterIds({ applicant: '성균관 대학교' })), ['1020170000002']);
    assert.deepEqual(numbersOf(store.filterIds({ applicant: '주식회사' })), ['1020180000003'], 'a company form alone matches names as written');
    assert.deepEqual(store.getByApplicationNumber('1020180000003')!.applicants, ['주식회사 윈텍', '(주)에이치씨테크']);
    assert.deepEqual(numbersOf(store.filterIds({ status: '등록', ipc: 'H04W' })), ['1020180000003']);
    assert.throws(() => store.filterIds({ from: 'last year' }), /filter from: "last year" is not a date/);
  });

  test('evaluations: stores known patents, reports unknown, counts unchanged, distributes by class', () => {
    store.upsertPatents([patent('1020160000001'), patent('1020170000002')], 'x');
    const evaluation = (applicationNumber: string, pqi: number, tech6t: 'IT' | 'BT' = 'IT') => ({
      applicationNumber,
      pqi,
      rightsScore: 70,
      technologyScore: 80,
      commercialScore: null,
      tech6t,
      source: 'synthetic-sample',
    });
    const first = store.upsertEvaluations([evaluation('10-2016-0000001', 0.7), evaluation('1020170000002', 1.2, 'BT'), evaluation('1020990000009', 1)]);
    assert.deepEqual(first, { inserted: 2, updated: 0, unchanged: 0, unknownPatent: ['1020990000009'] });
    assert.deepEqual(store.upsertEvaluations([evaluation('1020160000001', 0.7)]), { inserted: 0, updated: 0, unchanged: 1, unknownPatent: [] });
    assert.deepEqual(store.upsertEvaluations([evaluation('1020160000001', 0.9)]), { inserted: 0, updated: 1, unchanged: 0, unknownPatent: [] });

    const found = store.getEvaluations(['10-2016-0000001', '1020170000002', '1020990000009', 'junk']);
    assert.deepEqual([...found.keys()].sort(), ['1020160000001', '1020170000002']);
    assert.equal(found.get('1020160000001')!.pqi, 0.9);
    assert.equal(found.get('1020160000001')!.commercialScore, null);

    const it = store.classDistribution('IT');
    assert.deepEqual(it, { tech6t: 'IT', count: 1, pqi: [0.9], rights: [70], technology: [80], commercial: [], sources: ['synthetic-sample'] });
    assert.equal(store.classDistribution('NT').count, 0);

    assert.throws(() => store.upsertEvaluations([evaluation('1020160000001', -1)]), /pqi: -1 is not a non-negative number/);
    assert.throws(() => store.upsertEvaluations([{ ...evaluation('1020160000001', 1), tech6t: 'XX' as 'IT' }]), /tech6t/);
    assert.equal(store.getEvaluations(['1020160000001']).get('1020160000001')!.pqi, 0.9, 'a failed batch changes nothing');
  });

  test('reopening keeps data and schema version', () => {
    store.upsertPatents([patent('1020160000001')], 'x');
    store.close();
    store = temp.store = openStore(home);
    assert.equal(store.count(), 1);
    assert.equal(store.getByApplicationNumber('1020160000001')!.title, '발명 1020160000001');
  });
});

describe('a home that cannot be written', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await tempStore();
    temp.store.upsertPatents([patent('1020160000001')], 'x');
    temp.store.close();
  });
  afterEach(() => temp.cleanup());

  /** The message names the path, says it is not writable and why, and points at --home. */
  const notWritable = (path: string) => (error: unknown) => {
    assert.ok(error instanceof PatmatchError);
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(error.message, new RegExp(`^${escaped} is not writable \\((EACCES|EPERM|EROFS): [^)]+\\); make it writable, or use another home with --home <dir>`));
    return true;
  };

  test('a read-only home folder is named as not writable, to writers and (SQLite writes beside the store) readers', async (t) => {
    const readOnly = await makeReadOnly(temp.home);
    if ('skip' in readOnly) return t.skip(readOnly.skip);
    try {
      assert.throws(() => openStore(temp.home, { writes: true }), notWritable(temp.home));
      assert.throws(() => openStore(temp.home), notWritable(temp.home));
    } finally {
      await readOnly.undo();
    }
  });

  test('a read-only store file is named to writers, which would fail at their first write; readers still read', async (t) => {
    const { store: file } = homeLayout(temp.home);
    const readOnly = await makeReadOnly(file);
    if ('skip' in readOnly) return t.skip(readOnly.skip);
    try {
      assert.throws(() => openStore(temp.home, { writes: true }), notWritable(file));
      const reader = openStore(temp.home);
      assert.equal(reader.count(), 1);
      reader.close();
    } finally {
      await readOnly.undo();
    }
  });

  test('a home to be created in a read-only folder names that folder', async (t) => {
    const locked = join(temp.dir, 'locked');
    await mkdir(locked);
    const readOnly = await makeReadOnly(locked);
    if ('skip' in readOnly) return t.skip(readOnly.skip);
    try {
      assert.throws(() => openStore(join(locked, 'home'), { writes: true }), notWritable(locked));
      assert.throws(() => openStore(join(locked, 'home')), notWritable(locked));
    } finally {
      await readOnly.undo();
    }
  });
});
