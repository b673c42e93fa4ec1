import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { samplePatent, tempStore, type TempStore } from '../../store/test-support.js';
import { runCli } from '../spawn.js';

/** The stored fields `show` must print as they are. */
const RECORD = {
  title: '그래핀 전극의 제조방법',
  applicants: ['인천대학교 산학협력단', '에이치씨테크(주)'],
  inventors: ['안호선', '김지훈'],
  ipc: ['H01G 11/86', 'B05D 1/12'],
  openingNumber: '1020180045678',
  openingDate: '2018-05-02',
  registrationNumber: '1018463630000',
  registrationDate: '2018-04-02',
  registrationStatus: '등록',
};

describe('patmatch show', () => {
  let temp: TempStore;
  before(async () => {
    temp = await tempStore();
    temp.store.upsertPatents(
      [
        samplePatent('1020160138184', RECORD),
      ],
      'csv:/data/export.csv',
    );
    temp.store.upsertEvaluations([
      { applicationNumber: '1020160138184', pqi: 1.2, rightsScore: 70, technologyScore: 80, commercialScore: null, tech6t: 'NT', source: 'synthetic-sample' },
    ]);
    temp.store.close();
  });
  after(() => temp.cleanup());

  test('--json: the whole record, lists as arrays, with its source and evaluation', async () => {
    const { code, stdout, stderr } = await runCli(['--home', temp.home, '--json', 'show', '10-2016-0138184']);
    assert.equal(code, 0, stderr);
    const shown = JSON.parse(stdout) as Record<string, unknown>;
    const { evaluation, source, applicationNumber, abstract } = shown;
    assert.deepEqual({ applicationNumber, abstract, source }, { applicationNumber: '1020160138184', abstract: '요약 1020160138184', source: 'csv:/data/export.csv' });
    for (const [field, value] of Object.entries(RECORD)) assert.deepEqual(shown[field], value, field);
    assert.deepEqual(evaluation, { pqi: 1.2, rightsScore: 70, technologyScore: 80, commercialScore: null, tech6t: 'NT', source: 'synthetic-sample' });
  });

  test('text: one line per field, lists one name per line', async () => {
    const { code, stdout } = await runCli(['--home', temp.home, 'show', '1020160138184']);
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    const at = lines.indexOf('출원인 (applicants):');
    assert.deepEqual(lines.slice(at, at + 3), ['출원인 (applicants):', '  - 인천대학교 산학협력단', '  - 에이치씨테크(주)']);
    assert.ok(lines.includes('공개번호 (opening number): 1020180045678'));
    assert.ok(!stdout.includes('|'));
  });

  test('an unknown or malformed number exits 2 with one line', async () => {
    const unknown = await runCli(['--home', temp.home, 'show', '1020990000009']);
    assert.deepEqual([unknown.code, unknown.stdout, unknown.stderr], [2, '', `patmatch: no patent 1020990000009 in ${join(temp.home, 'patmatch.db')}\n`]);
    const malformed = await runCli(['--home', temp.home, 'show', '12-34']);
    assert.equal(malformed.code, 2);
    assert.equal(malformed.stderr, 'patmatch: "12-34" is not an application number (13 digits such as 10-2016-0138184)\n');
    const noStore = await runCli(['--home', join(temp.dir, 'nowhere'), 'show', '1020160138184']);
    assert.equal(noStore.code, 2);
    assert.match(noStore.stderr, /^patmatch: no patent 1020160138184: there is no store at .*nowhere.*\n$/);
  });

  test('end to end: a CSV with space-joined co-applicants is ingested, split, reported and shown', async () => {
    const file = join(temp.dir, 'co-applied.csv');
    await writeFile(
      file,
      '출원번호,발명의 명칭,출원인,발명자\n' +
        '10-2019-0000001,공동 출원 특허,현대자동차주식회사 기아자동차주식회사 인천대학교 산학협력단,홍길동 김철수\n' +
        '10-2019-0000002,애매한 출원인,알파 주식회사 베타,이영희\n',
    );
    const ingested = await runCli(['--home', temp.home, '--json', 'ingest', file]);
    assert.equal(ingested.code, 0, ingested.stderr);
    assert.deepEqual(JSON.parse(ingested.stdout).joinedApplicants, { split: 1, keptWhole: 1 });
    // Again: a field kept whole does not become a known name that would make it look sure.
    const text = await runCli(['--home', temp.home, 'ingest', file]);
    assert.match(text.stdout, /^space-joined applicants: 1 split into names, 1 kept whole \(unsure\)$/m);
    const shown = JSON.parse((await runCli(['--home', temp.home, '--json', 'show', '1020190000001'])).stdout) as { applicants: string[]; inventors: string[] };
    assert.deepEqual(shown.applicants, ['현대자동차주식회사', '기아자동차주식회사', '인천대학교 산학협력단']);
    assert.deepEqual(shown.inventors, ['홍길동', '김철수']);
    const whole = JSON.parse((await runCli(['--home', temp.home, '--json', 'show', '1020190000002'])).stdout) as { applicants: string[] };
    assert.deepEqual(whole.applicants, ['알파 주식회사 베타']);
  });
});
