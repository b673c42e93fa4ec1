/**
 * Throughput of static embedding on the real patent titles: builds a random static model (WordPiece
 * vocabulary learned from the titles and abstracts, random matrix) and embeds every title of
 * `kipris/inu-patents.csv` `repeat` times, `rounds` times with the same embedder (the first round
 * pays for starting worker threads and filling the word cache).
 *
 *   node --import tsx src/embed/bench-static.ts [--repeat 20] [--rounds 2] [--dim 256] [--vocab 50000] [--threads 2]
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
  rounds: number;
  dimension: number;
  vocabSize: number;
  /** Worker threads (default: at most 2). */
  threads?: number;
}

/** One round: wall time, and CPU time of the process (all threads), the figure that holds on a busy machine. */
export interface StaticBenchmarkRound {
  texts: number;
  seconds: number;
  cpuSeconds: number;
  textsPerSecond: number;
  textsPerCpuSecond: number;
}

/**
 * Embeds all titles `repeat` times per round with a random static model.
 *
 * @example
 * const [cold, warm] = await benchmarkStaticEmbedding({ repeat: 20, rounds: 2, dimension: 256, vocabSize: 50_000 });
 */
export async function benchmarkStaticEmbedding(options: StaticBenchmarkOptions): Promise<StaticBenchmarkRound[]> {
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
    const embedder = await loadStaticEmbedder(dir, { threads: options.threads });
    const texts = Array.from({ length: options.repeat }, () => titles).flat();
    const rounds: StaticBenchmarkRound[] = [];
    try {
      for (let round = 0; round < options.rounds; round++) {
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        await embedder.embed(texts, { kind: 'passage' });
        const cpu = process.cpuUsage(cpuStarted);
        const seconds = (performance.now() - started) / 1000;
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        rounds.push({ texts: texts.length, seconds, cpuSeconds, textsPerSecond: texts.length / seconds, textsPerCpuSecond: texts.length / cpuSeconds });
      }
    } finally {
      await embedder.close();
    }
    return rounds;
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
    options: {
      repeat: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '2' },
      dim: { type: 'string', default: '256' },
      vocab: { type: 'string', default: '50000' },
      threads: { type: 'string' },
    },
  });
  const rounds = await benchmarkStaticEmbedding({
    repeat: Number(values.repeat),
    rounds: Number(values.rounds),
    dimension: Number(values.dim),
    vocabSize: Number(values.vocab),
    threads: values.threads === undefined ? undefined : Number(values.threads),
  });
  console.log(`static embedding, dim ${values.dim}, vocab ${values.vocab}, threads ${values.threads ?? 'default'}:`);
  rounds.forEach((round, i) =>
    console.log(
      `  round ${i + 1}: ${round.texts} titles in ${round.seconds.toFixed(2)} s = ${Math.round(round.textsPerSecond)} titles/s ` +
        `(process CPU ${round.cpuSeconds.toFixed(2)} s = ${Math.round(round.textsPerCpuSecond)} titles per CPU-second)`,
    ),
  );
}
