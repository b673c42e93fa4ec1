import type { Command } from 'commander';
import { PatmatchError } from '../../domain/errors.js';
import { loadEmbedder } from '../../embed/index.js';
import { homeEmbedder } from '../../index/build/index.js';
import { resolveHome } from '../../cli/context.js';
import { parseInRange, rangeHelp, type IntegerRange } from '../../cli/options.js';
import { openStore } from '../../store/index.js';

/** Options of `runEmbedBench`. */
export interface EmbedBenchOptions {
  /** Embedder spec; default: the one the home's vectors were built with, else its trained model. */
  embedder?: string;
  /** Which stored text to embed. */
  field: 'title' | 'abstract';
  /** Every stored text is embedded this many times per round. */
  repeat: number;
  /** Rounds with the same embedder; the first pays for starting workers and warming caches. */
  rounds: number;
}

const defaults: EmbedBenchOptions = { field: 'title', repeat: 20, rounds: 2 };

/** One round: wall time, and process CPU time (all threads), the figure that holds on a busy machine. */
export interface EmbedBenchRound {
  texts: number;
  seconds: number;
  cpuSeconds: number;
  textsPerSecond: number;
  textsPerCpuSecond: number;
}

/** What `patmatch bench embed --json` prints. */
export interface EmbedBenchReport {
  model: string;
  field: EmbedBenchOptions['field'];
  rounds: EmbedBenchRound[];
}

/**
 * Embedding throughput of a real model on the home's stored titles (or abstracts), as `index` and
 * `search` embed them.
 *
 * @example
 * const { rounds } = await runEmbedBench('.patmatch', { repeat: 20 });
 * rounds[1]!.textsPerSecond // warm titles/s
 */
export async function runEmbedBench(home: string, options: Partial<EmbedBenchOptions> = {}): Promise<EmbedBenchReport> {
  const settings = { ...defaults, ...options };
  const spec = settings.embedder ?? (await homeEmbedder(home));
  if (!spec) throw new PatmatchError('not_ready', `No model in ${home}: run \`patmatch train\` or pass --embedder`);
  const store = openStore(home);
  let texts: string[];
  try {
    texts = [...store.iterate()].flat().map((patent) => patent[settings.field]).filter((text) => text.length > 0);
  } finally {
    store.close();
  }
  if (texts.length === 0) throw new PatmatchError('not_ready', `No stored ${settings.field}s in ${home}: run \`patmatch ingest\` first`);
  const corpus = Array.from({ length: settings.repeat }, () => texts).flat();
  const embedder = await loadEmbedder(spec);
  try {
    const rounds: EmbedBenchRound[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      await embedder.embed(corpus, { kind: 'passage' });
      const cpu = process.cpuUsage(cpuStarted);
      const seconds = (performance.now() - started) / 1000;
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      rounds.push({
        texts: corpus.length,
        seconds,
        cpuSeconds,
        textsPerSecond: corpus.length / seconds,
        textsPerCpuSecond: corpus.length / cpuSeconds,
      });
    }
    return { model: embedder.id, field: settings.field, rounds };
  } finally {
    await embedder.close();
  }
}

/** Limits of `--repeat` and `--rounds`: a round holds texts × repeat vectors in memory (2,308 titles × 100 × 256 dims: 0.24 GB). */
export const EMBED_BENCH_LIMITS = {
  repeat: { min: 1, max: 100 },
  rounds: { min: 1, max: 100 },
} as const satisfies Record<string, IntegerRange>;

/**
 * Adds `patmatch bench embed` to the `bench` command.
 *
 * @example
 * registerEmbedBench(program.command('bench')); // patmatch bench embed --repeat 20 --json
 */
export function registerEmbedBench(bench: Command): void {
  bench
    .command('embed')
    .description('embedding throughput of a model on the stored titles (or abstracts)')
    .option('--embedder <spec>', 'static:<dir> or onnx:<dir> (default: the model of the index, else the trained one)')
    .option('--field <field>', 'title or abstract', defaults.field)
    .option('--repeat <n>', rangeHelp('times every text is embedded per round', EMBED_BENCH_LIMITS.repeat), String(defaults.repeat))
    .option('--rounds <n>', rangeHelp('rounds (the first one is cold)', EMBED_BENCH_LIMITS.rounds), String(defaults.rounds))
    .action(async (flags: { embedder?: string; field: string; repeat: string; rounds: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      if (flags.field !== 'title' && flags.field !== 'abstract') {
        throw new PatmatchError('invalid_input', `--field: "${flags.field}" is not title or abstract`);
      }
      const report = await runEmbedBench(resolveHome(globals.home), {
        embedder: flags.embedder,
        field: flags.field,
        repeat: parseInRange('--repeat', flags.repeat, EMBED_BENCH_LIMITS.repeat),
        rounds: parseInRange('--rounds', flags.rounds, EMBED_BENCH_LIMITS.rounds),
      });
      if (globals.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      const lines = report.rounds.map(
        (r, i) =>
          `round ${i + 1}: ${r.texts} ${report.field}s in ${r.seconds.toFixed(2)} s = ${Math.round(r.textsPerSecond)}/s ` +
          `(${Math.round(r.textsPerCpuSecond)} per CPU-second)`,
      );
      process.stdout.write(`${report.model}\n${lines.join('\n')}\n`);
    });
}
