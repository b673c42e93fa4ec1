import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../cli/context.js';
import { readFvecs, readIvecs } from '../../index/vecs/index.js';
import { generateClusteredVectors } from './synthetic.js';
import { withTempDir } from '../../index/test-support.js';

const execFileAsync = promisify(execFile);

/** Runs the CLI from source in a child process, as a user would. */
function patmatch(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const script = `import { main } from './src/cli/main.ts'; process.exitCode = await main(${JSON.stringify(args)});`;
  return execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot });
}

test('patmatch bench index generates files, prints the report and writes the result ids', async () => {
  await withTempDir(async (dir) => {
    const [base, queries, out, index] = ['b.fvecs', 'q.fvecs', 'r.ivecs', 'i.usearch'].map((name) => join(dir, name));
    const args = ['bench', 'index', '--generate', '2000', '--dim', '32', '--query-count', '30'];
    args.push('--base', base!, '--queries', queries!, '--out', out!, '--k', '50', '--ef-search', '60,200');
    args.push('--connectivity', '16', '--index', index!, '--json');
    const { stdout } = await patmatch(args);
    const reports = stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(reports.length, 2);
    for (const report of reports) {
      assert.deepEqual(
        { n: report.n, dim: report.dim, k: report.k, queries: report.queries, recallQueries: report.recallQueries },
        { n: 2000, dim: 32, k: 50, queries: 30, recallQueries: 30 },
      );
      for (const field of ['buildSeconds', 'searchP50Ms', 'searchP99Ms', 'memoryBytes', 'loadSeconds']) {
        assert.ok(typeof report[field] === 'number' && report[field] >= 0, field);
      }
      assert.ok(report.memoryBytes > 2000 * 32 * 2, 'index holds at least the f16 vectors');
    }
    assert.deepEqual(reports.map((report) => report.index.expansionSearch), [60, 200]);
    assert.ok(reports[1].recall >= 0.99, `recall ${reports[1].recall}`);
    assert.ok(reports[0].recall <= reports[1].recall);

    const again = await patmatch(['bench', 'index', '--base', base!, '--queries', queries!, '--k', '50', '--index', index!]);
    assert.match(again.stdout, /reused the index file/);

    const ids = await readIvecs(out!);
    assert.equal(ids.count, 30);
    assert.equal(ids.dimension, 50);
    assert.ok(ids.data.every((id) => id >= 0 && id < 2000));
    const written = await readFvecs(queries!);
    assert.deepEqual(written.data, generateClusteredVectors({ count: 30, dimension: 32, stream: 1 }));
  });
});

test('bench index refuses bad flags and missing files with exit code 2 and a message naming them', async () => {
  const cases: Array<[string[], string]> = [
    [['--k', 'ten'], '--k: "ten" is not a whole number'],
    [['--k', '99999999'], '--k: 99999999 must be at most 10000'],
    [['--quantization', 'f8'], '--quantization f8'],
    [[], 'missing.fvecs: ENOENT'],
  ];
  for (const [flags, message] of cases) {
    const args = ['bench', 'index', '--base', 'missing.fvecs', '--queries', 'missing.fvecs', ...flags];
    await assert.rejects(
      patmatch(args),
      (error: { code: number; stderr: string }) => error.code === 2 && error.stderr.includes(message),
      message,
    );
  }
});
