import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir, symlink } from 'node:fs/promises';
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
    assert.equal(stored.source, `kipris-xml:${file}`, 'the absolute path of the file');
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

  test('KIPRIS XML: markup inside a field keeps its text, repeated applicants are a list, UTF-16 is read', async () => {
    const item = KIPRIS_ITEM('1020190155021', '수소 <sub>생산</sub> 장치', '<Applicant>둘째 출원인</Applicant>').replace(
      '<![CDATA[본 발명은 <전극>에 관한 것이다.]]>',
      '물(H<sub>2</sub>O)을 <i>분해</i>하는 장치',
    );
    const file = join(temp.dir, 'markup-utf16.xml');
    const xml = kiprisXml(item).replace('encoding="UTF-8"', 'encoding="UTF-16"');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
    assert.equal((await ingest(temp.store, [file])).inserted, 1);
    const stored = temp.store.getByApplicationNumber('1020190155021')!;
    assert.deepEqual([stored.title, stored.abstract, stored.applicants], ['수소 생산 장치', '물(H2O)을 분해하는 장치', ['인천대학교 산학협력단', '둘째 출원인']]);
  });

  test('KIPRIS advanced-search XML (<item>) is read; a response with other items fails with the reason', async () => {
    const advanced = join(temp.dir, 'advanced.xml');
    await writeFile(
      advanced,
      kiprisXml('<item><indexNo>1</indexNo><applicationNumber>1020190155022</applicationNumber><inventionTitle>고급 검색 특허</inventionTitle><astrtCont>요약문</astrtCont><applicantName>출원인 C</applicantName><ipcNumber>H01M 4/36</ipcNumber><registerStatus>소멸</registerStatus></item>'),
    );
    const other = join(temp.dir, 'other.xml');
    await writeFile(other, kiprisXml('<trademark><name>상표</name></trademark>'));
    const summary = await ingest(temp.store, [advanced, other]);
    assert.equal(summary.inserted, 1);
    const stored = temp.store.getByApplicationNumber('1020190155022')!;
    assert.deepEqual([stored.title, stored.abstract, stored.applicants, stored.ipc, stored.registrationStatus], ['고급 검색 특허', '요약문', ['출원인 C'], ['H01M 4/36'], '소멸']);
    assert.match(summary.failed[0]?.reason ?? '', /<items> holds <trademark>, not PatentUtilityInfo or item/);
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

  test('--map applicants=… names the applicant column; the older --map applicant=… still does', async () => {
    const file = join(temp.dir, 'holders.csv');
    await writeFile(file, '출원번호,발명의 명칭,권리자\n1020180000801,권리자 특허,알파 주식회사 | 베타 주식회사\n');
    await ingest(temp.store, [file], { map: { applicant: '권리자' } });
    assert.deepEqual(temp.store.getByApplicationNumber('1020180000801')!.applicants, ['알파 주식회사', '베타 주식회사']);
    await assert.rejects(ingest(temp.store, [file], { map: { applicants: '권리자', applicant: '권리자' } }), /--map applicant=권리자: unknown field/);
  });

  test('--map names what it cannot apply: an unknown column, or one column for two fields', async () => {
    const file = join(temp.dir, 'plain.csv');
    await writeFile(file, '출원번호,발명의 명칭\n1020180000701,제목\n');
    const summary = await ingest(temp.store, [file], { map: { agent: '대리인' } });
    assert.deepEqual(summary.failed.map((f) => f.reason), ['--map agent=대리인: no column named "대리인" in the first 10 rows']);
    await assert.rejects(ingest(temp.store, [file], { map: { title: '1', applicationNumber: '1' } }), /--map applicationNumber=1: that column is already mapped to title/);
  });

  test('a TSV with a title line above its header, and a CSV with old Mac (CR) line ends, are read', async () => {
    const titled = join(temp.dir, 'titled.tsv');
    await writeFile(titled, '특허 검색 결과 (2024-01-01)\n출원번호\t발명의 명칭\t요약\n1020180000601\t그래핀 전극\t요약, 쉼표\n');
    const mac = join(temp.dir, 'mac.csv');
    await writeFile(mac, '출원번호,발명의 명칭\r1020180000602,제목1\r1020180000603,제목2\r');
    const summary = await ingest(temp.store, [titled, mac]);
    assert.deepEqual(summary.files.map((f) => [f.format, f.inserted]), [['tsv', 1], ['csv', 2]]);
    assert.equal(temp.store.getByApplicationNumber('1020180000601')!.abstract, '요약, 쉼표');
  });

  test('CSV/TSV rows that parsed wrongly are rejected, not stored shifted or swallowed', async () => {
    const shifted = join(temp.dir, 'shifted.csv');
    await writeFile(shifted, '출원번호,발명의 명칭,출원인,요약\n1020180000401,그래핀, 전극 제조,인천대학교,요약\n1020180000402,센서,인천대학교,요약\n');
    const unclosed = join(temp.dir, 'unclosed.tsv');
    await writeFile(unclosed, '출원번호\t발명의 명칭\t요약\n1020180000403\t제목1\t"따옴표로 시작하는 요약\n1020180000404\t제목2\t요약2\n1020180000405\t제목3\t"인용" 뒤\n');
    const summary = await ingest(temp.store, [shifted, unclosed]);
    const reasons = summary.rejections.map((r) => `${r.line} ${r.applicationNumber} ${r.field}: ${r.reason}`);
    assert.deepEqual(reasons, [
      '2 1020180000401 record: 5 cells where the header has 4: a value holding "," must be quoted, or every later column shifts',
      '2 1020180000403 abstract: a quote opened in this cell is never closed, so 2 following row(s) (from 1020180000404) were read into it; close the quote, or write a quote inside a value as ""',
    ]);
    assert.deepEqual(temp.store.getByApplicationNumber('1020180000402')!.applicants, ['인천대학교']);
    assert.equal(temp.store.getByApplicationNumber('1020180000401'), null);
  });

  test('a CSV record of over a million characters stops the file there with the reason', async () => {
    const file = join(temp.dir, 'huge.csv');
    await writeFile(file, `출원번호,발명의 명칭,요약\n1020180000501,정상,요약\n1020180000502,거대,"${'가'.repeat(1_100_000)}"\n1020180000503,뒤,요약\n`);
    const summary = await ingest(temp.store, [file]);
    assert.equal(summary.inserted, 1);
    assert.match(summary.failed[0]?.reason ?? '', /maximum number of tolerated bytes of 1000000 at line 3/i);
  });

  test('the encoding is judged on the whole file: an ASCII start hides no CP949 body, one stray byte spoils no UTF-8 file', async () => {
    const header = 'applicationNumber,title,abstract\n';
    const asciiRows = Array.from({ length: 2000 }, (_, i) => `10201900${String(10000 + i).padStart(5, '0')},ascii title ${i},plain english abstract ${'x'.repeat(20)}\n`).join('');
    const late = join(temp.dir, 'cp949-late.csv');
    await writeFile(late, Buffer.concat([Buffer.from(header + asciiRows), iconv.encode('1020190099001,한국어 제목,늦게 나오는 한국어 요약\n', 'cp949')]));
    const stray = join(temp.dir, 'utf8-stray.csv');
    await writeFile(stray, Buffer.concat([Buffer.from(`${header}1020190099002,그래핀 전극,요약 `), Buffer.from([0xe9]), Buffer.from(' 끝\n1020190099003,센서 장치,센서 요약\n')]));
    assert.ok(asciiRows.length > 64 * 1024, 'the Korean row lies beyond the first 64 KiB');
    await ingest(temp.store, [late, stray]);
    assert.equal(temp.store.getByApplicationNumber('1020190099001')!.title, '한국어 제목');
    assert.equal(temp.store.getByApplicationNumber('1020190099002')!.abstract, '요약 \ufffd 끝');
    assert.equal(temp.store.getByApplicationNumber('1020190099003')!.title, '센서 장치');
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

  test('JSON Lines: applicants and inventors as arrays, or (files from before lists) an applicant string', async () => {
    const file = join(temp.dir, 'applicants.jsonl');
    const lines = [
      { applicationNumber: '1020180000711', title: '배열', applicants: ['인천대학교 산학협력단', '재단법인 한국 연구 재단'], inventors: ['홍, 길동', '김철수'] },
      { applicationNumber: '1020180000712', title: '예전 파일', applicant: '삼성전자주식회사|서울대학교산학협력단', inventors: '안호선 김지훈' },
      { applicationNumber: '1020180000713', title: '잘못된 배열', applicants: ['이름', 3] },
    ];
    await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n'));
    const summary = await ingest(temp.store, [file]);
    assert.deepEqual([summary.inserted, summary.rejected], [2, 1]);
    assert.match(summary.rejections[0]!.reason, /^has type array, expected a string or a string array$/);
    const listed = temp.store.getByApplicationNumber('1020180000711')!;
    assert.deepEqual([listed.applicants, listed.inventors], [['인천대학교 산학협력단', '재단법인 한국 연구 재단'], ['홍, 길동', '김철수']]);
    const old = temp.store.getByApplicationNumber('1020180000712')!;
    assert.deepEqual([old.applicants, old.inventors], [['삼성전자주식회사', '서울대학교산학협력단'], ['안호선', '김지훈']]);
  });

  test('folders are walked; unknown files inside are skipped, named unknown files fail', async () => {
    const folder = join(temp.dir, 'folder', 'nested');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'README.md'), '# notes\n');
    await writeFile(join(folder, 'empty.csv'), '');
    await writeFile(join(folder, 'a.xml'), kiprisXml(KIPRIS_ITEM('1020190155009', '폴더 안')));
    const summary = await ingest(temp.store, [join(temp.dir, 'folder'), join(temp.dir, 'missing.csv'), join(folder, 'README.md')]);
    assert.equal(summary.inserted, 1);
    // README.md is reported once, as the named file it also is.
    assert.deepEqual(summary.skipped.map((s) => s.file), [join(folder, 'empty.csv')]);
    assert.deepEqual(summary.failed.map((f) => [f.file, f.reason]), [
      [join(temp.dir, 'missing.csv'), 'no such file or folder'],
      [join(folder, 'README.md'), 'not a KIPRIS XML response, CSV/TSV, XLSX or JSON Lines file'],
    ]);
  });

  test('symbolic links that loop or repeat a file are followed once', async () => {
    const folder = join(temp.dir, 'looping');
    await mkdir(join(folder, 'sub'), { recursive: true });
    await writeFile(join(folder, 'a.xml'), kiprisXml(KIPRIS_ITEM('1020190155031', '고리')));
    await symlink('..', join(folder, 'sub', 'up'));
    await symlink('.', join(folder, 'sub', 'self'));
    await symlink(join(folder, 'a.xml'), join(folder, 'sub', 'again.xml'));
    const summary = await ingest(temp.store, [folder]);
    assert.deepEqual(summary.files.map((f) => f.file), [join(folder, 'a.xml')]);
    assert.deepEqual(summary.failed, []);
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
