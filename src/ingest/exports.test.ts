import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempStore, type TempStore } from '../store/test-support.js';
import { formatSummary } from '../cli/commands/ingest.js';
import { ingest } from './index.js';
import { fieldOf, notStoredHolds } from './headers.js';
import { GOOGLE_PATENTS, KIPRIS, KIPRIS_PLUS_BULK, WIPS_ON, writeDelimited, writeXlsx } from './test-support/exports.js';

describe('ingest of real export headers', () => {
  let temp: TempStore;
  before(async () => (temp = await tempStore()));
  after(() => temp.cleanup());

  test('WIPS ON: inventors and opening numbers map without --map; A then B1 of one application is a repeat; other columns are named', async () => {
    const file = join(temp.dir, 'wips-on.csv');
    await writeDelimited(file, WIPS_ON, ',');
    const summary = await ingest(temp.store, [file]);
    const { read, inserted, updated, updatedRepeats, unchanged, unchangedRepeats, rejected } = summary;
    assert.deepEqual(
      { read, inserted, updated, updatedRepeats, unchanged, unchangedRepeats, rejected },
      { read: 3, inserted: 2, updated: 1, updatedRepeats: 1, unchanged: 0, unchangedRepeats: 0, rejected: 0 },
    );
    const battery = temp.store.getByApplicationNumber('1020190131207')!;
    assert.deepEqual(battery.inventors, ['정하늘', '오서진']);
    assert.equal(battery.openingNumber, '1020210047331');
    assert.equal(battery.openingDate, '2021-04-30');
    assert.deepEqual([battery.registrationNumber, battery.publicationDate, battery.registrationStatus], ['1024430180000', '2022-09-14', '등록']);
    assert.deepEqual(battery.ipc, ['H01M 10/0562', 'H01M 10/052'], 'IPC (All) is read, not IPC (Main)');
    const [report] = summary.files;
    assert.deepEqual(report!.unmapped, [], 'every WIPS ON column is known');
    const notStored = Object.fromEntries(report!.notStored.map((column) => [column.column, [column.rows, column.holds, column.readFrom].filter(Boolean)]));
    assert.deepEqual(notStored['우선권 번호'], [1, 'priority']);
    assert.deepEqual(notStored['대표청구항'], [1, 'claims']);
    assert.deepEqual(notStored['CPC'], [3, 'CPC']);
    assert.deepEqual(notStored['패밀리 문헌번호 (출원기준)'], [1, 'family']);
    assert.deepEqual(notStored['IPC (Main)'], [2, 'ipc', 'IPC (All)']);
    assert.equal(notStored['번역문 링크'], undefined, 'a column empty in every row is not listed');
    const text = formatSummary(summary);
    assert.match(text, /^read 3 · new 2 · updated 1 \(all repeat an application read earlier in this run\) · unchanged 0 · rejected 0$/m);
    assert.match(text, /^ {4}not stored, priority: 우선권 국가 \(1 row\), 우선권 번호 \(1 row\), 우선권 주장일 \(1 row\)$/m);
    assert.match(text, /^ {4}not stored, CPC: CPC \(3 rows\)$/m);
    assert.match(text, /^ {4}not stored, ipc \(read from "IPC \(All\)"\): IPC \(Main\) \(2 rows\)$/m);

    const again = await ingest(temp.store, [file]);
    assert.deepEqual([again.inserted, again.updated, again.unchanged, again.unchangedRepeats], [0, 0, 3, 1], 'the B1 row repeats its A row');
    assert.match(formatSummary(again), /^read 3 · new 0 · updated 0 · unchanged 3 \(1 repeat an application read earlier in this run, 2 stored before it\) · rejected 0$/m);
  });

  test('KIPRIS search download (XLSX with a title row): inventors, IPC 8th edition, abstract and status map; the sheet is named', async () => {
    const file = join(temp.dir, 'kipris.xlsx');
    await writeXlsx(file, KIPRIS, 'KIPRIS');
    const summary = await ingest(temp.store, [file]);
    assert.deepEqual([summary.read, summary.inserted, summary.rejected], [2, 2, 0]);
    const detector = temp.store.getByApplicationNumber('1020180154420')!;
    assert.deepEqual([detector.title, detector.titleEn], ['딥러닝 기반 결함 검출 장치 및 방법', 'DEEP LEARNING BASED DEFECT DETECTION APPARATUS AND METHOD']);
    assert.deepEqual(detector.inventors, ['류지호', '남궁솔']);
    assert.deepEqual(detector.ipc, ['G06N 3/08', 'G06T 7/00']);
    assert.match(detector.abstract, /^영상에서 제품 표면의 결함을/);
    assert.deepEqual([detector.openingNumber, detector.openingDate, detector.registrationDate], ['10-2020-0067631', '2020-06-12', '2020-12-30']);
    assert.equal(temp.store.getByApplicationNumber('2020190002750')!.registrationStatus, '소멸');
    const [report] = summary.files;
    assert.deepEqual(report!.unmapped, []);
    assert.deepEqual(
      report!.notStored.map(({ sheet, column, rows, holds }) => [sheet, column, rows, holds]),
      [
        ['KIPRIS', '순서', 2, 'export row key'],
        ['KIPRIS', '최종처분내용', 1, 'examination'],
        ['KIPRIS', '심사청구일자/항수', 1, 'examination'],
        ['KIPRIS', '심사청구여부', 2, 'examination'],
        ['KIPRIS', '청구항', 1, 'claims'],
      ],
    );
  });

  test('KIPRIS Plus bulk table (TSV, Open API field names): inventors, opening number, English title and status map', async () => {
    const file = join(temp.dir, 'kipris-plus.tsv');
    await writeDelimited(file, KIPRIS_PLUS_BULK, '\t');
    const summary = await ingest(temp.store, [file]);
    assert.deepEqual([summary.files[0]!.format, summary.inserted, summary.rejected], ['tsv', 1, 0]);
    const filter = temp.store.getByApplicationNumber('1020210175532')!;
    assert.deepEqual(
      [filter.titleEn, filter.inventors, filter.agent, filter.openingNumber, filter.openingDate, filter.registrationStatus, filter.ipc],
      ['PHOTOCATALYTIC FILTER FOR REDUCING FINE DUST', ['윤채린', '백승호'], '특허법인 바른길', '1020230086519', '2023-06-16', '공개', ['B01D 46/00', 'B01J 35/00']],
    );
    assert.deepEqual(summary.files[0]!.unmapped, []);
    assert.deepEqual(summary.files[0]!.notStored.map(({ column, holds }) => [column, holds]), [
      ['indexNo', 'export row key'],
      ['claimCount', 'claim count'],
      ['drawing', 'link or drawing'],
    ]);
  });

  test('a Google Patents search download fails with why: it has no application numbers', async () => {
    const file = join(temp.dir, 'google-patents.csv');
    await writeDelimited(file, GOOGLE_PATENTS, ',');
    const summary = await ingest(temp.store, [file]);
    assert.equal(summary.read, 0);
    assert.match(summary.failed[0]!.reason, /^a Google Patents search export .*no application numbers/);
    assert.equal(fieldOf('inventor/author')?.field, 'inventors');
    assert.equal(fieldOf('filing/creation date')?.field, 'applicationDate');
    assert.equal(fieldOf('assignee')?.field, 'applicants');
    assert.equal(notStoredHolds('priority date'), 'priority');
  });

  test('unknown columns holding values are reported with their row counts and a --map hint; empty ones are not', async () => {
    const file = join(temp.dir, 'office.csv');
    const csv = [
      '출원번호,발명의 명칭,,발명자 (국문),특허평가등급,비고',
      '1020220001001,센서 모듈,메모 A,강나래,A,',
      '1020220001002,센서 하우징,,강나래,B,',
      '1020220001003,센서 패키지,,,AA,',
    ].join('\n');
    await writeFile(file, csv);
    const summary = await ingest(temp.store, [file]);
    assert.equal(summary.inserted, 3);
    assert.deepEqual(summary.files[0]!.unmapped, [
      { column: 'column 3', rows: 1 },
      { column: '발명자 (국문)', rows: 2, suggestion: 'inventors' },
      { column: '특허평가등급', rows: 3 },
    ]);
    const text = formatSummary(summary);
    assert.match(text, /^ {4}unmapped: 발명자 \(국문\) \(2 rows\) — use --map inventors="발명자 \(국문\)"$/m);
    assert.match(text, /^ {4}unmapped: 특허평가등급 \(3 rows\) — not read; --map <field>=특허평가등급 reads it into a field$/m);
    assert.doesNotMatch(text, /비고/);
  });
});
