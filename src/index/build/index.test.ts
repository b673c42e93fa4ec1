import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCharModel } from '../../embed/test-support/index.js';
import { ingest } from '../../ingest/index.js';
import { openSearchEngine } from '../../search/index.js';
import { openStore } from '../../store/index.js';
import { buildIndexes } from './index.js';

const OLD = [
  { applicationNumber: '1020190000001', title: '리튬 이차전지 음극재', abstract: '리튬 이차전지의 음극재 제조 방법' },
  { applicationNumber: '1020190000002', title: '브레이크 패드', abstract: '차량용 브레이크 패드의 마찰재' },
];
const NEW = [{ applicationNumber: '1020200000003', title: '반도체 식각 장치', abstract: '플라즈마를 이용한 반도체 식각 장치' }];

describe('indexes follow the database they were built from', () => {
  let dir: string;
  let home: string;
  let embedder: string;

  const ingestPatents = async (name: string, patents: object[]): Promise<void> => {
    const file = join(dir, `${name}.jsonl`);
    await writeFile(file, patents.map((p) => JSON.stringify(p)).join('\n'));
    const store = openStore(home);
    try {
      await ingest(store, [file]);
    } finally {
      store.close();
    }
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-build-'));
    home = join(dir, 'home');
    await writeCharModel(join(dir, 'model'), [...OLD, ...NEW].flatMap((p) => [p.title, p.abstract]));
    embedder = `static:${join(dir, 'model')}`;
    await ingestPatents('old', OLD);
    await buildIndexes(home, { embedder });
  });

  after(() => rm(dir, { recursive: true, force: true }));

  test('a database replaced under the indexes is refused by search and rebuilt whole by index', async () => {
    for (const suffix of ['', '-wal', '-shm']) await rm(join(home, `patmatch.db${suffix}`), { force: true });
    await ingestPatents('new', NEW);
    // Store id 1 is now 반도체 식각 장치, which the old indexes hold as 리튬 이차전지 음극재.
    await assert.rejects(openSearchEngine(home), /lexical index of .* was built from another patent database: run `patmatch index` again/);

    const report = await buildIndexes(home, { embedder });
    assert.equal(report.lexical.indexed, 1);
    assert.equal(report.vectors?.embedded, 1);
    assert.equal(report.vectors?.count, 1);
    const engine = await openSearchEngine(home);
    try {
      for (const mode of ['lexical', 'seed'] as const) {
        const { hits } = await engine.search('리튬 이차전지 음극재', { mode });
        assert.ok(hits.every((hit) => hit.applicationNumber === NEW[0]!.applicationNumber), mode);
        assert.equal((await engine.search('반도체 식각', { mode })).hits[0]?.title, NEW[0]!.title);
      }
    } finally {
      await engine.close();
    }
  });
});
