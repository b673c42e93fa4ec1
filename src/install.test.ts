import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = fileURLToPath(new URL('..', import.meta.url));
const readJson = async (name: string) => JSON.parse(await readFile(join(root, name), 'utf8')) as Record<string, unknown>;

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
}

/** The oldest release of each Node line that package.json's `engines` promises. */
function supportedNodeFloors(range: string): string[] {
  const floors = range.split('||').map((part) => semver.minVersion(part.trim())?.version);
  assert.ok(floors.length > 0 && floors.every((floor) => floor !== undefined), `engines.node "${range}" has a part without a lowest version`);
  return floors as string[];
}

/** npm skips (and does not check the engines of) packages built for another system or processor. */
const installedHere = (entry: LockedPackage) => admits(entry.os, process.platform) && admits(entry.cpu, process.arch);
const admits = (list: string[] | undefined, value: string) =>
  list === undefined || (list.some((item) => !item.startsWith('!')) ? list.includes(value) : !list.includes(`!${value}`));

const lockedPackages = async () => {
  const lock = (await readJson('package-lock.json')) as { packages: Record<string, LockedPackage> };
  return Object.entries(lock.packages).filter(([path]) => path !== '');
};

// `npm ci` warns EBADENGINE for every installed package whose engines leave out the running Node;
// a newcomer reads that as breakage. Every locked package must accept the oldest Node we promise.
test('every locked package accepts each Node version that package.json promises', async () => {
  const pkg = (await readJson('package.json')) as { engines: { node: string } };
  const floors = supportedNodeFloors(pkg.engines.node);
  assert.ok(floors.some((floor) => semver.major(floor) === 20) && floors.some((floor) => semver.major(floor) === 22), 'Node 20 and 22 are both promised');
  const refused = (await lockedPackages()).flatMap(([path, entry]) => {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (range === undefined || !installedHere(entry)) return [];
    return floors.filter((floor) => !semver.satisfies(floor, range)).map((floor) => `${path}@${entry.version} wants node ${range}, not ${floor}`);
  });
  assert.deepEqual(refused, []);
});

// npm ≥ 11.16 runs install scripts that `allowScripts` does not name, with a notice listing them;
// entries set to false are skipped silently (onnxruntime-node's would download GPU binaries).
test('every locked package with an install script has an allowScripts decision', async () => {
  const pkg = (await readJson('package.json')) as { allowScripts: Record<string, boolean> };
  const undecided = (await lockedPackages())
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .filter((name) => typeof pkg.allowScripts[name] !== 'boolean');
  assert.deepEqual(undecided, []);
  assert.equal(pkg.allowScripts['onnxruntime-node'], false, "onnxruntime-node's script downloads from outside the npm registry");
});
