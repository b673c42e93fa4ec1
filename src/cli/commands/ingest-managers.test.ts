import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { samplePatent, tempStore } from '../../store/test-support.js';
import { runCli } from '../spawn.js';

test('ingest-managers says how requests for the stored patents would be routed', async () => {
  const temp = await tempStore();
  try {
    temp.store.upsertPatents(
      [
        samplePatent('1020160000001', { applicants: ['인천대학교 산학협력단', '에이치씨테크(주)'] }), // two organisations
        samplePatent('1020160000002', { applicants: ['인천대학교 산학협력단', '알려지지 않은 회사'] }), // co-applied, one known
        samplePatent('1020160000003', { applicants: ['가나대학교 산학협력단', '다라테크(주)'] }), // two only with the whole-string entry
        samplePatent('1020160000004', { applicants: ['알려지지 않은 회사'] }), // admin queue
      ],
      'test',
    );
    temp.store.close();
    const csv = join(temp.dir, 'managers.csv');
    await writeFile(
      csv,
      [
        'applicant,manager_name,manager_email,organization',
        '인천대학교 산학협력단,담당자,tlo@inu.example,인천대학교 산학협력단',
        '에이치씨테크(주),담당자,ip@hct.example,에이치씨테크',
        '가나대학교 산학협력단,담당자,tlo@ganada.example,가나대학교',
        '가나대학교 산학협력단 다라테크(주),담당자,joint@ganada.example,가나다라 공동',
      ].join('\n'),
    );
    const json = await runCli(['--home', temp.home, '--json', 'ingest-managers', csv]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).routing, { patents: 4, routed: 3, queued: 1, coApplied: 3, coAppliedSeveral: 2, coAppliedSeveralByApplicant: 1 });
    const text = await runCli(['--home', temp.home, 'ingest-managers', csv]);
    assert.match(text.stdout, /^Routing of the 4 stored patents: 3 reach a manager, 1 would wait in the admin queue; 3 are co-applied, 2 of them reach more than one organisation \(1 by entries of their own applicants/m);
  } finally {
    await temp.cleanup();
  }
});
