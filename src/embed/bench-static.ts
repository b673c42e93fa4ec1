/**
 * Throughput of static embedding on the real patent titles: builds a random static model (WordPiece
 * vocabulary learned from the titles and abstracts, random matrix) and embeds every title of
 * `kipris/inu-patents.csv` `repeat` times.
 *
 *   node --import tsx src/embed/bench-static.ts [--repeat 20] [--dim 256] [--vocab 50000]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { sharedDataDir } from '../cli/context.js';
import { loadStaticEmbedder } from './static/index.js';
import { SPECIAL_TOKENS, writeTinyStaticModel } from './test-support/index.js';

/** Options of {@link benchmarkStaticEmbedding}. */
export interface StaticBenchmarkOptions {
  repeat: number;
  dimension: number;
  vocabSize: number;
}

/** What {@link benchmarkStaticEmbedding} measured. */
export interface StaticBenchmarkResult {
  texts: number;
  seconds: number;
  textsPerSecond: number;
  /** CPU time of the embedding thread: the figure that holds on a busy machine. */
  cpuSeconds: number;
  textsPerCpuSecond: number;
  meanTokens: number;
}

/**
 * Embeds all titles `repeat` times with a random static model and reports texts per second.
 *
 * @example
 * const { textsPerSecond } = await benchmarkStaticEmbedding({ repeat: 20, dimension: 256, vocabSize: 50_000 });
 */
export async function benchmarkStaticEmbedding(options: StaticBenchmarkOptions): Promise<StaticBenchmarkResult> {
  const records = parse(await readFile(join(sharedDataDir(), 'kipris', 'inu-patents.csv')), {
    bom: true,
    relax_column_count: true,
    from_line: 2,
  }) as string[][];
  const titles = records.map((record) => record[0] ?? '');
  const vocab = wordPieceVocabulary(records.map((record) => `${record[0]} ${record[11]}`), options.vocabSize);
  const dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
  try {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const rows = vocab.map(() => Array.from({ length: options.dimension }, random));
    await writeTinyStaticModel(dir, { layout: 'model2vec', dtype: 'F32', vocab, rows });
    const embedder = await loadStaticEmbedder(dir);
    const texts = Array.from({ length: options.repeat }, () => titles).flat();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    await embedder.embed(texts, { kind: 'passage' });
    const cpu = process.cpuUsage(cpuStarted);
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const tokenizer = (await import('./static/hf-tokenizer.js')).loadHfTokenEncoder;
    const encoder = await tokenizer(dir, { dropUnknown: true, maxTokens: 512, wordCache: true });
    const meanTokens = titles.reduce((sum, title) => sum + encoder.encode(title).length, 0) / titles.length;
    return { texts: texts.length, seconds, textsPerSecond: texts.length / seconds, cpuSeconds, textsPerCpuSecond: texts.length / cpuSeconds, meanTokens };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Specials, every character (as word start and `##` continuation), then the most frequent words. */
function wordPieceVocabulary(texts: readonly string[], size: number): string[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of text.toLowerCase().split(/[\s\p{P}]+/u)) if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const vocab = new Set<string>(SPECIAL_TOKENS);
  for (const word of counts.keys()) for (const char of word) vocab.add(char).add(`##${char}`);
  for (const [word] of [...counts].sort((a, b) => b[1] - a[1])) {
    if (vocab.size >= size) break;
    vocab.add(word);
  }
  for (let filler = 0; vocab.size < size; filler++) vocab.add(`unused${filler}`);
  return [...vocab].slice(0, size);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { repeat: { type: 'string', default: '20' }, dim: { type: 'string', default: '256' }, vocab: { type: 'string', default: '50000' } },
  });
  const result = await benchmarkStaticEmbedding({ repeat: Number(values.repeat), dimension: Number(values.dim), vocabSize: Number(values.vocab) });
  console.log(
    `static embedding: ${result.texts} titles in ${result.seconds.toFixed(2)} s = ${Math.round(result.textsPerSecond)} titles/s ` +
      `(CPU ${result.cpuSeconds.toFixed(2)} s = ${Math.round(result.textsPerCpuSecond)} titles per CPU-second) ` +
      `(dim ${values.dim}, vocab ${values.vocab}, ${result.meanTokens.toFixed(1)} tokens/title)`,
  );
}
