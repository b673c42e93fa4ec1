import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldOf, notStoredHolds, suggestField, unkeyedExportReason } from './headers.js';
import { mapColumns } from './columns.js';

describe('export headers', () => {
  test('both WIPS ON spellings of the opening number, and KIPRIS Plus XML element names, name fields', () => {
    for (const [cell, field] of [
      ['공개번호/공표번호/재공표번호', 'openingNumber'],
      ['공개번호/공표/재공표', 'openingNumber'],
      ['발명자/고안자', 'inventors'],
      ['InventionName', 'title'],
      ['OpeningNumber', 'openingNumber'],
      ['발명의 명칭(영문)', 'titleEn'],
      ['inventorName TEXT', 'inventors'],
    ] as const) {
      assert.equal(fieldOf(cell)?.field, field, cell);
    }
  });

  test('of two columns for one field, the preferred name is read wherever it stands', () => {
    const map = mapColumns(['출원번호', 'Original IPC Main', '발명의 명칭', 'Original IPC All'])!;
    assert.deepEqual(map.columns.find((c) => c.field === 'ipc'), { field: 'ipc', index: 3 });
    assert.deepEqual(map.unused, [{ index: 1, column: 'Original IPC Main', holds: 'ipc', readFrom: 'Original IPC All' }]);
  });

  test('recognised columns that are not stored say what they hold; unknown ones get a field suggestion or none', () => {
    assert.equal(notStoredHolds('우선권 주장일'), 'priority');
    assert.equal(notStoredHolds('CPC TEXT'), 'CPC');
    assert.equal(notStoredHolds('패밀리 국가 수(출원기준)'), 'family');
    assert.equal(notStoredHolds('출원인 수'), 'applicant detail');
    assert.equal(notStoredHolds('특허평가등급'), undefined);
    assert.equal(notStoredHolds(''), undefined);
    assert.equal(suggestField('발명자 (국문)'), 'inventors');
    assert.equal(suggestField('출원번호 (원문)'), 'applicationNumber');
    assert.equal(suggestField('특허평가등급'), undefined);
  });

  test('only a Google Patents search header is named as an export without application numbers', () => {
    assert.match(unkeyedExportReason(['id', 'title', 'assignee', 'inventor/author', 'priority date'])!, /^a Google Patents search export/);
    assert.equal(unkeyedExportReason(['id', 'title', 'inventor']), undefined);
  });
});
