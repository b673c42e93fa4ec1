import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateClusteredVectors } from '../../bench/index/synthetic.js';
import { withTempDir } from '../test-support.js';
import { DiskVectorTable, VectorTable } from './index.js';

const dimension = 64;

function rows(count: number, stream = 0): Float32Array[] {
  const data = generateClusteredVectors({ count, dimension, clusters: 8, stream });
  return Array.from({ length: count }, (_, i) => data.subarray(i * dimension, (i + 1) * dimension));
}

describe('DiskVectorTable', () => {
  for (const precision of ['f32', 'i8'] as const) {
    test(`${precision}: answers exactly like the in-memory table it was saved from`, async () => {
      await withTempDir(async (dir) => {
        // 9,000 rows: more than one scan block, keys out of storage order, a deleted row.
        const memory = VectorTable.create({ dimension, precision });
        rows(9000).forEach((vector, i) => memory.set((i * 7919) % 100_003, vector));
        memory.delete(7919);
        const path = join(dir, 'a.vt');
        await memory.save(path);
        const disk = DiskVectorTable.open(path);
        try {
          assert.equal(disk.size, memory.size);
          const query = rows(1, 3)[0]!;
          const keys = memory.keys();
          const sample = [keys[5]!, 123_456, keys[4000]!, keys[4001]!, keys[8990]!, keys[5]!, 7919];
          assert.deepEqual(disk.dot(query, sample), memory.dot(query, sample));
          assert.deepEqual(disk.nearest(query, 50), memory.nearest(query, 50));
          const allowed = keys.filter((_, i) => i % 3 === 0 || (i > 6000 && i < 6100));
          assert.deepEqual(disk.nearest(query, 40, allowed), memory.nearest(query, 40, allowed));
          assert.ok(disk.residentBytes < memory.byteLength, 'rows stay on disk');
          // Rows copied into memory (the demand watch's candidates) score as the tables they came from.
          const picked = [keys[8990]!, 123_456, keys[3]!, keys[4500]!];
          const fromDisk = VectorTable.fromRows(disk, disk.rowsOf(picked));
          const fromMemory = memory.select(picked);
          assert.deepEqual(fromDisk.keys(), [keys[3]!, keys[4500]!, keys[8990]!], 'in row order, unknown keys left out');
          assert.deepEqual(fromMemory.keys(), [keys[8990]!, keys[3]!, keys[4500]!], 'in the order given');
          assert.deepEqual(fromDisk.scoreAll(query), disk.dot(query, fromDisk.keys()));
          assert.deepEqual(fromMemory.scoreAll(query), memory.dot(query, fromMemory.keys()));
        } finally {
          disk.close();
        }
      });
    });
  }

  test('refuses missing, foreign and truncated files', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 't.vt');
      const table = VectorTable.create({ dimension: 2, precision: 'i8' });
      table.set(1, Float32Array.of(1, 0));
      await table.save(path);
      const bytes = await readFile(path);
      await writeFile(path, bytes.subarray(0, bytes.length - 1));
      assert.throws(() => DiskVectorTable.open(path), /bytes, expected/);
      await writeFile(path, 'hello world, this is not a vector table');
      assert.throws(() => DiskVectorTable.open(path), /not a patmatch vector table/);
      assert.throws(() => DiskVectorTable.open(join(dir, 'none.vt')), { code: 'not_found' });
    });
  });
});
