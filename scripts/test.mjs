#!/usr/bin/env node
// Runs every `*.test.ts` under src/ with Node's test runner (Node 20 has no glob support in --test).
// Extra arguments filter test files by substring: `npm test -- ingest store`. A full run type-checks
// everything first (tests included, which the build leaves out, and the Svelte dashboard).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const runnerFlags = process.argv.slice(2).filter((arg) => arg.startsWith('-'));

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.test.ts')) yield path;
  }
}

const files = [...walk(join(root, 'src'))]
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files match ${filters.join(', ') || 'src/**/*.test.ts'}`);
  process.exit(1);
}
if (filters.length === 0) {
  const typecheck = spawnSync('npm', ['run', '--silent', 'typecheck'], { cwd: root, stdio: 'inherit' });
  if (typecheck.status !== 0) process.exit(typecheck.status ?? 1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...runnerFlags, ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
