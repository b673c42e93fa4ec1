import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnv1a } from './hash.js';

test('fnv1a gives the published FNV-1a 32-bit values and depends on the offset basis', () => {
  assert.equal(fnv1a(''), 0x811c9dc5);
  assert.equal(fnv1a('a'), 0xe40c292c);
  assert.equal(fnv1a('foobar'), 0xbf9cf968);
  assert.notEqual(fnv1a('a', 0x2b992ddf), fnv1a('a'));
});
