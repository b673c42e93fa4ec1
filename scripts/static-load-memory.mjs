#!/usr/bin/env node
// Peak memory of loading a big static model: writes a model2vec folder whose model.safetensors holds
// a random [rows, dim] matrix (F16 by default, about --mb megabytes), then loads it with the built
// embedder (dist/, so run `npm run build` first) in a fresh `node --expose-gc` process and prints
// JSON: file size, table size, peak RSS of the loading process and how far it rose over the start.
//   node scripts/static-load-memory.mjs --mb 400 --dtype F16 [--dir /tmp/big-model] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;

if (process.argv[2] === '--child') {
  const { loadStaticEmbedder } = await import(join(root, 'dist/embed/static/index.js'));
  globalThis.gc();
  const before = process.memoryUsage();
  const embedder = await loadStaticEmbedder(process.argv[3], { threads: 1 });
  const [vector] = await embedder.embed(['a b c'], { kind: 'query' });
  globalThis.gc();
  const after = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({
      rssBeforeBytes: before.rss,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      rssAfterBytes: after.rss,
      arrayBuffersAfterBytes: after.arrayBuffers,
      dimension: vector.length,
    }),
  );
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '400' },
    dim: { type: 'string', default: '256' },
    dtype: { type: 'string', default: 'F16' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const bytesPer = { F32: 4, F16: 2, BF16: 2 }[values.dtype];
if (!bytesPer) throw new Error(`--dtype ${values.dtype}: F32, F16 or BF16`);
const dim = Number(values.dim);
const rows = Math.floor((Number(values.mb) * 2 ** 20) / (dim * bytesPer));
const dir = values.dir ?? join(tmpdir(), `patmatch-load-memory-${process.pid}`);
await mkdir(dir, { recursive: true });

// A tiny WordPiece tokenizer: its ids are a prefix of the rows, which the loader allows.
const vocab = ['[PAD]', '[UNK]', 'a', 'b', 'c'];
await writeFile(
  join(dir, 'tokenizer.json'),
  JSON.stringify({
    version: '1.0',
    added_tokens: [],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  }),
);
await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'model2vec', normalize: true, hidden_dim: dim }));

let header = JSON.stringify({ embeddings: { dtype: values.dtype, shape: [rows, dim], data_offsets: [0, rows * dim * bytesPer] } });
header += ' '.repeat((8 - (header.length % 8)) % 8);
const file = await open(join(dir, 'model.safetensors'), 'w');
const length = Buffer.alloc(8);
length.writeBigUInt64LE(BigInt(header.length));
await file.write(length);
await file.write(header);
// Random values in [-1, 1): F16 and BF16 bit patterns built from a float32.
const chunkValues = 1 << 22;
const floats = new Float32Array(chunkValues);
const bits = new Uint32Array(floats.buffer);
let seed = 1;
for (let written = 0; written < rows * dim; written += chunkValues) {
  const count = Math.min(chunkValues, rows * dim - written);
  for (let i = 0; i < count; i++) floats[i] = ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 30) - 1;
  const out = Buffer.alloc(count * bytesPer);
  for (let i = 0; i < count; i++) {
    if (bytesPer === 4) out.writeFloatLE(floats[i], i * 4);
    else if (values.dtype === 'BF16') out.writeUInt16LE(bits[i] >>> 16, i * 2);
    else out.writeUInt16LE(toHalf(floats[i]), i * 2);
  }
  await file.write(out);
}
await file.close();

const child = spawnSync(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname, '--child', dir], { encoding: 'utf8' });
if (child.status !== 0) throw new Error(`loading failed: ${child.stderr}`);
const measured = JSON.parse(child.stdout);
const fileBytes = 8 + header.length + rows * dim * bytesPer;
const tableBytes = rows * dim * 4;
const mib = (bytes) => Math.round(bytes / 2 ** 20);
process.stdout.write(
  `${JSON.stringify({
    dtype: values.dtype,
    rows,
    dim,
    fileMiB: mib(fileBytes),
    tableMiB: mib(tableBytes),
    peakRssMiB: mib(measured.peakRssBytes),
    loadRiseMiB: mib(measured.peakRssBytes - measured.rssBeforeBytes),
    loadRiseOverTable: Number(((measured.peakRssBytes - measured.rssBeforeBytes) / tableBytes).toFixed(2)),
    rssAfterMiB: mib(measured.rssAfterBytes),
    arrayBuffersAfterMiB: mib(measured.arrayBuffersAfterBytes),
  })}\n`,
);
if (!values.keep && !values.dir) await rm(dir, { recursive: true, force: true });

/** float32 → float16 bits (values here are in [-1, 1), so no overflow; truncating is fine for a benchmark). */
function toHalf(value) {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 112;
  if (exponent <= 0) return sign;
  return sign | (exponent << 10) | ((x >>> 13) & 0x3ff);
}
