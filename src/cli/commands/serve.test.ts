import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPublicUrl, checkServeFlags, parseReloadInterval, parseTrustProxy } from './serve.js';

test('--reload-interval is whole seconds from 0 (never) up to a day', () => {
  assert.equal(parseReloadInterval('5'), 5000);
  assert.equal(parseReloadInterval('0'), 0);
  assert.equal(parseReloadInterval('86400'), 86_400_000);
  // Longer than a timer can wait: Node would fire it after 1 ms, every millisecond.
  assert.throws(() => parseReloadInterval('3000000'), /--reload-interval: 3000000 must be at most 86400/);
  assert.throws(() => parseReloadInterval('-1'), /--reload-interval: -1 must be at least 0/);
  assert.throws(() => parseReloadInterval('soon'), /--reload-interval: "soon" is not a whole number/);
});

test('--public-url must be an http(s) URL, checked at start', () => {
  checkPublicUrl('https://patmatch.example.org/');
  checkPublicUrl('http://127.0.0.1:8080');
  assert.throws(() => checkPublicUrl('notaurl'), /--public-url: "notaurl" is not an http\(s\) URL/);
  assert.throws(() => checkPublicUrl('ftp://x.example'), /is not an http\(s\) URL/);
});

test('--trust-proxy takes addresses, CIDR ranges and the names proxy-addr knows, and nothing else', () => {
  assert.deepEqual(parseTrustProxy(undefined), []);
  assert.deepEqual(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback'), ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  for (const wrong of ['true', '*', '10.0.0.0/33', '::/129', '10.0.0.1/8/8', 'proxy.example', '']) {
    assert.throws(() => parseTrustProxy(wrong), new RegExp(`--trust-proxy: "${wrong.replace(/[.*/]/g, '\\$&')}" is not an IP address`), wrong);
  }
  assert.deepEqual(checkServeFlags({}, { PATMATCH_TRUST_PROXY: 'loopback' }).trustProxy, ['loopback']);
  assert.throws(() => checkServeFlags({ trustProxy: 'yes' }, {}), /--trust-proxy: "yes"/);
});
