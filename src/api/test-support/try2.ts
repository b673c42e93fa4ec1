import { buildTestHome } from './home.js';
import { openSearchEngine } from '../../search/index.js';
const t = performance.now();
const h = await buildTestHome();
console.log('built', h.evaluated.size, (performance.now()-t)|0, 'ms');
const e = await openSearchEngine(h.home);
for (const q of ['유산균 발효 제조방법', '연삭 장치', '신발 공급 시스템', '광케이블', '그래핀 전극 제조방법 굵게', 'qqqxxxzzzwww']) {
  const r = await e.search(q, { top: 10 });
  console.log(q, r.total, r.hits.filter(h2 => h.evaluated.has(h2.applicationNumber)).length, r.hits.slice(0,3).map(x => x.title.slice(0,20)));
}
const r = await e.search('연삭 장치', { top: 20, filters: { ipc: 'B24B' } }); console.log('B24B', r.total, r.hits.map(h=>h.ipc[0]).join());
await e.close();
await h.cleanup();
