import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrokenLinks, githubSlug, headingSlugs } from './test-support/doc-links.js';

const root = new URL('..', import.meta.url).pathname;
const README_MAX_LINES = 160;
/** Written by the browser tests' screenshot script, not by hand. */
const GENERATED = ['docs/images/dashboard.png'];

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), ...docs];
}

test('every relative link in README.md and docs/*.md resolves, anchors included', () => {
  const broken = findBrokenLinks(markdownFiles(), { root, generated: GENERATED });
  assert.deepEqual(
    broken.map((link) => `${link.file}:${link.line} ${link.target}: ${link.reason}`),
    [],
  );
});

test(`README.md has at most ${README_MAX_LINES} lines`, () => {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').trimEnd().split('\n').length;
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines; move detail into docs/`);
});

test('githubSlug makes the anchors GitHub makes', () => {
  assert.equal(githubSlug('Dependencies and why'), 'dependencies-and-why');
  assert.equal(githubSlug('특허 검색 (#/)'), '특허-검색-');
  assert.equal(githubSlug('2026-12-01 · English stopwords'), '2026-12-01--english-stopwords');
  assert.equal(githubSlug('EXACT_SCAN_LIMIT'), 'exact_scan_limit');
  assert.equal(githubSlug('<path> is not writable (…); use --home <dir>'), 'path-is-not-writable--use---home-dir');
});

test('repeated headings get -1, -2 …, and headings inside code blocks or shown as code are not headings', () => {
  const slugs = headingSlugs('# Setup\n## Setup\n### Setup\n```\n# Not a heading\n```\n## `eval sts`\n## **Bold** [link](x.md)\n');
  assert.deepEqual([...slugs], ['setup', 'setup-1', 'setup-2', 'eval-sts', 'bold-link']);
});

test('a missing file, a missing anchor, a generated file not there yet and an anchor into a non-Markdown file are reported; code and external links are not checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patmatch-doc-links-'));
  try {
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'a.md'), '# A\n\n## Known heading\n\ntext\n');
    writeFileSync(join(dir, 'data.json'), '{}');
    writeFileSync(
      join(dir, 'README.md'),
      [
        '[ok](docs/a.md) [ok anchor](docs/a.md#known-heading) [self](#readme)',
        '# README',
        '[gone](docs/missing.md) [bad anchor](docs/a.md#unknown)',
        '![shot](docs/images/shot.png) [json anchor](data.json#x)',
        '`[in code](nowhere.md)` [web](https://example.org/x.md)',
        '```',
        '[fenced](nowhere.md)',
        '```',
      ].join('\n'),
    );
    const broken = findBrokenLinks([join(dir, 'README.md')], { root: dir, generated: ['docs/images/shot.png'] });
    assert.deepEqual(
      broken.map((link) => `${link.line} ${link.target}: ${link.reason}`),
      [
        '3 docs/missing.md: no such file',
        '3 docs/a.md#unknown: no heading with anchor #unknown',
        '4 docs/images/shot.png: generated file not generated yet',
        '4 data.json#x: anchor into a file that is not Markdown',
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
