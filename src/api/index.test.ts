import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { logRecords, runCli, spawnServingCli } from '../cli/spawn.js';
import { PatmatchError } from '../domain/errors.js';
import { DEFAULT_SEARCH_MODE, openSearchEngine, type SearchEngine } from '../search/index.js';
import { openStore, type PatentStore } from '../store/index.js';
import { buildServer, type ApiSearchResult, type ServerOptions } from './index.js';
import { HOSTILE_PATENT, buildTestHome, type TestHome } from './test-support/home.js';

let testHome: TestHome;
let engine: SearchEngine;
let store: PatentStore;
const running: FastifyInstance[] = [];

/** Starts a real server on a free loopback port and returns its base URL. */
async function serve(options: Partial<ServerOptions> = {}): Promise<string> {
  const app = await buildServer({ engine, store, logger: false, rateLimit: false, webRoot: null, ...options });
  running.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

/** Writes raw bytes to the server and returns everything it answers before closing. */
function sendRaw(base: string, request: Buffer): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

async function getJson(url: string): Promise<{ status: number; type: string; body: any }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() };
}

before(async () => {
  testHome = await buildTestHome();
  engine = await openSearchEngine(testHome.home);
  store = openStore(testHome.home);
});

after(async () => {
  for (const app of running) await app.close();
  await engine.close();
  store.close();
  await testHome.cleanup();
});

describe('GET /api/search', () => {
  let base: string;
  before(async () => {
    base = await serve();
  });

  test('answers hits with evaluations, KIPRIS links and paging totals', async () => {
    const { status, body } = await getJson(`${base}/api/search?q=${encodeURIComponent('유산균 발효 제조방법')}&top=5`);
    assert.equal(status, 200);
    const result = body as ApiSearchResult;
    assert.equal(result.top, 5);
    assert.equal(result.page, 1);
    assert.ok(result.hits.length > 0 && result.hits.length <= 5);
    assert.equal(result.pages, Math.ceil(result.total / 5));
    assert.deepEqual(
      result.hits.map((hit) => hit.rank),
      result.hits.map((_, i) => i + 1),
    );
    for (const hit of result.hits) {
      assert.equal(hit.evaluation !== null, testHome.evaluated.has(hit.applicationNumber), hit.applicationNumber);
      assert.ok(hit.kiprisUrl.endsWith(hit.applicationNumber));
      if (hit.evaluation) assert.equal(hit.evaluation.source, 'synthetic-sample');
      assert.ok(hit.explanation.sentences.length > 0, 'the serializer keeps the explanation');
      for (const sentence of hit.explanation.sentences) assert.equal(hit.abstract.slice(sentence.start, sentence.end), sentence.text);
      for (const term of hit.explanation.terms) assert.ok(['title', 'abstract'].includes(term.field) && term.end > term.start);
    }
    assert.ok(result.hits.some((hit) => hit.title.includes('유산균')));
    assert.ok(result.hits.some((hit) => hit.explanation.terms.some((t) => hit[t.field].slice(t.start, t.end) === '유산균')));
  });

  test('passes on the translations keyword search added to the query', async () => {
    const translations = [{ english: 'probiotics', korean: '유산균' }];
    const translating: SearchEngine = {
      model: engine.model,
      lexicon: engine.lexicon,
      search: async (query, options) => ({ ...(await engine.search(query, options)), translations }),
      similar: (number, options) => engine.similar(number, options),
      scorePatents: (queries, numbers) => engine.scorePatents(queries, numbers),
      explainPatents: (query, numbers) => engine.explainPatents(query, numbers),
      close: async () => {},
    };
    const { body } = await getJson(`${await serve({ engine: translating })}/api/search?q=probiotics`);
    assert.deepEqual((body as ApiSearchResult).translations, translations);
  });

  test('a search without a mode is left to the engine, whose default is DEFAULT_SEARCH_MODE', async () => {
    const asked: (string | undefined)[] = [];
    const recording: SearchEngine = {
      model: engine.model,
      lexicon: engine.lexicon,
      search: async (query, options) => {
        asked.push(options?.mode);
        return engine.search(query, options);
      },
      similar: (number, options) => engine.similar(number, options),
      scorePatents: (queries, numbers) => engine.scorePatents(queries, numbers),
      explainPatents: (query, numbers) => engine.explainPatents(query, numbers),
      close: async () => {},
    };
    const recorded = await serve({ engine: recording });
    const { body } = await getJson(`${recorded}/api/search?q=${encodeURIComponent('연삭 장치')}`);
    await getJson(`${recorded}/api/search?q=${encodeURIComponent('연삭 장치')}&mode=dense`);
    assert.deepEqual(asked, [undefined, 'dense']);
    assert.equal((body as ApiSearchResult).mode, engine.model ? DEFAULT_SEARCH_MODE : 'lexical');
  });

  test('pages continue the ranking', async () => {
    const q = encodeURIComponent('연삭 장치');
    const first = (await getJson(`${base}/api/search?q=${q}&top=10&page=1`)).body as ApiSearchResult;
    const second = (await getJson(`${base}/api/search?q=${q}&top=10&page=2`)).body as ApiSearchResult;
    assert.ok(first.total > 10, 'the query has more than one page');
    assert.equal(second.hits[0]?.rank, 11);
    const firstNumbers = new Set(first.hits.map((hit) => hit.applicationNumber));
    assert.ok(second.hits.every((hit) => !firstNumbers.has(hit.applicationNumber)));
  });

  test('applies the IPC filter', async () => {
    const { body } = await getJson(`${base}/api/search?q=${encodeURIComponent('연삭 장치')}&ipc=B24B&top=20`);
    const result = body as ApiSearchResult;
    assert.ok(result.hits.length > 0);
    for (const hit of result.hits) assert.ok(hit.ipc.some((code) => code.startsWith('B24B')), hit.ipc.join());
  });

  const invalid: Array<[name: string, query: string, field: string]> = [
    ['missing q', 'top=5', 'q'],
    ['blank q', 'q=%20%20%20', 'q'],
    ['too long q', `q=${'가'.repeat(1001)}`, 'q'],
    ['control characters', 'q=%E2%80%8B%00abc', 'q'],
    ['top over 100', 'q=abc&top=101', 'top'],
    ['top not a number', 'q=abc&top=ten', 'top'],
    ['top in hexadecimal', 'q=abc&top=0x10', 'top'],
    ['page in exponent form', 'q=abc&page=1e1', 'page'],
    ['page 0', 'q=abc&page=0', 'page'],
    ['unknown mode', 'q=abc&mode=magic', 'mode'],
    ['malformed IPC', 'q=abc&ipc=%3Cscript%3E', 'ipc'],
    ['malformed date', 'q=abc&from=2020-13-45', 'from'],
    ['dates in the wrong order', 'q=abc&from=2020-01-02&to=2019-01-01', 'from'],
    ['a day that does not exist', 'q=abc&to=2020-02-30', 'to'],
    ['an unknown parameter (a misspelt filter is not silently dropped)', 'q=abc&appliant=x', 'appliant: is not a known parameter'],
  ];
  for (const [name, query, field] of invalid) {
    test(`400 problem for ${name}`, async () => {
      const { status, type, body } = await getJson(`${base}/api/search?${query}`);
      assert.equal(status, 400);
      assert.match(type, /^application\/problem\+json/);
      assert.equal(body.status, 400);
      assert.equal(body.code, 'invalid_input');
      assert.match(body.detail, new RegExp(`querystring\\.${field}`));
    });
  }
});

describe('patents, classes, export, OpenAPI', () => {
  let base: string;
  before(async () => {
    base = await serve({ kiprisUrlTemplate: 'https://kipris.example/detail?no={applicationNumber}' });
  });

  test('GET /api/patents/{applicationNumber} returns the stored record with its evaluation', async () => {
    const [number] = [...testHome.evaluated];
    const { status, body } = await getJson(`${base}/api/patents/${number}`);
    assert.equal(status, 200);
    const stored = store.getByApplicationNumber(number!)!;
    assert.equal(body.title, stored.title);
    assert.deepEqual(body.ipc, stored.ipc);
    assert.equal(body.applicationDate, stored.applicationDate);
    assert.equal(body.evaluation.pqi, store.getEvaluations([number!]).get(number!)!.pqi);
    assert.equal(body.kiprisUrl, `https://kipris.example/detail?no=${number}`);
  });

  test('applicants and inventors are arrays in hits and records; applicant= matches a co-applicant', async () => {
    const { body } = await getJson(`${base}/api/patents/${HOSTILE_PATENT.applicationNumber}`);
    assert.deepEqual([body.applicants, body.inventors], [HOSTILE_PATENT.applicants, HOSTILE_PATENT.inventors]);
    const coApplicant = HOSTILE_PATENT.applicants[1]!;
    const search = await getJson(`${base}/api/search?${new URLSearchParams({ q: '그래핀 전극', applicant: coApplicant, mode: 'lexical' })}`);
    assert.deepEqual(
      search.body.hits.map((hit: { applicationNumber: string; applicants: string[] }) => [hit.applicationNumber, hit.applicants]),
      [[HOSTILE_PATENT.applicationNumber, HOSTILE_PATENT.applicants]],
    );
  });

  test('unknown and malformed application numbers are problems', async () => {
    const unknown = await getJson(`${base}/api/patents/1020000000000`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.type, /^application\/problem\+json/);
    assert.match(unknown.body.detail, /1020000000000/);
    const malformed = await getJson(`${base}/api/patents/abc`);
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.detail, /params\.applicationNumber/);
    const similarUnknown = await getJson(`${base}/api/patents/1020000000000/similar`);
    assert.equal(similarUnknown.status, 404);
  });

  test('GET /api/patents/{applicationNumber}/similar leaves the patent itself out', async () => {
    const { status, body } = await getJson(`${base}/api/patents/${HOSTILE_PATENT.applicationNumber}/similar?top=5`);
    assert.equal(status, 200);
    assert.ok(body.hits.length > 0);
    assert.ok(body.hits.every((hit: { applicationNumber: string }) => hit.applicationNumber !== HOSTILE_PATENT.applicationNumber));
    assert.ok((body as ApiSearchResult).hits.every((hit) => hit.explanation.terms.length > 0), 'the source patent\'s terms are found in the similar ones');
  });

  test('GET /api/classes/{tech6t}/distribution lists every evaluated patent of the class', async () => {
    const { status, body } = await getJson(`${base}/api/classes/IT/distribution`);
    assert.equal(status, 200);
    const expected = [...store.getEvaluations([...testHome.evaluated]).values()].filter((e) => e.tech6t === 'IT');
    assert.equal(body.count, expected.length);
    assert.ok(body.count > 0);
    assert.equal(body.pqi.length, expected.filter((e) => e.pqi !== null).length);
    assert.deepEqual(
      [...body.rights].sort((a: number, b: number) => a - b),
      expected.map((e) => e.rightsScore).filter((v) => v !== null).sort((a, b) => a! - b!),
    );
    assert.deepEqual(body.sources, ['synthetic-sample']);
    const bad = await getJson(`${base}/api/classes/XX/distribution`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /params\.tech6t/);
  });

  test('GET /api/export gives the results table as CSV with formulas escaped', async () => {
    const query = `q=${encodeURIComponent('연삭 장치')}&top=20`;
    const json = (await getJson(`${base}/api/search?${query}`)).body as ApiSearchResult;
    const response = await fetch(`${base}/api/export?${query}&format=csv`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    const rows = parse(await response.text(), { bom: true }) as string[][];
    assert.deepEqual(rows[0]?.slice(0, 8), ['순위', '출원번호', '특허명', '출원인', 'pqi지수', '권리성평가지수', '기술성평가지수', '상업성평가지수']);
    assert.equal(rows.length, json.hits.length + 1);
    assert.equal(rows[0]?.at(-1), '추천이유문장');
    assert.deepEqual(
      rows.slice(1).map((row) => row.at(-1)),
      json.hits.map((hit) => hit.explanation.sentences[0]?.text ?? ''),
    );
    assert.deepEqual(
      rows.slice(1).map((row) => row[1]),
      json.hits.map((hit) => hit.applicationNumber),
    );
    const xml = await fetch(`${base}/api/export?${query}&format=xml`);
    assert.equal(xml.status, 400);
  });

  test('GET /api/openapi.json documents the routes and schemas', async () => {
    const { status, body } = await getJson(`${base}/api/openapi.json`);
    assert.equal(status, 200);
    assert.match(body.openapi, /^3\./);
    for (const path of ['/api/search', '/api/export', '/api/health', '/api/patents/{applicationNumber}', '/api/classes/{tech6t}/distribution']) {
      assert.ok(body.paths[path], `${path} is documented`);
    }
    const parameters = body.paths['/api/search'].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(parameters.sort(), ['applicant', 'from', 'ipc', 'mode', 'page', 'q', 'status', 'to', 'top']);
    assert.ok(body.components.schemas.Hit);
    assert.deepEqual(body.components.schemas.Explanation.required, ['sentences', 'terms']);
    assert.deepEqual(body.components.schemas.Explanation.properties.terms.items.properties.field.enum, ['title', 'abstract']);
  });

  test('GET /api/health and unknown routes', async () => {
    const health = await getJson(`${base}/api/health`);
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    assert.equal(health.body.model, engine.model);
    const missing = await getJson(`${base}/api/nothing-here`);
    assert.equal(missing.status, 404);
    assert.match(missing.type, /^application\/problem\+json/);
  });
});

describe('limits and extension', () => {
  test('rate limiting answers 429 problems per client', async () => {
    const base = await serve({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}/api/health`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await getJson(`${base}/api/health`);
    assert.match(limited.type, /^application\/problem\+json/);
    assert.equal(limited.body.code, 'rate_limited');
  });

  test('behind a trusted proxy, the rate limit counts the client the proxy names; any other sender cannot choose its address', async () => {
    const statusesFor = async (base: string, client: string, count: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < count; i++) statuses.push((await fetch(`${base}/api/health`, { headers: { 'x-forwarded-for': client } })).status);
      return statuses;
    };
    const proxied = await serve({ rateLimit: { max: 2, timeWindowMs: 60_000 }, trustProxy: ['127.0.0.1'] });
    assert.deepEqual(await statusesFor(proxied, '203.0.113.1', 3), [200, 200, 429]);
    assert.deepEqual(await statusesFor(proxied, '203.0.113.2', 1), [200], 'another client behind the proxy has its own count');
    const direct = await serve({ rateLimit: { max: 2, timeWindowMs: 60_000 } });
    assert.deepEqual(await statusesFor(direct, '203.0.113.1', 2), [200, 200]);
    assert.deepEqual(await statusesFor(direct, '203.0.113.2', 1), [429], 'without --trust-proxy the header changes nothing');
  });

  test('requests that are not valid HTTP, or whose query string does not decode, get problem documents too', async () => {
    const base = await serve();
    const rawHangul = Buffer.concat([Buffer.from('GET /api/search?q='), Buffer.from('그래핀'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]);
    const [head, body] = (await sendRaw(base, rawHangul)).split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(head!, /content-type: application\/problem\+json/i);
    const problem = JSON.parse(body!);
    assert.deepEqual([problem.status, problem.code], [400, 'invalid_input']);
    assert.match(problem.detail, /must be percent-encoded/);
    const badEncoding = await getJson(`${base}/api/search?q=%ED%95`);
    assert.deepEqual([badEncoding.status, badEncoding.body.code], [400, 'invalid_input']);
    assert.match(badEncoding.body.detail, /not valid percent-encoded UTF-8/);
    assert.equal((await getJson(`${base}/api/search?q=${encodeURIComponent('100% 그래핀?')}`)).status, 200);
    const hugeHeader = Buffer.from(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const [bigHead, bigBody] = (await sendRaw(base, hugeHeader)).split('\r\n\r\n');
    assert.match(bigHead!, /^HTTP\/1\.1 431 /);
    assert.equal(JSON.parse(bigBody!).status, 431);
    assert.equal((await getJson(`${base}/api/health`)).status, 200, 'the server still answers');
  });

  test('plugins add routes that share the problem handling', async () => {
    const plugin: FastifyPluginAsync = async (app) => {
      app.get('/api/demo-extension', async () => {
        throw new PatmatchError('forbidden', 'not your demand');
      });
    };
    const base = await serve({ plugins: [plugin] });
    const { status, type, body } = await getJson(`${base}/api/demo-extension`);
    assert.equal(status, 403);
    assert.match(type, /^application\/problem\+json/);
    assert.equal(body.detail, 'not your demand');
  });

  test('the result cache answers a repeated search without searching again', async () => {
    let searches = 0;
    const counting: SearchEngine = {
      model: engine.model,
      lexicon: engine.lexicon,
      search: (query, options) => {
        searches++;
        return engine.search(query, options);
      },
      similar: (number, options) => engine.similar(number, options),
      scorePatents: (queries, numbers) => engine.scorePatents(queries, numbers),
      explainPatents: (query, numbers) => engine.explainPatents(query, numbers),
      close: async () => {},
    };
    const base = await serve({ engine: counting, searchCache: { max: 10, ttlMs: 60_000 } });
    const url = `${base}/api/search?q=${encodeURIComponent('연삭 장치')}`;
    const first = await getJson(url);
    const again = await getJson(url);
    assert.deepEqual(again.body, first.body);
    assert.equal(searches, 1);
    await getJson(`${url}&page=2`);
    assert.equal(searches, 2);
    const uncached = await serve({ engine: counting, searchCache: false });
    await getJson(`${uncached}/api/search?q=${encodeURIComponent('연삭 장치')}`);
    await getJson(`${uncached}/api/search?q=${encodeURIComponent('연삭 장치')}`);
    assert.equal(searches, 4);
  });

  test('a template without the placeholder is refused', async () => {
    await assert.rejects(buildServer({ engine, store, logger: false, kiprisUrlTemplate: 'https://kipris.example/' }), /placeholder/);
  });
});

describe('patmatch serve', () => {
  test('serves the home and exits cleanly on SIGTERM', async () => {
    const cli = await spawnServingCli(['--home', testHome.home, 'serve', '--port', '0', '--web-root', '/nonexistent']);
    const { url } = cli;
    const health = await getJson(`${url}/api/health`);
    assert.equal(health.status, 200);
    const dashboard = await getJson(`${url}/`);
    assert.equal(dashboard.status, 503);
    assert.match(dashboard.body.detail, /npm run build/);
    assert.equal(await cli.stop(), 0, cli.stderr());
    // Every line either stream carries is a JSON log line: requests on stdout, the rest on stderr.
    const requests = logRecords(cli.stdout());
    assert.ok(requests.some((line) => line.msg === 'shutting down'), cli.stdout());
    assert.ok(requests.some((line) => line.level === 'warn' && line.msg.startsWith('dashboard not built')), cli.stdout());
    // Without --smtp, the one other line is the warning that emails are only logged.
    const [warning, started, ...others] = logRecords(cli.stderr());
    assert.deepEqual(others, []);
    assert.equal(warning!.level, 'warn');
    assert.match(warning!.msg, /^emails are not sent/);
    assert.equal(started!.level, 'info');
    assert.equal(started!.msg, `serving ${testHome.home} at ${url}/ (Ctrl-C to stop)`);
    assert.deepEqual([started!.url, started!.port, started!.workers, started!.pid], [url, Number(new URL(url).port), 1, cli.pid]);
  });

  test('a serve that cannot start logs why as a JSON error line and exits 2', async () => {
    const first = await spawnServingCli(['--home', testHome.home, 'serve', '--port', '0', '--web-root', '/nonexistent']);
    try {
      const taken = new URL(first.url).port;
      const failed = await spawnServingCli(['--home', testHome.home, 'serve', '--port', taken]).then(
        () => assert.fail('a second serve on the same port started'),
        (error: Error) => error.message,
      );
      const [, code, stderr] = /exited with code (\d+) before serving: (.*)$/s.exec(failed)!;
      assert.equal(code, '2');
      const [line, ...rest] = logRecords(stderr!);
      assert.deepEqual(rest, []);
      assert.equal(line!.level, 'error');
      assert.equal(line!.code, 'invalid_input');
      assert.match(line!.msg, new RegExp(`^cannot serve: --port ${taken}: 127\\.0\\.0\\.1:${taken} is already in use`));
    } finally {
      assert.equal(await first.stop(), 0);
    }
  });

  test("serve's command-line errors (an unknown option, a bad value) are JSON error lines too", async () => {
    for (const [args, reason] of [
      [['--bogus'], /unknown option '--bogus'/],
      [['--port', 'x'], /--port/],
    ] as const) {
      const { code, stdout, stderr } = await runCli(['--home', testHome.home, 'serve', ...args]);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      const [line, ...rest] = logRecords(stderr);
      assert.deepEqual(rest, []);
      assert.equal(line!.level, 'error');
      assert.equal(line!.code, 'invalid_input');
      assert.match(line!.msg, reason);
    }
  });

  test('SIGTERM closes idle connections at once and lets a request in flight finish', async () => {
    const cli = await spawnServingCli(['--home', testHome.home, 'serve', '--port', '0', '--rate-limit', '0', '--web-root', '/nonexistent']);
    const { hostname, port } = new URL(cli.url);
    const open = async (): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> => {
      const socket = connect(Number(port), hostname);
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('error', () => {});
      const closed = once(socket, 'close').then(() => undefined);
      await once(socket, 'connect');
      return { socket, received: () => received, closed };
    };
    const waitFor = async (what: string, done: () => boolean): Promise<void> => {
      while (!done()) {
        assert.equal(cli.exited(), false, `serve exited while waiting for ${what}:\n${cli.stderr()}`);
        await sleep(20);
      }
    };
    const requestLogged = (url: string) => cli.stdout().includes(`"url":"${url}"`);
    // A connection that never sends a request (browsers open spare ones), and a kept-alive one
    // after its request; it is opened second, so its answer means the first was accepted too.
    const spare = await open();
    const keptAlive = await open();
    keptAlive.socket.write(`GET /api/health HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
    await waitFor('the health answer', () => keptAlive.received().includes('"status":"ok"'));
    // A login whose body is half sent: in flight until the test sends the rest.
    const body = JSON.stringify({ email: 'nobody@patmatch.example', password: 'not-the-password' });
    const slow = await open();
    slow.socket.write(
      `POST /api/auth/login HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await waitFor('the login request to arrive', () => requestLogged('/api/auth/login'));

    const stopped = cli.stop();
    // Without closing idle connections, the spare one held the server until its 10 s shutdown
    // timeout, which then exited with code 1 and cut the login off.
    await Promise.all([spare.closed, keptAlive.closed]);
    assert.equal(cli.exited(), false, 'serve waits for the login in flight');
    assert.equal(slow.received(), '', 'the login is not answered before its body is complete');
    slow.socket.write(body.slice(10));
    await slow.closed;
    assert.match(slow.received(), /^HTTP\/1\.1 401 /, 'the request in flight is answered');
    assert.equal(await stopped, 0, cli.stderr());
  });
});
