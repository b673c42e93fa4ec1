import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedDataDir } from '../cli/context.js';
import { tempStore, type TempStore } from '../store/test-support.js';
import { ingest } from './index.js';
import { ingestEvaluations } from './evaluations.js';

const kipris = join(sharedDataDir(), 'kipris');
const xmlFolder = join(kipris, 'plus-xml');
const csvFile = join(kipris, 'inu-patents.csv');

describe('ingest of the shared KIPRIS data', () => {
  let temp: TempStore;
  before(async () => (temp = await tempStore()));
  after(() => temp.cleanup());

  test('XML folder: 3,325 items, 1,329 distinct application numbers', async () => {
    const summary = await ingest(temp.store, [xmlFolder]);
    assert.deepEqual(
      { read: summary.read, inserted: summary.inserted, rejected: summary.rejected, failed: summary.failed },
      { read: 3325, inserted: 1329, rejected: 0, failed: [] },
    );
    assert.equal(summary.inserted + summary.updated + summary.unchanged, summary.read);
    assert.equal(temp.store.count(), 1329);
  });

  test('CSV: 1,009 rows, 979 distinct; no overlap with the XML, so the union is 2,308', async () => {
    const summary = await ingest(temp.store, [csvFile]);
    assert.deepEqual([summary.read, summary.inserted, summary.unchanged, summary.rejected], [1009, 979, 30, 0]);
    assert.equal(temp.store.count(), 1329 + 979);
    const patent = temp.store.getByApplicationNumber('10-2016-0138184')!;
    assert.equal(patent.title, '스프레이 분사를 이용한 슈퍼커패시터용 3차원 그래핀 전극의 제조방법');
    assert.equal(patent.titleEn, 'PREPARATION METHOD OF 3D GRAPHENE ELECTRODE FOR SUPERCAPACITOR USING SPRAY DISCHARGE');
    assert.deepEqual(patent.ipc, ['H01G 11/86', 'H01G 11/32', 'H01G 11/46', 'B05D 1/12', 'B05D 3/02']);
    assert.equal(patent.applicationDate, '2016-10-24');
    assert.equal(patent.registrationStatus, '등록');
    // An abstract with unquoted commas spills into the headerless columns after 설명; it is joined back.
    const spilled = [...temp.store.iterate()].flat().find((p) => p.abstract.includes('제2 공진부, 및 상기'));
    assert.ok(spilled?.abstract.endsWith('효과를 갖는다.'));
  });

  test('re-ingesting everything changes nothing', async () => {
    const revision = temp.store.currentRevision;
    const summary = await ingest(temp.store, [kipris]);
    assert.deepEqual([summary.read, summary.inserted, summary.updated, summary.unchanged], [4334, 0, 0, 4334]);
    assert.equal(temp.store.currentRevision, revision);
    assert.deepEqual(summary.skipped.map((s) => s.file).sort(), [join(kipris, 'sample-evaluations.csv'), join(kipris, 'sample-managers.csv')]);
  });

  test('a newer record updates the stored one, keeping its id and non-empty fields', async () => {
    const before = temp.store.getByApplicationNumber('1020160138184')!;
    const header = (await readFile(csvFile, 'utf8')).split('\n', 1)[0];
    const file = join(temp.dir, 'newer.csv');
    await writeFile(file, `${header}\n"스프레이 분사를 이용한 슈퍼커패시터용 3차원 그래핀 전극의 제조방법",,,1020160138184, 2016.10.24,, , , ,,,,,,,,\n`);
    await writeFile(join(temp.dir, 'status.jsonl'), `${JSON.stringify({ applicationNumber: '10-2016-0138184', title: before.title, registrationStatus: '소멸' })}\n`);
    const unchanged = await ingest(temp.store, [file]);
    assert.deepEqual([unchanged.updated, unchanged.unchanged], [0, 1], 'a poorer record (empty fields) changes nothing');
    const updated = await ingest(temp.store, [join(temp.dir, 'status.jsonl')]);
    assert.equal(updated.updated, 1);
    const after = temp.store.getByApplicationNumber('1020160138184')!;
    assert.equal(after.id, before.id);
    assert.ok(after.revision > before.revision);
    assert.equal(after.registrationStatus, '소멸');
    assert.equal(after.titleEn, before.titleEn);
    assert.deepEqual(after.ipc, before.ipc);
  });

  test('evaluations: all sample rows match stored patents; unknown patents and bad rows are reported', async () => {
    const summary = await ingestEvaluations(temp.store, join(kipris, 'sample-evaluations.csv'));
    assert.equal(summary.read, 1854);
    assert.equal(summary.inserted + summary.unknownPatent.length, 1854);
    assert.equal(summary.rejected, 0);
    const again = await ingestEvaluations(temp.store, join(kipris, 'sample-evaluations.csv'));
    assert.equal(again.unchanged, summary.inserted);

    const file = join(temp.dir, 'evaluations.csv');
    await writeFile(
      file,
      [
        'application_number,pqi,rights_score,technology_score,commercial_score,tech_6t,source',
        '1020160138184,1.5,80,90,70,it,',
        '1020250009999,1,1,1,1,IT,kpeg',
        'bad,1,1,1,1,IT,kpeg',
        '1020160138184,-1,101,x,,QT,kpeg',
      ].join('\n'),
    );
    const mixed = await ingestEvaluations(temp.store, file);
    assert.deepEqual([mixed.read, mixed.updated, mixed.rejected], [4, 1, 2]);
    assert.deepEqual(mixed.unknownPatent, ['1020250009999']);
    assert.deepEqual(
      mixed.rejections.map((r) => [r.line, r.field]),
      [[4, 'application_number'], [5, 'pqi'], [5, 'rights_score'], [5, 'technology_score'], [5, 'tech_6t']],
    );
    const stored = temp.store.getEvaluations(['10-2016-0138184']).get('1020160138184')!;
    assert.deepEqual(stored, {
      applicationNumber: '1020160138184',
      pqi: 1.5,
      rightsScore: 80,
      technologyScore: 90,
      commercialScore: 70,
      tech6t: 'IT',
      source: 'evaluations.csv',
    });
    const distribution = temp.store.classDistribution('IT');
    assert.ok(distribution.count > 0);
    assert.equal(distribution.pqi.length, distribution.count);

    // A hostile file cannot grow the summary without bound: 10,000 listed, the rest counted.
    const bad = Array.from({ length: 10_003 }, (_, i) => `x${i},1,1,1,1,IT,kpeg`);
    const unknown = Array.from({ length: 10_002 }, (_, i) => `10203${String(i).padStart(8, '0')},1,1,1,1,IT,kpeg`);
    await writeFile(file, ['application_number,pqi,rights_score,technology_score,commercial_score,tech_6t,source', ...bad, ...unknown, `1,${'9'.repeat(500)},1,1,1,IT,x`].join('\n'));
    const hostile = await ingestEvaluations(temp.store, file);
    assert.deepEqual([hostile.rejections.length, hostile.rejectionsOmitted], [10_000, 5]);
    assert.deepEqual([hostile.unknownPatent.length, hostile.unknownPatentOmitted], [10_000, 2]);
    assert.ok(hostile.rejectionsOmitted > 0 && JSON.stringify(hostile).length < 2_000_000);
  });
});
