import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { buildTestHome, type TestHome } from '../api/test-support/home.js';
import { logRecords, spawnServingCli } from '../cli/spawn.js';
import { openStore } from '../store/index.js';

let home: TestHome;
let patents: number;

before(async () => {
  home = await buildTestHome();
  const store = openStore(home.home);
  patents = store.count();
  store.close();
});

after(async () => {
  await home.cleanup();
});

type Sample = { labels?: Record<string, string>; value?: string };

/**
 * Scrapes `url` and parses the exposition with a Prometheus text-format parser, into the samples of
 * each series name. parse-prometheus-text-format merges the samples of a histogram with labels into
 * one (it only handles unlabelled ones), so histograms are read as what they are on the wire: the
 * untyped series `<name>_bucket`, `<name>_sum` and `<name>_count`.
 */
async function scrape(url: string): Promise<Map<string, Sample[]>> {
  const response = await fetch(url);
  assert.equal(response.status, 200, await response.clone().text());
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = (await response.text()).replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped');
  const series = new Map<string, Sample[]>();
  for (const family of parsePrometheusTextFormat(text)) series.set(family.name, [...(series.get(family.name) ?? []), ...(family.metrics as Sample[])]);
  return series;
}

/** Sum of the values of a series over the samples whose labels include `labels`. */
function total(series: Map<string, Sample[]>, name: string, labels: Record<string, string> = {}): number {
  const samples = series.get(name) ?? assert.fail(`no ${name} in the scrape`);
  return samples
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value))
    .reduce((sum, sample) => sum + Number(sample.value), 0);
}

/** Sends `count` searches, `parallel` at a time, each a different query; resolves with their statuses. */
async function load(url: string, count: number, parallel: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - sent) }, (_, i) =>
      fetch(`${url}/api/search?q=${encodeURIComponent(`이차전지 전극 ${sent + i}`)}`).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }),
    );
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}

test('a scrape of serve --workers 2 under load counts every request and search of both workers', async () => {
  const cli = await spawnServingCli(['--home', home.home, 'serve', '--port', '0', '--workers', '2', '--rate-limit', '0', '--no-search-cache', '--no-request-log', '--metrics']);
  try {
    const listening = () => cli.stderr().match(/"msg":"worker listening"/g)?.length ?? 0;
    for (let waited = 0; listening() < 2 && waited < 120_000; waited += 200) await sleep(200);
    assert.equal(listening(), 2, cli.stderr());
    const searches = 120;
    assert.deepEqual(await load(cli.url, searches, 8), new Array(searches).fill(200));
    const unknown = await Promise.all([1, 2, 3].map((n) => fetch(`${cli.url}/api/patents/102099000099${n}`).then((r) => r.status)));
    assert.deepEqual(unknown, [404, 404, 404]);

    const metrics = await scrape(`${cli.url}/metrics`);
    const search = { route: '/api/search', method: 'GET', status: '200' };
    assert.equal(total(metrics, 'patmatch_http_requests_total', search), searches);
    assert.equal(total(metrics, 'patmatch_http_request_duration_seconds_count', search), searches);
    assert.equal(total(metrics, 'patmatch_http_requests_total', { route: '/api/patents/:applicationNumber', status: '404' }), 3);
    // The test home has no model: every search runs lexically.
    assert.equal(total(metrics, 'patmatch_search_duration_seconds_count'), searches);
    assert.equal(total(metrics, 'patmatch_search_duration_seconds_count', { mode: 'lexical' }), searches);
    assert.equal(total(metrics, 'patmatch_patents'), patents, 'one worker’s count, not the sum of both');
    assert.equal(total(metrics, 'patmatch_index_info', { model: 'lexical' }), 1);
    assert.equal(total(metrics, 'patmatch_index_lag_revisions', { index: 'lexical' }), 0);
    assert.equal(total(metrics, 'patmatch_outbox_emails', { state: 'failed' }), 0);
    for (const name of ['nodejs_eventloop_lag_seconds', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'patmatch_search_duration_seconds_bucket']) assert.ok(metrics.has(name), name);

    const proxied = await fetch(`${cli.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(proxied.status, 403, 'a request through a proxy is not served');
    assert.match(((await proxied.json()) as { detail: string }).detail, /--metrics-public/);
  } finally {
    assert.equal(await cli.stop(), 0);
  }
});

test('--metrics-port serves /metrics on loopback apart from the API port, which has none', async () => {
  const cli = await spawnServingCli(['--home', home.home, 'serve', '--port', '0', '--metrics-port', '0', '--rate-limit', '0']);
  try {
    const started = logRecords(cli.stderr()).find((line) => line.msg.startsWith('serving '))!;
    const metricsUrl = String(started.metricsUrl);
    assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.equal((await fetch(`${cli.url}/metrics`)).status, 404, 'no /metrics on the API port without --metrics');
    assert.deepEqual(await load(cli.url, 5, 5), [200, 200, 200, 200, 200]);
    const metrics = await scrape(metricsUrl);
    assert.equal(total(metrics, 'patmatch_http_requests_total', { route: '/api/search' }), 5);
    assert.equal(total(metrics, 'patmatch_http_requests_total', { route: 'unmatched', status: '404' }), 1, 'the /metrics 404 on the API port');
  } finally {
    assert.equal(await cli.stop(), 0);
  }
});
