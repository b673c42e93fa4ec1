#!/usr/bin/env node
// Compiles src/index/kernel/dots.wat into src/index/kernel/dots.wasm.ts (the binary as base64), so
// the product needs no WebAssembly toolchain at run time. Run after editing the .wat:
//   npm run build:kernel
import { readFile, writeFile } from 'node:fs/promises';
import wabtInit from 'wabt';

/** The binary of the kernel source, as base64. */
export async function compileKernel(root = new URL('..', import.meta.url).pathname) {
  const wabt = await wabtInit();
  const source = await readFile(`${root}/src/index/kernel/dots.wat`, 'utf8');
  const module = wabt.parseWat('dots.wat', source, { simd: true });
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer).toString('base64');
  } finally {
    module.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('..', import.meta.url).pathname;
  const base64 = await compileKernel(root);
  await writeFile(
    `${root}/src/index/kernel/dots.wasm.ts`,
    `// Generated from dots.wat by scripts/build-kernel.mjs (npm run build:kernel); do not edit.\nexport const dotsWasmBase64 =\n  '${base64}';\n`,
  );
  console.log(`src/index/kernel/dots.wasm.ts: ${Buffer.from(base64, 'base64').length} bytes`);
}
