import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPublicUrl, parseReloadInterval } from './serve.js';

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
