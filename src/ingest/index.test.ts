import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { tempStore, type TempStore } from '../store/test-support.js';
import { ingest, detectFormat } from './index.js';

const KIPRIS_ITEM = (number: string, title: string, extra = '') => `
    <PatentUtilityInfo>
      <Applicant>인천대학교 산학협력단</Applicant>
      <ApplicationDate>20191128</ApplicationDate>
      <ApplicationNumber>${number}</ApplicationNumber>
      <Abstract><![CDATA[본 발명은 <전극>에 관한 것이다.]]></Abstract>
      <InventionName>${title}</InventionName>
      <InternationalpatentclassificationNumber>H01G 11/86|B05D 1/12</InternationalpatentclassificationNumber>
      <RegistrationNumber>1018463630000</RegistrationNumber>
      <RegistrationStatus></RegistrationStatus>${extra}
    </PatentUtilityInfo>`;

const kiprisXml = (items: string, resultCode = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<response><header><resultCode>${resultCode}</resultCode><resultMsg>${resultCode ? 'LIMIT EXCEEDED' : ''}</resultMsg></header><body><items>${items}</items></body></response>`;

describe('ingest readers', () => {
  let temp: TempStore;
  before(async () => (temp = await tempStore()));
  after(() => temp.cleanup());

  test('KIPRIS XML: fields, CDATA, entities, derived status; repeated items are unchanged', async () => {
    const file = join(temp.dir, 'page.xml');
    await writeFile(file, kiprisXml(KIPRIS_ITEM('1020190155001', '전극 &amp; 방법') + KIPRIS_ITEM('1020190155001', '전극 &amp; 방법')));
    const summary = await ingest(temp.store, [file]);
    assert.deepEqual([summary.read, summary.inserted, summary.unchanged, summary.rejected], [2, 1, 1, 0]);
    const stored = temp.store.getByApplicationNumber('1020190155001')!;
    assert.equal(stored.title, '전극 & 방법');
    assert.equal(stored.abstract, '본 발명은 <전극>에 관한 것이다.');
    assert.deepEqual(stored.ipc, ['H01G 11/86', 'B05D 1/12']);
    assert.equal(stored.applicationDate, '2019-11-28');
    assert.equal(stored.registrationStatus, '등록');
    assert.equal(stored.source, 'kipris-xml:page.xml');
  });

  test('malformed XML: items before the break are kept, the file is reported as failed', async () => {
    const file = join(temp.dir, 'broken.xml');
    const xml = kiprisXml(KIPRIS_ITEM('1020190155002', '첫째') + KIPRIS_ITEM('1020190155003', '둘째')).replace('</items>', '<PatentUtilityInfo><Applicant>끊김</Appl');
    await writeFile(file, xml);
    const summary = await ingest(temp.store, [file]);
    assert.equal(summary.inserted, 2);
    assert.equal(summary.failed.length, 1);
    assert.match(summary.failed[0]!.reason, /^not well-formed XML after item 2 /);
  });

  test('KIPRIS error response is a failed file', async () => {
    const file = join(temp.dir, 'error.xml');
    await writeFile(file, kiprisXml('', '22'));
    const summary = await ingest(temp.store, [file]);
    assert.match(summary.failed[0]?.reason ?? '', /KIPRIS error response 22: LIMIT EXCEEDED/);
  });

  test('CP949 CSV with suffixed headers, multi-line cells, rejections with line numbers', async () => {
    const file = join(temp.dir, 'kipris-export.csv');
    const csv = [
      '발명의 명칭 TEXT,출원번호 NUMERIC,출원일자DATETIME,요약,IPC코드,등록상태',
      '"그래핀 전극(GRAPHENE ELECTRODE)",10-2018-0000101,2018.03.02,"첫 줄',
      '둘째 줄",C12N-005/095,공개',
      '잘못된 번호,12-34,2018.03.02,요약,,',
      '날짜 오류,1020180000102,2018.13.40,요약,,',
      '',
      '실용신안 장치,20-2018-0000103,2018/03/04,요약,H01L21/02,',
    ].join('\r\n');
    await writeFile(file, iconv.encode(csv, 'cp949'));
    assert.equal((await detectFormat(file)).format, 'csv');
    const summary = await ingest(temp.store, [file]);
    assert.deepEqual([summary.read, summary.inserted, summary.rejected], [4, 2, 2]);
    assert.deepEqual(
      summary.rejections.map(({ line, field, applicationNumber }) => ({ line, field, applicationNumber })),
      [
        { line: 4, field: 'applicationNumber', applicationNumber: '12-34' },
        { line: 5, field: 'applicationDate', applicationNumber: '1020180000102' },
      ],
    );
    assert.equal(summary.rejections[0]!.file, file);
    assert.match(summary.rejections[1]!.reason, /"2018\.13\.40" is not a date/);
    const stored = temp.store.getByApplicationNumber('1020180000101')!;
    assert.deepEqual([stored.title, stored.titleEn, stored.abstract, stored.ipc], ['그래핀 전극', 'GRAPHENE ELECTRODE', '첫 줄 둘째 줄', ['C12N 5/095']]);
    assert.equal(temp.store.getByApplicationNumber('2020180000103')!.kind, 'utility-model');
  });

  test('TSV with a .txt name and English headers, --map override for an unknown column', async () => {
    const file = join(temp.dir, 'export.txt');
    await writeFile(file, '\ufeffApplication Number\tName of invention\tAbstract\tFiling Date\n1020180000201\t센서 장치\t센서 요약\t20180505\n');
    assert.equal((await detectFormat(file)).format, null, 'without --map the title column is unknown');
    const summary = await ingest(temp.store, [file], { map: { title: 'Name of invention' } });
    assert.equal(summary.files[0]!.format, 'tsv');
    assert.equal(summary.inserted, 1);
    assert.equal(temp.store.getByApplicationNumber('1020180000201')!.applicationDate, '2018-05-05');
  });

  test('XLSX written by exceljs: cover sheet skipped, title row above the header, dates and rich text', async () => {
    const file = join(temp.dir, 'export.xlsx');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('안내').addRow(['KIPRIS 검색 결과입니다']);
    const sheet = workbook.addWorksheet('결과');
    sheet.addRow(['검색식: 그래핀']);
    sheet.addRow(['번호', '출원번호', '발명의명칭', '출원일', '국제특허분류', '출원인']);
    sheet.addRow([1, 1020180000301, { richText: [{ text: '리치 ' }, { text: '텍스트' }] }, new Date(Date.UTC(2018, 6, 1)), 'H01G 11/86', '출원인 A']);
    sheet.addRow([2, '10-2018-0000302', '엑셀 날짜', 43282, 'H01G 11/32', '출원인 B']);
    sheet.addRow([3, '', '번호 없음', '', '', '']);
    await workbook.xlsx.writeFile(file);
    const summary = await ingest(temp.store, [file]);
    assert.deepEqual([summary.read, summary.inserted, summary.rejected], [3, 2, 1]);
    assert.deepEqual(summary.rejections.map((r) => [r.line, r.field]), [[5, 'applicationNumber']]);
    assert.equal(temp.store.getByApplicationNumber('1020180000301')!.title, '리치 텍스트');
    assert.equal(temp.store.getByApplicationNumber('1020180000301')!.applicationDate, '2018-07-01');
    assert.equal(temp.store.getByApplicationNumber('1020180000302')!.applicationDate, '2018-07-01');
  });

  test('JSON Lines in patmatch schema: bad JSON and wrong types are rejections, not crashes', async () => {
    const file = join(temp.dir, 'patents.jsonl');
    const lines = [
      JSON.stringify({ applicationNumber: '1020180000401', title: '제이슨', titleEn: 'JSON', ipc: ['G06F 40/20'], abstract: '요약', id: 7 }),
      '{ not json',
      JSON.stringify({ applicationNumber: '1020180000402', title: 5 }),
      '[1,2]',
      '',
      JSON.stringify({ applicationNumber: 1020180000403, title: '숫자 번호', applicationDate: '2018-01-02' }),
    ];
    await writeFile(file, lines.join('\n'));
    const summary = await ingest(temp.store, [file]);
    assert.deepEqual([summary.read, summary.inserted, summary.rejected], [5, 2, 3]);
    assert.deepEqual(summary.rejections.map((r) => [r.line, r.field]), [[2, 'record'], [3, 'title'], [4, 'record']]);
    assert.match(summary.rejections[1]!.reason, /has type number, expected a string/);
    assert.equal(temp.store.getByApplicationNumber('1020180000401')!.titleEn, 'JSON');
  });

  test('folders are walked; unknown files inside are skipped, named unknown files fail', async () => {
    const folder = join(temp.dir, 'folder', 'nested');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'README.md'), '# notes\n');
    await writeFile(join(folder, 'empty.csv'), '');
    await writeFile(join(folder, 'a.xml'), kiprisXml(KIPRIS_ITEM('1020190155009', '폴더 안')));
    const summary = await ingest(temp.store, [join(temp.dir, 'folder'), join(temp.dir, 'missing.csv'), join(folder, 'README.md')]);
    assert.equal(summary.inserted, 1);
    assert.deepEqual(summary.skipped.map((s) => s.file).sort(), [join(folder, 'README.md'), join(folder, 'empty.csv')].sort());
    assert.deepEqual(summary.failed.map((f) => [f.file, f.reason]), [
      [join(temp.dir, 'missing.csv'), 'no such file or folder'],
      [join(folder, 'README.md'), 'not a KIPRIS XML response, CSV/TSV, XLSX or JSON Lines file'],
    ]);
  });

  test('hostile files fail or are skipped with a reason, and never stop the run', async () => {
    const folder = join(temp.dir, 'hostile');
    await mkdir(folder);
    await writeFile(join(folder, 'random.csv'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
    await writeFile(join(folder, 'fake.xlsx'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('garbage')]));
    await writeFile(
      join(folder, 'entities.xml'),
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><response><body><items><PatentUtilityInfo><ApplicationNumber>1020190155010</ApplicationNumber><InventionName>&b;</InventionName></PatentUtilityInfo></items></body></response>',
    );
    await writeFile(join(folder, 'ok.jsonl'), `${JSON.stringify({ applicationNumber: '1020190155011', title: '정상', __proto__: { polluted: 1 } })}\n`);
    const summary = await ingest(temp.store, [folder]);
    assert.equal(summary.inserted, 1);
    assert.deepEqual(summary.skipped, [{ file: join(folder, 'random.csv'), reason: 'binary content of an unknown format' }]);
    assert.deepEqual(
      summary.failed.map((f) => [f.file, f.reason.split(' (')[0]]),
      [
        [join(folder, 'entities.xml'), 'not well-formed XML after item 0'],
        [join(folder, 'fake.xlsx'), 'not a readable XLSX workbook'],
      ],
    );
    assert.equal(temp.store.getByApplicationNumber('1020190155010'), null);
  });
});
