// What the manager's market costs: 1,000 public demands against an organisation of 2,000 patents.
// Builds a temporary home (the shared INU CSV and KIPRIS XML, the INU patents copied under new numbers
// up to 2,000, the test character model), registers 1,000 public demands made of other patents' texts
// in one mode, and times the first listing (every demand scored), the second (kept scores) and one
// after one more public demand. Prints one line each.
//   npx tsx scripts/market-cost.ts [hybrid|seed|dense|lexical]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../src/cli/context.js';
import { writeCharModel } from '../src/embed/test-support/index.js';
import { buildIndexes } from '../src/index/build/index.js';
import { ingest } from '../src/ingest/index.js';
import { openSearchEngine } from '../src/search/index.js';
import { openStore } from '../src/store/index.js';
import { MatchService } from '../src/match/index.js';
import { randomBytes } from 'node:crypto';

const dir = await mkdtemp(join(tmpdir(), 'bench-market-'));
const home = join(dir, 'home');
const setup = openStore(home);
await ingest(setup, [join(sharedDataDir(), 'kipris', 'inu-patents.csv'), join(sharedDataDir(), 'kipris', 'plus-xml')]);
const base = [...setup.iterate()].flat();
// Copies of the INU patents under new numbers, so that the organisation holds 2,000.
const inu = base.filter((p) => p.applicants.includes('인천대학교 산학협력단'));
const copies = [];
for (let i = 0; inu.length + copies.length < 2000; i++) {
  const p = inu[i % inu.length]!;
  copies.push({ ...p, applicationNumber: `102099${String(i + 10).padStart(7, "0")}` });
}
setup.upsertPatents(copies, 'bench:copies');
const all = [...setup.iterate()].flat();
console.log('store', all.length, 'org', inu.length + copies.length);
setup.close();
await writeCharModel(join(dir, 'model'), all.flatMap((p) => [p.title, p.abstract]));
await buildIndexes(home, { embedder: `static:${join(dir, 'model')}` });
const engine = await openSearchEngine(home);
const store = openStore(home);
const service = new MatchService({ db: store.db, search: engine, secret: randomBytes(32), publicUrl: 'http://x' });
const user = await service.accounts.create({ email: 'b@x.example', password: 'correct horse', role: 'demander' });
const manager = await service.accounts.create({ email: 'm@x.example', password: 'correct horse', role: 'manager', organization: '인천대학교 산학협력단' });
const others = all.filter((p) => !p.applicants.includes('인천대학교 산학협력단'));
const insert = store.db.prepare(`INSERT INTO match_demands (user_id, name, description, query, mode, model, recommendations, created_at, visibility) VALUES (?, ?, ?, ?, ?, ?, '[]', ?, 'public')`);
const mode = (process.argv[2] ?? 'hybrid') as 'hybrid';
for (let i = 0; i < 1000; i++) {
  const p = others[i % others.length]!;
  insert.run(user.id, p.title, p.abstract.slice(0, 300), `${p.title}\n${p.abstract.slice(0, 300)}`, mode, engine.model, new Date().toISOString());
}
for (const run of ['first (computed)', 'second (cached)']) {
  const started = performance.now();
  const page = await service.listMarketDemands(manager, { limit: 20, offset: 0 });
  console.log(mode, run, `${((performance.now() - started) / 1000).toFixed(2)} s`, 'matching demands', page.total, 'rss MB', Math.round(process.memoryUsage().rss / 1e6));
}
insert.run(user.id, '새 수요', '그래핀 전극', '새 수요\n그래핀 전극', mode, engine.model, new Date().toISOString());
{ const started = performance.now(); await service.listMarketDemands(manager, { limit: 20, offset: 0 }); console.log(mode, 'one more public demand', `${((performance.now() - started) / 1000).toFixed(2)} s`); }
await engine.close(); store.close(); await rm(dir, { recursive: true, force: true });
