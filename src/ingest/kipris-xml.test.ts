import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatmatchError } from '../domain/errors.js';
import { parseKiprisXml, type KiprisResponseHeader } from './kipris-xml.js';

const response = (header: string, items: string) => `<?xml version="1.0" encoding="UTF-8"?><response><header>${header}</header><body><items>${items}</items></body></response>`;
const newHeader = (): KiprisResponseHeader => ({ resultCode: '', resultMsg: '', totalCount: null });

async function read(chunks: string[], header = newHeader()) {
  const records = [];
  for await (const record of parseKiprisXml(chunks, header)) records.push(record);
  return records;
}

test('parseKiprisXml reads items split across chunks and reports TotalSearchCount', async () => {
  const body = response('<resultCode>00</resultCode>', '<PatentUtilityInfo><ApplicationNumber>1020190155001</ApplicationNumber><InventionName>전극</InventionName></PatentUtilityInfo><TotalSearchCount>1784</TotalSearchCount><SearchStartNumber>2</SearchStartNumber>');
  const header = newHeader();
  const records = await read([body.slice(0, 150), body.slice(150)], header);
  assert.deepEqual(records.map((record) => record.fields.applicationNumber), ['1020190155001']);
  assert.equal(header.totalCount, 1784);
});

test('a page past the last one (counts, no items) is an empty answer, not a foreign document', async () => {
  const header = newHeader();
  assert.deepEqual(await read([response('', '<TotalSearchCount>11304</TotalSearchCount>')], header), []);
  assert.equal(header.totalCount, 11304);
});

test('an error answer throws with its result code and message in the details', async () => {
  await assert.rejects(read([response('<resultCode>31</resultCode><resultMsg>DEADLINE_HAS_EXPIRED_ERROR</resultMsg>', '')]), (error: unknown) => {
    assert.ok(error instanceof PatmatchError);
    assert.deepEqual(error.details, { resultCode: '31', resultMsg: 'DEADLINE_HAS_EXPIRED_ERROR' });
    return true;
  });
});
