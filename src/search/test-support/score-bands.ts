/**
 * Measures how search scores relate to relevance on a home, to choose the score bands of
 * `src/search/bands.ts`. Not a test: run it by hand against a demo-like home,
 *
 *   node --import tsx src/search/test-support/score-bands.ts --home /tmp/my-home [--queries 200]
 *
 * For each mode it prints (1) the precision of hits by score (a hit is relevant when it shares the
 * query patent's IPC main group, as in `eval retrieval`'s topical task; the query is the patent's
 * title, the patent itself left out) and (2) the rank-1 scores of demands from fields the corpus
 * does not hold, i.e. what a score looks like when nothing fits.
 */
import { parseArgs } from 'node:util';
import type { SearchMode } from '../../domain/index.js';
import { ipcMainGroup, RETRIEVAL_MODES } from '../../eval/retrieval.js';
import { openStore } from '../../store/index.js';
import { createRandom } from '../../train/random.js';
import { openSearchEngine } from '../index.js';

/** Demands no patent of the shared data answers (checked by reading their top hits). */
const OFF_TOPIC = [
  '반려동물 사료 배합 비율 최적화',
  '골프 스윙 자세 교정용 웨어러블 장치',
  '커피 원두 로스팅 온도 제어 장치',
  '항공기 날개 결빙 방지 코팅',
  '한복 옷고름 자동 매듭 장치',
  '스키 왁스 조성물',
  '야구 배트 반발력 측정',
  '김치 냉장고 숙성 알고리즘',
  '선박 평형수 처리 장치',
  '화장품 용기 펌프 구조',
];

const { values } = parseArgs({ options: { home: { type: 'string' }, queries: { type: 'string', default: '200' }, depth: { type: 'string', default: '30' } } });
if (!values.home) throw new Error('--home <dir> is required');
const store = openStore(values.home);
const engine = await openSearchEngine(values.home);
const corpus = [...store.iterate()].flat();
const byGroup = new Map<string, number>();
for (const p of corpus) if (p.ipc[0]) byGroup.set(ipcMainGroup(p.ipc[0]), (byGroup.get(ipcMainGroup(p.ipc[0])) ?? 0) + 1);
const pool = corpus.filter((p) => p.ipc[0] && (byGroup.get(ipcMainGroup(p.ipc[0])) ?? 0) > 1);
const queries = createRandom(7).shuffle(pool).slice(0, Number(values.queries));
const groupOf = new Map(corpus.map((p) => [p.applicationNumber, p.ipc[0] ? ipcMainGroup(p.ipc[0]) : '']));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

const report: Record<string, unknown> = {};
for (const mode of engine.model ? RETRIEVAL_MODES : (['lexical'] as SearchMode[])) {
  const scored: Array<{ score: number; relevant: boolean }> = [];
  for (const p of queries) {
    const { hits } = await engine.search(p.title, { mode, top: Number(values.depth) + 1 });
    for (const hit of hits.filter((h) => h.applicationNumber !== p.applicationNumber)) {
      scored.push({ score: hit.score, relevant: groupOf.get(hit.applicationNumber) === ipcMainGroup(p.ipc[0]!) });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  // Precision of the hits at or above each score decile of the pooled hits.
  const atOrAbove = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9].map((share) => {
    const top = scored.slice(0, Math.max(1, Math.round(share * scored.length)));
    return { share, minScore: top.at(-1)!.score, precision: top.filter((s) => s.relevant).length / top.length };
  });
  const bins = new Map<number, { n: number; relevant: number }>();
  for (const s of scored) {
    const bin = Math.floor(s.score * 20) / 20;
    const entry = bins.get(bin) ?? { n: 0, relevant: 0 };
    entry.n++;
    if (s.relevant) entry.relevant++;
    bins.set(bin, entry);
  }
  const offTop: number[] = [];
  for (const demand of OFF_TOPIC) offTop.push((await engine.search(demand, { mode, top: 1 })).hits[0]?.score ?? 0);
  offTop.sort((a, b) => a - b);
  report[mode] = {
    hits: scored.length,
    baseRate: scored.filter((s) => s.relevant).length / scored.length,
    atOrAbove,
    precisionByScore: [...bins].sort(([a], [b]) => b - a).map(([bin, e]) => ({ from: bin, n: e.n, precision: Number((e.relevant / e.n).toFixed(3)) })),
    offTopicTop1: { min: offTop[0], median: quantile(offTop, 0.5), max: offTop.at(-1) },
  };
}
console.log(JSON.stringify(report, null, 1));
await engine.close();
store.close();
