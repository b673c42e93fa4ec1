import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PatmatchError } from '../../domain/errors.js';
import { ingest } from '../../ingest/index.js';
import { contentDigest, tempStore, type TempStore } from '../../store/test-support.js';
import { fetchKipris, readSync, type FetchKiprisOptions } from './index.js';
import { startReplayServer, type ReplayFault, type ReplayServer } from './replay.js';
import { distinctNumbers, recordedPages, recordedQueries } from './test-support.js';

/** A key with characters that URL encoding changes, so every written form of it is looked for. */
const KEY = 'test-Key/+=ab12';
const queries = recordedQueries();
const pagesOf = (code: string) => queries.get(code)!;
/** Four recorded pages of 500 items each, 503 distinct patents: most patents are on several pages. */
const FOUR_PAGES = '120080091393';

describe('fetch kipris against a replaying KIPRIS Plus', () => {
  let temp: TempStore;
  let server: ReplayServer;
  let fault: ((request: { page: number; attempt: number }) => ReplayFault | undefined) | undefined;
  const options = (extra: Partial<FetchKiprisOptions> = {}) => ({ key: KEY, baseUrl: server.baseUrl, minIntervalMs: 0, backoffMs: 1, ...extra });

  before(async () => {
    server = await startReplayServer({ dir: recordedPages, key: KEY, fault: (request) => fault?.(request) });
  });
  after(() => server.close());
  afterEach(async () => {
    fault = undefined;
    server.requests.length = 0;
    await temp?.cleanup();
  });

  test('every recorded applicant: exactly the distinct patents of the files, stored as ingest stores the files', async () => {
    temp = await tempStore();
    let fetched = 0;
    for (const code of queries.keys()) {
      const summary = await fetchKipris(temp.store, { applicant: code }, options());
      assert.equal(summary.complete, true, code);
      fetched += summary.fetched;
    }
    const allFiles = [...queries.values()].flat();
    // One request per recorded page, and one more for 120070509242: its two pages say it has 11,304
    // patents, so page 3 is asked for, and the replay answers it as KIPRIS answers past the end (no items).
    const extra = server.requests.filter(({ term, page }) => !allFiles.includes(`${term}-${page}.xml`));
    assert.deepEqual(extra.map(({ term, page }) => `${term}-${page}`), ['120070509242-3']);
    assert.equal(server.requests.length, allFiles.length + 1);
    assert.equal(fetched, 3325);
    assert.equal(temp.store.count(), distinctNumbers(allFiles).size);

    const ingested = await tempStore();
    try {
      await ingest(ingested.store, [recordedPages]);
      assert.equal(contentDigest(temp.store), contentDigest(ingested.store));
    } finally {
      await ingested.cleanup();
    }
  });

  test('the same patent on several pages is stored once; a finished query fetched again reports it unchanged', async () => {
    temp = await tempStore();
    const first = await fetchKipris(temp.store, { applicant: FOUR_PAGES }, options());
    const distinct = distinctNumbers(pagesOf(FOUR_PAGES)).size;
    assert.deepEqual([first.pages, first.fetched, first.inserted, first.updated + first.unchanged, first.resumedFromPage], [4, 2000, distinct, 2000 - distinct, null]);
    assert.equal(readSync(temp.store.db, `applicantNameSearchInfo:${FOUR_PAGES}`)?.status, 'done');

    const again = await fetchKipris(temp.store, { applicant: FOUR_PAGES }, options());
    assert.deepEqual([again.pages, again.inserted, again.updated, again.unchanged, again.resumedFromPage], [4, 0, 0, 2000, null]);
    assert.equal(temp.store.count(), distinct);
  });

  test('a 503, a hung response and a truncated body are retried, and the query completes', async () => {
    temp = await tempStore();
    const faults: Record<number, ReplayFault> = { 1: { status: 503 }, 2: { hang: true }, 3: { truncate: true } };
    fault = ({ page, attempt }) => (attempt === 1 ? faults[page] : undefined);
    const retries: string[] = [];
    const summary = await fetchKipris(temp.store, { applicant: FOUR_PAGES }, options({ timeoutMs: 1000, onRetry: (page, _attempt, reason) => retries.push(`${page}: ${reason}`) }));
    assert.equal(summary.complete, true);
    assert.deepEqual(
      server.requests.map(({ page, attempt }) => `${page}.${attempt}`),
      ['1.1', '1.2', '2.1', '2.2', '3.1', '3.2', '4.1'],
    );
    assert.match(retries[0]!, /^1: HTTP 503$/);
    assert.match(retries[1]!, /^2: .*no complete answer within 1000 ms/);
    assert.match(retries[2]!, /^3: .*(cut off|UND_ERR_SOCKET)/);
    assert.equal(temp.store.count(), distinctNumbers(pagesOf(FOUR_PAGES)).size);
  });

  test('a page that keeps failing stops the run after the retries, naming the redacted URL; the next run resumes there', async () => {
    temp = await tempStore();
    fault = ({ page }) => (page === 2 ? { status: 502 } : undefined);
    const error = await fetchKipris(temp.store, { applicant: FOUR_PAGES }, options({ retries: 2 })).catch((caught: unknown) => caught);
    assert.ok(error instanceof PatmatchError);
    assert.match(error.message, /did not answer http:\/\/127\.0\.0\.1:\d+\/openapi\/rest\/patUtiModInfoSearchSevice\/applicantNameSearchInfo\?applicant=120080091393&docsStart=2&.*accessKey=\*\*\* after 3 attempts: HTTP 502/);
    assert.match(error.message, /the next run resumes at page 2/);
    assert.ok(!error.message.includes(KEY) && !error.message.includes(encodeURIComponent(KEY)));
    assert.equal(temp.store.count(), distinctNumbers(pagesOf(FOUR_PAGES).slice(0, 1)).size);

    fault = undefined;
    const resumed = await fetchKipris(temp.store, { applicant: FOUR_PAGES }, options());
    assert.equal(resumed.resumedFromPage, 2);
    assert.equal(temp.store.count(), distinctNumbers(pagesOf(FOUR_PAGES)).size);
  });

  test('an error resultCode stops the run with its meaning; nothing of that page is stored, and the next run resumes at it', async () => {
    temp = await tempStore();
    fault = ({ page }) => (page === 3 ? { resultCode: '22', resultMsg: 'LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR' } : undefined);
    const error = await fetchKipris(temp.store, { applicant: FOUR_PAGES }, options()).catch((caught: unknown) => caught);
    assert.ok(error instanceof PatmatchError);
    assert.equal(error.code, 'not_ready');
    assert.match(error.message, /resultCode 22, the request limit of the key is used up .*pages 1–2 of this run are stored; the next run resumes at page 3/);
    assert.equal(server.requests.filter((request) => request.page === 3).length, 1, 'an API error is not retried');
    const sync = readSync(temp.store.db, `applicantNameSearchInfo:${FOUR_PAGES}`)!;
    assert.deepEqual([sync.pagesDone, sync.status], [2, 'running']);
    assert.equal(temp.store.count(), distinctNumbers(pagesOf(FOUR_PAGES).slice(0, 2)).size);

    fault = undefined;
    server.requests.length = 0;
    const resumed = await fetchKipris(temp.store, { applicant: FOUR_PAGES }, options());
    assert.deepEqual(server.requests.map((request) => request.page), [3, 4]);
    assert.deepEqual([resumed.resumedFromPage, resumed.pages, resumed.complete], [3, 2, true]);
    assert.equal(temp.store.count(), distinctNumbers(pagesOf(FOUR_PAGES)).size);
    assert.deepEqual(readSync(temp.store.db, `applicantNameSearchInfo:${FOUR_PAGES}`)?.pages, 4, 'the pass counts both runs');
  });

  test('a wrong key is refused at the first page, and the message never shows it', async () => {
    temp = await tempStore();
    const wrong = 'wrong/Key+1';
    const error = await fetchKipris(temp.store, { word: FOUR_PAGES }, options({ key: wrong })).catch((caught: unknown) => caught);
    assert.ok(error instanceof PatmatchError);
    assert.equal(error.code, 'unauthorized');
    assert.match(error.message, /resultCode 30, the access key is not registered/);
    assert.ok(![wrong, encodeURIComponent(wrong)].some((form) => (error as Error).message.includes(form)));
    assert.equal(temp.store.count(), 0);
  });

  test('--max-pages stops early and the next run goes on; --dry-run compares without writing', async () => {
    temp = await tempStore();
    const dry = await fetchKipris(temp.store, { word: FOUR_PAGES }, options({ dryRun: true, maxPages: 1 }));
    assert.deepEqual([dry.fetched, dry.inserted, dry.dryRun, dry.complete], [500, distinctNumbers(pagesOf(FOUR_PAGES).slice(0, 1)).size, true, false]);
    assert.equal(temp.store.count(), 0);
    assert.equal(temp.store.db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'kipris_sync'`).get(), undefined);

    const first = await fetchKipris(temp.store, { word: FOUR_PAGES }, options({ maxPages: 2 }));
    assert.deepEqual([first.pages, first.complete, first.resumedFromPage], [2, false, null]);
    const rest = await fetchKipris(temp.store, { word: FOUR_PAGES }, options());
    assert.deepEqual([rest.resumedFromPage, rest.pages, rest.complete], [3, 2, true]);
    assert.deepEqual(server.requests.map((request) => `${request.operation} ${request.page}`), [
      'freeSearchInfo 1',
      'freeSearchInfo 1',
      'freeSearchInfo 2',
      'freeSearchInfo 3',
      'freeSearchInfo 4',
    ]);
  });

  test('with docsStart as an item offset, page n asks for docsStart (n-1)×500+1; a pass is resumed only with the paging it began with', async () => {
    temp = await tempStore();
    const offsets = await startReplayServer({ dir: recordedPages, key: KEY, docsStart: 'offset' });
    try {
      const byOffset = (extra: Partial<FetchKiprisOptions> = {}) => fetchKipris(temp.store, { applicant: FOUR_PAGES }, options({ baseUrl: offsets.baseUrl, docsStart: 'offset', ...extra }));
      assert.equal((await byOffset({ maxPages: 2 })).complete, false);
      const rest = await byOffset();
      assert.deepEqual([rest.resumedFromPage, rest.complete], [3, true]);
      assert.deepEqual(offsets.requests.map((request) => request.page), [1, 2, 3, 4], 'docsStart 1, 501, 1001, 1501 named pages 1 to 4');
      assert.equal(temp.store.count(), distinctNumbers(pagesOf(FOUR_PAGES)).size);

      await byOffset({ maxPages: 1 });
      const byPage = await fetchKipris(temp.store, { applicant: FOUR_PAGES }, options({ maxPages: 1 }));
      assert.equal(byPage.resumedFromPage, null, 'a pass begun with offsets is not resumed with page numbers');
    } finally {
      await offsets.close();
    }
  });

  test('hostile input is refused with the flag and the reason', async () => {
    temp = await tempStore();
    const refused = async (query: Parameters<typeof fetchKipris>[1], extra: Partial<FetchKiprisOptions>, pattern: RegExp) =>
      assert.rejects(fetchKipris(temp.store, query, options(extra)), (error: Error) => error instanceof PatmatchError && pattern.test(error.message));
    await refused({ applicant: '  ' }, {}, /--applicant: give a non-empty applicant name or code/);
    await refused({ word: 'a\u0000b' }, {}, /--word: holds control characters/);
    await refused({ word: 'x'.repeat(201) }, {}, /--word: 201 characters/);
    await refused({ word: 'x' }, { baseUrl: 'file:///etc/' }, /--base-url: file: is not http: or https:/);
    await refused({ word: 'x' }, { baseUrl: `${server.baseUrl}?accessKey=1` }, /--base-url: give the address without a query/);
    await refused({ word: 'x' }, { key: 'two words' }, /access key is empty or holds spaces/);
    assert.equal(server.requests.length, 0);
  });
});
