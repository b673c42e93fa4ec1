import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTempDir } from '../../index/test-support.js';
import { encodeSafetensors, SafetensorsFile, type SafetensorsTensor, tensorToFloat32, tensorToInt32 } from './safetensors.js';

/** Every tensor of the file `bytes`, written as `<temp dir>/<name>` and read back through SafetensorsFile. */
async function parseSafetensors(bytes: Uint8Array, name: string): Promise<Map<string, SafetensorsTensor>> {
  const tensors = new Map<string, SafetensorsTensor>();
  await withTempDir(async (dir) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    const file = await SafetensorsFile.open(path);
    try {
      for (const tensor of file.tensors.keys()) tensors.set(tensor, await file.read(tensor));
    } finally {
      await file.close();
    }
  });
  return tensors;
}

test('round trip of F32, F16 and I64 tensors', async () => {
  const floats = Float32Array.of(0, 1, -2.5, 0.125, 65504, 1e-7, 1 / 3);
  const file = encodeSafetensors({
    a: { dtype: 'F32', shape: [7], values: floats },
    b: { dtype: 'F16', shape: [7], values: floats },
    c: { dtype: 'I64', shape: [2, 2], values: Int32Array.of(0, -1, 7, 2_000_000_000) },
  });
  const headerLength = Number(new DataView(file.buffer).getBigUint64(0, true));
  assert.equal(headerLength % 8, 0);
  const tensors = await parseSafetensors(file, 'test');
  assert.deepEqual(tensorToFloat32(tensors.get('a')!), floats);
  // float16 keeps 11 significant bits: exact for the first five, nearest half for the others
  assert.deepEqual([...tensorToFloat32(tensors.get('b')!)].slice(0, 5), [0, 1, -2.5, 0.125, 65504]);
  assert.ok(Math.abs(tensorToFloat32(tensors.get('b')!)[6]! - 1 / 3) < 1e-3);
  assert.ok(Math.abs(tensorToFloat32(tensors.get('b')!)[5]! - 1e-7) < 6e-8);
  assert.deepEqual([...tensorToInt32(tensors.get('c')!)], [0, -1, 7, 2_000_000_000]);
  assert.deepEqual(tensors.get('c')!.shape, [2, 2]);
});

test('BF16 values are the high half of float32', async () => {
  const header = new TextEncoder().encode(JSON.stringify({ x: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }));
  const file = new Uint8Array(8 + header.length + 4);
  new DataView(file.buffer).setBigUint64(0, BigInt(header.length), true);
  file.set(header, 8);
  file.set([0x80, 0x3f, 0x20, 0xc0], 8 + header.length); // 1.0, -2.5
  assert.deepEqual([...tensorToFloat32((await parseSafetensors(file, 'bf16')).get('x')!)], [1, -2.5]);
});

test('truncated or lying files are rejected with the reason', async () => {
  const file = encodeSafetensors({ m: { dtype: 'F32', shape: [2, 2], values: Float32Array.of(1, 2, 3, 4) } });
  await assert.rejects(parseSafetensors(file.subarray(0, 4), 'm.safetensors'), /m\.safetensors: not a valid safetensors file \(shorter/);
  await assert.rejects(parseSafetensors(file.subarray(0, file.length - 1), 'm.safetensors'), /tensor m: data_offsets 0\.\.16 outside/);
  const huge = file.slice();
  new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
  await assert.rejects(parseSafetensors(huge, 'm.safetensors'), /header length/);
  const lying = (entry: unknown) => {
    const header = new TextEncoder().encode(JSON.stringify({ m: entry }));
    const out = new Uint8Array(8 + header.length + 16);
    new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
    out.set(header, 8);
    return out;
  };
  await assert.rejects(parseSafetensors(lying({ dtype: 'F32', shape: [3, 2], data_offsets: [0, 16] }), 'x'), /do not hold shape \[3, 2\]/);
  await assert.rejects(parseSafetensors(lying({ dtype: 'Q4', shape: [1], data_offsets: [0, 1] }), 'x'), /unsupported dtype Q4/);
  await assert.rejects(parseSafetensors(lying({ dtype: 'F32', shape: [-1], data_offsets: [0, 4] }), 'x'), /bad shape/);
  await assert.rejects(parseSafetensors(lying([1, 2]), 'x'), /unsupported dtype/);
});

test('SafetensorsFile reads the header only, then converts a tensor chunk by chunk to the same values as in memory', async () => {
  await withTempDir(async (dir) => {
    // 4.5M F16 values (9 MB) cross the 8 MiB read chunk; `odd` starts the F32 tensor 6 bytes into the data.
    const big = Float32Array.from({ length: 4_500_001 }, (_, i) => ((i % 2001) - 1000) / 64);
    const file = encodeSafetensors({
      odd: { dtype: 'F16', shape: [3], values: Float32Array.of(1, 2, 3) },
      f32: { dtype: 'F32', shape: [2, 3], values: Float32Array.of(0.1, -2, 3.5, 1e-30, 65504, -0) },
      bf16: { dtype: 'BF16', shape: [4], values: Float32Array.of(1, -2.5, 0.1, 3e38) },
      big: { dtype: 'F16', shape: [big.length], values: big },
    });
    const path = join(dir, 'm.safetensors');
    await writeFile(path, file);
    const inMemory = await parseSafetensors(file, 'm.safetensors');
    const opened = await SafetensorsFile.open(path);
    try {
      assert.deepEqual([...opened.tensors.keys()], ['odd', 'f32', 'bf16', 'big']);
      for (const name of ['odd', 'f32', 'bf16', 'big']) {
        const out = new Float32Array(new SharedArrayBuffer(inMemory.get(name)!.bytes.byteLength * (name === 'f32' ? 1 : 2)));
        await opened.readFloat32Into(name, out);
        assert.deepEqual(out, Float32Array.from(tensorToFloat32(inMemory.get(name)!)), name);
      }
      assert.deepEqual(tensorToFloat32(await opened.read('f32')), Float32Array.of(0.1, -2, 3.5, 1e-30, 65504, -0));
      assert.deepEqual([...tensorToFloat32(inMemory.get('bf16')!)].slice(0, 2), [1, -2.5], 'BF16 round trip of exact values');
      assert.ok(Math.abs(tensorToFloat32(inMemory.get('bf16')!)[2]! - 0.1) < 1e-3);
      assert.deepEqual(tensorToFloat32(inMemory.get('big')!), big, 'multiples of 1/64 up to 16 are exact in F16');
      await assert.rejects(opened.readFloat32Into('f32', new Float32Array(5)), /m\.safetensors: tensor f32 has 6 values, not 5/);
      await assert.rejects(opened.read('absent'), /m\.safetensors: no tensor absent/);
    } finally {
      await opened.close();
    }
    await writeFile(path, file.subarray(0, file.length - 1));
    await assert.rejects(SafetensorsFile.open(path), /m\.safetensors: not a valid safetensors file \(tensor big: data_offsets .* outside/);
  });
});
