import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { homeLayout } from './home.js';
import { openStore, PATENT_MIGRATIONS, type PatentStore } from './index.js';
import { migrate } from './schema.js';
import { tempStore, type TempStore } from './test-support.js';

/** A row as patmatch stored patents before applicants were lists. */
const OLD_ROWS: Array<[number: string, applicant: string | null, inventors: string | null]> = [
  ['1020160000001', '삼성전자주식회사|서울대학교산학협력단', '홍길동|김철수'],
  ['1020160000002', '알파 주식회사', null],
  ['1020160000003', '알파 주식회사 베타 인천대학교 산학협력단', '안호선 김지훈 이길원'],
  ['1020160000004', '알파 주식회사 베타', 'KIM, Chul Soo'],
  ['1020160000005', null, null],
];

describe('patents schema step 3: applicants and inventors become lists', () => {
  let temp: TempStore;
  let store: PatentStore;
  before(async () => {
    temp = await tempStore();
    const home = join(temp.dir, 'old-home');
    const { store: file } = homeLayout(home);
    mkdirSync(home);
    const old = new Database(file);
    migrate(old, 'patents', PATENT_MIGRATIONS.slice(0, 2));
    const insert = old.prepare(
      `INSERT INTO patents (application_number, kind, title, abstract, ipc, applicant, inventors, source, revision)
       VALUES (?, 'patent', '제목', '요약', '[]', ?, ?, 'csv:old.csv', ?)`,
    );
    OLD_ROWS.forEach(([number, applicant, inventors], index) => insert.run(number, applicant, inventors, index + 1));
    old.close();
    store = openStore(home, { writes: true });
  });
  after(async () => {
    store.close();
    await temp.cleanup();
  });

  const applicantsOf = (number: string) => store.getByApplicationNumber(number)!.applicants;

  test('each stored string is split as ingest splits it, helped by the names separated fields know', () => {
    assert.deepEqual(applicantsOf('1020160000001'), ['삼성전자주식회사', '서울대학교산학협력단']);
    assert.deepEqual(applicantsOf('1020160000002'), ['알파 주식회사']);
    // `알파 주식회사` is known from the row above, which settles `알파 주식회사 베타 …`.
    assert.deepEqual(applicantsOf('1020160000003'), ['알파 주식회사', '베타', '인천대학교 산학협력단']);
    assert.deepEqual(applicantsOf('1020160000004'), ['알파 주식회사', '베타']);
    assert.deepEqual(applicantsOf('1020160000005'), []);
    assert.deepEqual(store.getByApplicationNumber('1020160000001')!.inventors, ['홍길동', '김철수']);
    assert.deepEqual(store.getByApplicationNumber('1020160000003')!.inventors, ['안호선', '김지훈', '이길원']);
    assert.deepEqual(store.getByApplicationNumber('1020160000004')!.inventors, ['KIM, Chul Soo']);
  });

  test('the old columns are gone, revisions are kept, and the applicant filter finds any co-applicant', () => {
    const columns = (store.db.prepare(`SELECT name FROM pragma_table_info('patents')`).all() as Array<{ name: string }>).map((c) => c.name);
    assert.ok(!columns.includes('applicant') && columns.includes('applicants') && columns.includes('inventors'));
    assert.equal(store.currentRevision, OLD_ROWS.length);
    const numbers = (ids: Set<number> | null) => [...store.getByIds([...(ids ?? [])]).values()].map((p) => p.applicationNumber).sort();
    assert.deepEqual(numbers(store.filterIds({ applicant: '서울대학교 산학협력단' })), ['1020160000001']);
    assert.deepEqual(numbers(store.filterIds({ applicant: '베타' })), ['1020160000003', '1020160000004']);
  });

  test('re-ingest merges as before: a non-empty list replaces, an empty one never blanks', () => {
    const { id: _id, revision: _revision, source: _source, ...stored } = store.getByApplicationNumber('1020160000001')!;
    const counts = store.upsertPatents([{ ...stored, applicants: [], inventors: [] }], 'x');
    assert.deepEqual(counts, { inserted: 0, updated: 0, unchanged: 1 });
    store.upsertPatents([{ ...stored, applicants: ['서울대학교산학협력단'], inventors: [] }], 'x');
    assert.deepEqual(store.getByApplicationNumber('1020160000001')!.applicants, ['서울대학교산학협력단']);
    assert.deepEqual(store.getByApplicationNumber('1020160000001')!.inventors, ['홍길동', '김철수']);
    assert.deepEqual(store.filterIds({ applicant: '삼성전자' }), new Set());
  });
});
