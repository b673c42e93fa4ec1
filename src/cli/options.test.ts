import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { join } from 'node:path';
import { withTempDir } from '../index/test-support.js';
import { register as registerBench } from './commands/bench.js';
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

test('every numeric bench flag has an upper bound, shown in --help and applied before any work starts', async () => {
  await withTempDir(async (home) => {
    const program = new Command('patmatch').option('--home <dir>').exitOverride();
    registerBench(program);
    const bench = (...args: string[]) => program.parseAsync(['--home', home, 'bench', ...args], { from: 'user' });
    const missing = join(home, 'absent.fvecs');
    await assert.rejects(bench('search', '--docs', '99999999999'), /--docs: 99999999999 must be at most 10000000/);
    await assert.rejects(bench('search', '--docs', '1e12'), /--docs: "1e12" is not a whole number/);
    await assert.rejects(bench('search', '--queries', '99999999'), /--queries: 99999999 must be at most 10000/);
    await assert.rejects(bench('search', '--recall-queries', '-1'), /--recall-queries: -1 must be at least 0/);
    await assert.rejects(bench('search', '--ef-search', '1000000'), /--ef-search: 1000000 must be at most 100000/);
    await assert.rejects(bench('index', '--base', missing, '--queries', missing, '--k', '99999999'), /--k: 99999999 must be at most 10000/);
    await assert.rejects(
      bench('index', '--base', missing, '--queries', missing, '--ef-search', '100,9999999'),
      /--ef-search: 9999999 must be at most 100000/,
    );
    await assert.rejects(
      bench('index', '--base', missing, '--queries', missing, '--generate', '5000000', '--dim', '4096'),
      /--generate 5000000 × --dim 4096: 20,480,000,000 values exceed 500,000,000/,
    );
    await assert.rejects(bench('api', '--connections', '100000'), /--connections: 100000 must be at most 1000/);
    await assert.rejects(bench('api', '--top', '101'), /--top: 101 must be at most 100/);
    await assert.rejects(bench('embed', '--repeat', '100000'), /--repeat: 100000 must be at most 100/);

    const help = (name: string) => program.commands.find((c) => c.name() === 'bench')!.commands.find((c) => c.name() === name)!.helpInformation();
    assert.match(help('search'), /corpus size \(1–10,000,000\)/);
    assert.match(help('index'), /n × --dim at most 500,000,000/);
    assert.match(help('api'), /how long to run \(1–3,600\)/);
    assert.match(help('embed'), /rounds \(the first one is cold\) \(1–100\)/);
  });
});
