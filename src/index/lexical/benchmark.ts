/**
 * Lexical index build and query speed on the real INU patents (run by hand, not a test):
 * `node --import tsx src/index/lexical/benchmark.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAnalyzer } from '../../text/index.js';
import { readSamplePatents } from '../../text/sample-patents.js';
import { openLexicalIndex } from './index.js';

const dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
try {
  const patents = await readSamplePatents();
  const index = await openLexicalIndex(join(dir, 'lexical.db'));
  const buildStart = performance.now();
  await index.upsert(patents.map((patent, key) => ({ key, ...patent })));
  const buildSeconds = (performance.now() - buildStart) / 1000;
  console.log(`upsert ${patents.length} patents: ${buildSeconds.toFixed(1)} s (${(patents.length / buildSeconds).toFixed(0)} docs/s)`);

  const queries = patents.slice(0, 100).map((patent) => patent.abstract);
  const time = async (label: string, run: (query: string) => Promise<unknown>): Promise<void> => {
    const start = performance.now();
    for (const query of queries) await run(query);
    console.log(`${label}: ${((performance.now() - start) / queries.length).toFixed(1)} ms per query (analysis included)`);
  };
  const terms = queries.reduce((sum, query) => sum + new Set(query.split(' ')).size, 0) / queries.length;
  console.log(`queries: ${queries.length} abstracts used as demand paragraphs, ~${terms.toFixed(0)} words each`);
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
