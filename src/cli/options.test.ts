import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { efSearchOption, parseInteger, withEfSearch } from './options.js';

test('integer flags are parsed or refused with the flag named', () => {
  assert.equal(parseInteger('--top', ' 20 '), 20);
  assert.equal(parseInteger('--top', undefined), undefined);
  assert.throws(() => parseInteger('--top', '2.5'), /--top: "2.5" is not a whole number/);
  assert.equal(parseInteger('--repeat', '1', 1), 1);
  assert.throws(() => parseInteger('--repeat', '0', 1), /--repeat: 0 must be at least 1/);
  assert.throws(() => parseInteger('--batch-size', '200000', 1, 100_000), /--batch-size: 200000 must be at most 100000/);
  assert.throws(() => parseInteger('--batch-size', '99999999999999999999', 1), /--batch-size: "99999999999999999999" is not a whole number/);
});

test('--ef-search reaches the engine options, checked', () => {
  const command = withEfSearch(new Command('search')).exitOverride();
  command.parse(['--ef-search', '4500'], { from: 'user' });
  assert.deepEqual(efSearchOption(command.opts<{ efSearch?: string }>().efSearch), { efSearch: 4500 });
  assert.deepEqual(efSearchOption(undefined), {});
  assert.throws(() => efSearchOption('0'), /--ef-search: 0 must be at least 1/);
  assert.throws(() => efSearchOption('many'), /--ef-search: "many" is not a whole number/);
});
