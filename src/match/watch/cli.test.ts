import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { buildTestHome, type TestHome } from '../../api/test-support/home.js';
import { runCli } from '../../cli/spawn.js';
import { openSearchEngine, type SearchEngine } from '../../search/index.js';
import { homeLayout } from '../../store/home.js';
import { openStore, type PatentStore } from '../../store/index.js';
import { samplePatent } from '../../store/test-support.js';
import { loadSecret, MatchService, type User } from '../index.js';
import { startSmtpServer, type TestSmtpServer } from '../test-support/smtp.js';
import { indexedRevision } from './index.js';

const WORKER = fileURLToPath(new URL('../test-support/worker-process.ts', import.meta.url));
const LEASE_MS = 1_500;

/** The "Done when": new patents after a demand exists, `patmatch index`, and exactly one digest on a real SMTP server, also when the sender is killed. */
describe('demand watch end to end (CLI processes, real SMTP server)', () => {
  let testHome: TestHome;
  let store: PatentStore;
  let engine: SearchEngine;
  let service: MatchService;
  let owner: User;
  let smtp: TestSmtpServer;
  const children: ChildProcess[] = [];

  const startWorker = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, homeLayout(testHome.home).store, smtp.url, String(LEASE_MS), '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    assert.equal(line.toString().trim(), 'ready');
    return child;
  };

  before(async () => {
    testHome = await buildTestHome();
    store = openStore(testHome.home);
    engine = await openSearchEngine(testHome.home);
    service = new MatchService({
      db: store.db,
      search: engine,
      secret: await loadSecret(testHome.home),
      publicUrl: 'http://patmatch.test',
      recommendations: 5,
      indexRevision: () => indexedRevision(testHome.home),
    });
    owner = await service.accounts.create({ email: 'buyer@corp.example', password: 'correct horse battery', role: 'demander' });
    // The first attempt is held until the sender is killed: it never gets the 250.
    smtp = await startSmtpServer((attempt) => (attempt === 1 ? { holdMs: 60_000 } : 'accept'));
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await smtp?.close();
    await engine?.close();
    store?.close();
    await testHome?.cleanup();
  });

  test('index adds the new patent and queues one digest; a sender killed mid-send and restarted delivers it exactly once', async () => {
    const demand = await service.createDemand(owner, { name: '그래핀 전극', description: '슈퍼커패시터용 그래핀 전극 제조방법' });
    assert.equal(demand.watch, true);
    assert.ok(demand.recommendations.every((hit) => hit.addedAt === null && !hit.new));
    const best = demand.recommendations[0]!;
    store.upsertPatents([samplePatent('1020990000201', { title: best.title, abstract: best.abstract })], 'test:new');

    const indexed = await runCli(['--home', testHome.home, 'index', '--json', '--public-url', 'http://patmatch.test']);
    assert.equal(indexed.code, 0, indexed.stderr);
    const report = JSON.parse(indexed.stdout) as { watch: { demands: number; newRecommendations: number; emailsQueued: number } };
    assert.deepEqual([report.watch.demands, report.watch.newRecommendations, report.watch.emailsQueued], [1, 1, 1]);

    const seen = service.getDemand(owner, demand.id);
    const added = seen.recommendations.filter((hit) => hit.addedAt !== null);
    assert.deepEqual(added.map((hit) => [hit.applicationNumber, hit.new]), [['1020990000201', true]]);

    // Another watch (the server noticing the same build, say) adds and queues nothing.
    const again = await runCli(['--home', testHome.home, 'watch', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { ...JSON.parse(again.stdout), newRecommendations: 0, emailsQueued: 0 });

    const first = await startWorker();
    await smtp.waitForAttempt(1);
    first.kill('SIGKILL');
    await once(first, 'exit');
    await startWorker();
    await smtp.waitForMessages(1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2)); // time for a duplicate to show up, were there one
    assert.equal(smtp.received.length, 1);
    const [mail] = smtp.received;
    assert.equal(mail!.to, 'buyer@corp.example');
    assert.match(mail!.subject, /새 추천 특허 1건: 그래핀 전극/);
    assert.match(mail!.text, /1020990000201/);
    assert.match(mail!.messageId, /^<watch-\d+-\d+@/);

    assert.equal(service.markDemandSeen(owner, demand.id).recommendations.some((hit) => hit.new), false);
  });

  test('the stop-watching link: a bad signature is refused, a good one turns the watch off (on POST only)', async () => {
    const [mail] = smtp.received;
    const link = /http:\/\/patmatch\.test(\/match\/demands\/(\d+)\/unwatch\?expires=(\d+)&sig=([\w-]+))/.exec(mail!.text);
    assert.ok(link, mail!.text);
    const [, , id, expires, sig] = link;
    const claim = { demandId: Number(id), action: 'unwatch' as const, expires: Number(expires) };
    assert.throws(() => service.unwatchByLink(claim, `${sig!.slice(0, -2)}xx`), /not valid or has expired/);
    assert.throws(() => service.unwatchByLink({ ...claim, demandId: claim.demandId + 1 }, sig!), /not valid or has expired/);
    assert.equal(service.linkedDemand(claim, sig!).watch, true, 'the confirmation page changes nothing');
    assert.equal(service.unwatchByLink(claim, sig!).watch, false);
    assert.equal(service.getDemand(owner, claim.demandId).watch, false);
    assert.equal(service.updateDemand(owner, claim.demandId, { watch: true }).watch, true);
    assert.throws(() => service.updateDemand(owner, claim.demandId, {}), /must change at least one field/);
    assert.throws(() => service.updateDemand(owner, claim.demandId, { watch: 'no' }), /watch/);
  });
});
