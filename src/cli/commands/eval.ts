import type { Command } from 'commander';
import { resolve } from 'node:path';
import { evaluateHomeRetrieval, evaluateStsFile, RETRIEVAL_MODES, type RetrievalReport } from '../../eval/index.js';
import { resolveHome } from '../context.js';
import { parseInRange, rangeHelp, SEARCH_RANGES, SEED_RANGE, type IntegerRange } from '../options.js';
import { startProgress } from '../progress.js';

interface ModelFlags {
  embedder?: string;
  model?: string;
}

/** Limits of the numeric flags of `eval retrieval`. */
export const RETRIEVAL_EVAL_LIMITS = {
  // Per task, and each query is searched in every mode; 10,000 is far more than a stable figure needs.
  queries: { min: 1, max: 10_000 },
  seed: SEED_RANGE,
  k: SEARCH_RANGES.k,
} as const satisfies Record<string, IntegerRange>;

/** `patmatch eval sts <file>` and `patmatch eval retrieval`. */
export function register(program: Command): void {
  const evalCommand = program.command('eval').description('Measure embedding and search quality');
  const limits = RETRIEVAL_EVAL_LIMITS;

  withModelFlags(
    evalCommand
      .command('sts')
      .description('Spearman/Pearson of cosine vs gold similarity (KorSTS TSV or KLUE-STS JSON)')
      .argument('<file>', 'e.g. ../shared/data/korsts/sts-dev.tsv'),
  ).action(async (file: string, flags: ModelFlags, command: Command) => {
    const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
    const report = await evaluateStsFile(resolve(file), { home: resolveHome(globals.home), ...flags });
    process.stdout.write(
      globals.json
        ? `${JSON.stringify(report)}\n`
        : `${report.n} pairs: Spearman ${report.spearman.toFixed(4)}, Pearson ${report.pearson.toFixed(4)}\n`,
    );
  });

  withModelFlags(
    evalCommand
      .command('retrieval')
      .description('nDCG@10 (same IPC main group), cross-lingual and typo Recall@10 of each search mode over the ingested corpus'),
  )
    .option('--source <path>', 'draw queries only from patents ingested from this file or folder')
    .option('--ipc-sections <letters>', 'draw queries only from patents whose first IPC code is in these sections (GH: G and H)')
    .option('--queries <n>', rangeHelp('queries per task (sampled with --seed)', limits.queries), '300')
    .option('--seed <n>', rangeHelp('random seed of query sampling and typos', limits.seed), '42')
    .option('--k <n>', rangeHelp('stage-1 candidates', limits.k), '1000')
    .action(async (flags: ModelFlags & { source?: string; ipcSections?: string; queries?: string; seed?: string; k?: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const maxQueries = parseInRange('--queries', flags.queries, limits.queries);
      const seed = parseInRange('--seed', flags.seed, limits.seed);
      const k = parseInRange('--k', flags.k, limits.k);
      const bar = startProgress('evaluating', 1);
      const report = await evaluateHomeRetrieval(resolveHome(globals.home), {
        embedder: flags.embedder,
        model: flags.model,
        source: flags.source,
        ipcSections: flags.ipcSections,
        maxQueries,
        seed,
        k,
        onProgress: (done, total) => {
          bar.setTotal(total);
          bar.update(done);
        },
      });
      bar.stop();
      process.stdout.write(globals.json ? `${JSON.stringify(report)}\n` : formatRetrieval(report));
    });
}

function withModelFlags(command: Command): Command {
  return command
    .option('--embedder <spec>', 'embedder to evaluate: static:<folder> or onnx:<folder-or-hub-id>')
    .option('--model <dir>', 'static model folder to evaluate (default: <home>/models/default)');
}

function formatRetrieval(report: RetrievalReport): string {
  const f = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(4));
  const lines = [`corpus ${report.n.corpus} patents; queries: topical ${report.n.topical}, cross-lingual ${report.n.crossLingual}, typos ${report.n.typos}`];
  lines.push('mode      topical nDCG@10   typo R@10 (clean)   cross-lingual R@10 / MRR@10');
  for (const mode of RETRIEVAL_MODES) {
    const topical = report.topical[mode];
    if (!topical) continue;
    const typos = report.typos[mode];
    const cross = report.crossLingual[mode];
    lines.push(
      `${mode.padEnd(9)} ${f(topical['ndcg@10']).padStart(15)}   ${f(typos?.['recall@10'])} (${f(typos?.['cleanRecall@10'])})   ${cross ? `${f(cross['recall@10'])} / ${f(cross['mrr@10'])}` : ''}${mode === report.default ? '   (default)' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
