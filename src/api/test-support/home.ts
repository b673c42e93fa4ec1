/**
 * A real patmatch home for API and browser tests: the shared KIPRIS XML ingested into a temporary
 * store, the synthetic sample evaluations imported, a hostile record added, and the lexical index
 * built — the same path `patmatch ingest` and `patmatch index` take.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../../cli/context.js';
import type { Patent } from '../../domain/index.js';
import { buildIndexes } from '../../index/build/index.js';
import { ingestEvaluations } from '../../ingest/evaluations.js';
import { ingest } from '../../ingest/index.js';
import { openStore } from '../../store/index.js';
import { samplePatent } from '../../store/test-support.js';

/** A patent whose title and abstract try to inject markup; the dashboard must show it as text. */
export const HOSTILE_PATENT: Patent = samplePatent('1020990000001', {
  title: '<script>window.__patmatchInjected = true</script><img src=x onerror="window.__patmatchInjected = true"> 그래핀 전극 제조방법',
  abstract: '<b>굵게</b> 그래핀 슈퍼커패시터 전극 <script>window.__patmatchInjected = true</script>',
  applicants: ['<i>테스트</i> 출원인', '공동출원 주식회사'],
  inventors: ['홍길동', '김철수'],
  applicationDate: '2099-01-01',
});

/**
 * The single-applicant query files of the shared KIPRIS XML (325 patents): enough for paging,
 * filters and every 6T class, and small enough that indexing keeps a test file fast.
 */
export const TEST_XML_FILES = [
  '120040373042-1.xml',
  '120050011639-1.xml',
  '120050421158-1.xml',
  '120060342061-1.xml',
  '120070120001-1.xml',
  '120070345417-1.xml',
  '120070353675-1.xml',
  '120070385648-1.xml',
] as const;

/** A built test home and how to remove it. */
export interface TestHome {
  home: string;
  /** Application numbers that have sample evaluations. */
  evaluated: Set<string>;
  cleanup(): Promise<void>;
}

/**
 * Builds a home from `TEST_XML_FILES` plus `HOSTILE_PATENT`, with the sample evaluations.
 *
 * @example
 * const { home, cleanup } = await buildTestHome();
 * const engine = await openSearchEngine(home);
 */
export async function buildTestHome(): Promise<TestHome> {
  const home = await mkdtemp(join(tmpdir(), 'patmatch-'));
  const data = join(sharedDataDir(), 'kipris');
  const store = openStore(home);
  try {
    await ingest(store, TEST_XML_FILES.map((file) => join(data, 'plus-xml', file)));
    store.upsertPatents([HOSTILE_PATENT], 'test:hostile');
    await ingestEvaluations(store, join(data, 'sample-evaluations.csv'));
    const stored = [...store.iterate()].flat().map((patent) => patent.applicationNumber);
    const evaluated = new Set(store.getEvaluations(stored).keys());
    store.close();
    await buildIndexes(home);
    return { home, evaluated, cleanup: () => rm(home, { recursive: true, force: true }) };
  } catch (error) {
    store.close();
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}
