import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withTempDir } from '../index/test-support.js';
import { register as registerBench } from './commands/bench.js';
import { commands } from './commands/index.js';
import { efSearchOption, parseDecimalInRange, parseInteger, rangeHelp, withEfSearch } from './options.js';
import { runCli } from './spawn.js';

test('integer flags are parsed or refused with the flag named', () => {
  assert.equal(parseInteger('--top', ' 20 '), 20);
  assert.equal(parseInteger('--top', undefined), undefined);
  assert.throws(() => parseInteger('--top', '2.5'), /--top: "2.5" is not a whole number/);
  assert.equal(parseInteger('--repeat', '1', 1), 1);
  assert.throws(() => parseInteger('--repeat', '0', 1), /--repeat: 0 must be at least 1/);
  assert.throws(() => parseInteger('--batch-size', '200000', 1, 100_000), /--batch-size: 200000 must be at most 100000/);
  assert.throws(() => parseInteger('--batch-size', '99999999999999999999', 1), /--batch-size: "99999999999999999999" is not a whole number/);
});

test('decimal flags are parsed within their range or refused with the flag named', () => {
  const range = { above: 0, max: 10 };
  assert.equal(rangeHelp('Adagrad learning rate', range), 'Adagrad learning rate (> 0, ≤ 10)');
  assert.equal(parseDecimalInRange('--learning-rate', '0.15', range), 0.15);
  assert.equal(parseDecimalInRange('--learning-rate', ' 1e-3 ', range), 0.001);
  assert.equal(parseDecimalInRange('--learning-rate', '10', range), 10);
  assert.equal(parseDecimalInRange('--learning-rate', undefined, range), undefined);
  assert.throws(() => parseDecimalInRange('--learning-rate', '0', range), /--learning-rate: 0 must be more than 0/);
  assert.throws(() => parseDecimalInRange('--learning-rate', '10.5', range), /--learning-rate: 10.5 must be at most 10/);
  for (const value of ['', 'fast', '0x10', 'Infinity', 'NaN', '1e']) {
    assert.throws(() => parseDecimalInRange('--learning-rate', value, range), new RegExp(`--learning-rate: "${value}" is not a decimal number`));
  }
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

/** Every command and subcommand below `command`. */
const allCommands = (command: Command): Command[] => command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);

test('every numeric flag of every command shows its range in --help', () => {
  const program = new Command('patmatch');
  for (const register of commands) register(program);
  const numeric = allCommands(program).flatMap((command) =>
    command.options.filter((option) => /<(n|x|seconds|n,…)>/.test(option.flags)).map((option) => ({ command, option })),
  );
  assert.ok(numeric.length >= 30, `${numeric.length} numeric flags`);
  for (const { command, option } of numeric) {
    assert.match(option.description, /\((-?[\d,]+–[\d,]+|> [\d.]+, ≤ [\d.,]+)\)/, `${command.name()} ${option.long}: ${option.description}`);
  }
  const help = (...path: string[]) => path.reduce((c, name) => c.commands.find((s) => s.name() === name)!, program).helpInformation();
  assert.match(help('train'), /--dim <n> +vector dimension \(8–2,048\)/);
  assert.match(help('train'), /--learning-rate <x> +Adagrad learning rate \(> 0, ≤ 10\)/);
  assert.match(help('eval', 'retrieval'), /--seed <n> +random seed of query sampling and typos\s+\(0–4,294,967,295\)/);
  assert.match(help('search'), /--top <n> +hits per page \(1–100\)/);
  assert.match(help('serve'), /--workers <n> +server processes .*\(1–64\)/s);
});

test('numeric flags of train, eval, search, similar, serve and index outside their range are refused before any work starts', async () => {
  await withTempDir(async (root) => {
    const home = join(root, 'home');
    const program = new Command('patmatch').option('--home <dir>').option('--json').exitOverride();
    for (const register of commands) register(program);
    const train = ['train', '--no-sts', '--no-nli', '--no-dev'];
    const cases: Array<[string[], RegExp]> = [
      [[...train, '--epochs', '0'], /--epochs: 0 must be at least 1/],
      [[...train, '--epochs', '1001'], /--epochs: 1001 must be at most 1000/],
      [[...train, '--dim', '4'], /--dim: 4 must be at least 8/],
      [[...train, '--dim', '4096'], /--dim: 4096 must be at most 2048/],
      [[...train, '--batch-size', '1'], /--batch-size: 1 must be at least 2/],
      [[...train, '--batch-size', '5000'], /--batch-size: 5000 must be at most 4096/],
      [[...train, '--learning-rate', '0'], /--learning-rate: 0 must be more than 0/],
      [[...train, '--learning-rate', '11'], /--learning-rate: 11 must be at most 10/],
      [[...train, '--learning-rate', 'Infinity'], /--learning-rate: "Infinity" is not a decimal number/],
      [[...train, '--seed', '-1'], /--seed: -1 must be at least 0/],
      [[...train, '--seed', '4294967296'], /--seed: 4294967296 must be at most 4294967295/],
      [['eval', 'retrieval', '--queries', '0'], /--queries: 0 must be at least 1/],
      [['eval', 'retrieval', '--queries', '10001'], /--queries: 10001 must be at most 10000/],
      [['eval', 'retrieval', '--seed', '99999999999'], /--seed: 99999999999 must be at most 4294967295/],
      [['eval', 'retrieval', '--k', '10001'], /--k: 10001 must be at most 10000/],
      [['search', '그래핀 전극', '--top', '101'], /--top: 101 must be at most 100/],
      [['search', '그래핀 전극', '--page', '1001'], /--page: 1001 must be at most 1000/],
      [['search', '그래핀 전극', '--k', '0'], /--k: 0 must be at least 1/],
      [['similar', '1020160138184', '--k', '10001'], /--k: 10001 must be at most 10000/],
      [['index', '--batch-size', '100001'], /--batch-size: 100001 must be at most 100000/],
    ];
    for (const [args, reason] of cases) {
      await assert.rejects(program.parseAsync(['--home', home, ...args], { from: 'user' }), reason);
      // A check after opening the home would have failed on the missing store instead, or created it.
      assert.deepEqual(await readdir(root), [], String(reason));
    }
  });
});

test('an out-of-range flag exits with code 2 and names the flag, serve included', async () => {
  await withTempDir(async (root) => {
    const home = join(root, 'home');
    // Each case is refused early by older code too (no data, an interval over a day) rather than
    // training on the shared data or forking 65 servers, so a check that goes missing fails fast.
    const cases: Array<[string[], string]> = [
      [['train', '--no-sts', '--no-nli', '--no-dev', '--dim', '4096'], '--dim: 4096 must be at most 2048'],
      [['eval', 'retrieval', '--queries', '0'], '--queries: 0 must be at least 1'],
      [['serve', '--port', '0', '--workers', '65', '--reload-interval', '86401'], '--workers: 65 must be at most 64'],
      [['serve', '--port', '0', '--rate-limit', '1000001'], '--rate-limit: 1000001 must be at most 1000000'],
    ];
    for (const [args, reason] of cases) {
      const { code, stdout, stderr } = await runCli(['--home', home, ...args]);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.equal(stdout, '');
      assert.ok(stderr.includes(reason), `${args.join(' ')}: ${stderr}`);
      assert.deepEqual(await readdir(root), [], args.join(' '));
    }
  });
});
