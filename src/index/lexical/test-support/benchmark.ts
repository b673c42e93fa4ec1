/**
 * Lexical index build and query speed on the real INU patents (run by hand, not a test):
 * `node --import tsx src/index/lexical/test-support/benchmark.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAnalyzer } from '../../../text/index.js';
import { readSamplePatents } from '../../../text/test-support/sample-patents.js';
import { openLexicalIndex } from '../index.js';

const dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
try {
  const patents = await readSamplePatents();
  const index = await openLexicalIndex(join(dir, 'lexical.db'));
  /** Runs `work` once and prints its wall and CPU time (CPU time holds on a loaded machine), per `per` items. */
  const measure = async (label: string, per: number, unit: string, work: () => Promise<unknown>): Promise<void> => {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await work();
    const cpu = process.cpuUsage(cpuStart);
    const [wall, cpuMs] = [performance.now() - start, (cpu.user + cpu.system) / 1000];
    console.log(`${label}: wall ${(wall / per).toFixed(1)} ms, CPU ${(cpuMs / per).toFixed(1)} ms per ${unit}`);
  };
  await measure(`upsert ${patents.length} patents`, patents.length, 'patent', () =>
    index.upsert(patents.map((patent, key) => ({ key, ...patent }))),
  );

  const queries = patents.slice(0, 100).map((patent) => patent.abstract);
  const time = (label: string, run: (query: string) => Promise<unknown>) =>
    measure(label, queries.length, 'query', async () => {
      for (const query of queries) await run(query);
    });
  const terms = queries.reduce((sum, query) => sum + new Set(query.split(' ')).size, 0) / queries.length;
  console.log(`queries: ${queries.length} abstracts used as demand paragraphs, ~${terms.toFixed(0)} words each; times include their analysis`);
  const analyzer = await createAnalyzer();
  await time('query analysis alone', async (query) => analyzer.terms(query));
  await time('search abstract k=1000', (query) => index.search(query, 'abstract', 1000));
  await time('search all k=10', (query) => index.search(query, 'all', 10));
  const keys = patents.map((_, key) => key).slice(0, 1000);
  await time(`scoreKeys title ${keys.length} keys`, (query) => index.scoreKeys(query, 'title', keys));

  for (const field of ['title', 'all'] as const) {
    let found = 0;
    for (const [key, patent] of patents.entries()) {
      const hits = await index.search(patent.title, field, 3);
      if (hits.some((hit) => hit.key === key)) found++;
    }
    console.log(`title query finds its patent in the top 3 of ${field}: ${found}/${patents.length} = ${(found / patents.length).toFixed(3)}`);
  }
  index.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
