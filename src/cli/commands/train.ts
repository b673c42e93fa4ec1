import type { Command } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SUBWORD_TOKENIZER_FILE } from '../../text/subword/index.js';
import { PatmatchError } from '../../domain/errors.js';
import { homeLayout, notWritableError, writeDenied } from '../../store/home.js';
import { createAnalyzer } from '../../text/index.js';
import { defaultTrainingSources, readTrainingData, type TrainingSources } from '../../train/datasets.js';
import { defaultTrainOptions, trainStaticModel } from '../../train/index.js';
import { writeStaticModel } from '../../train/model-files.js';
import { replaceDirAtomic } from '../../util/atomic.js';
import { resolveHome, sharedDataDir } from '../context.js';
import { parseDecimalInRange, parseInRange, rangeHelp, SEED_RANGE, type DecimalRange, type IntegerRange } from '../options.js';
import { startProgress } from '../progress.js';

interface TrainFlags {
  sts?: string | false;
  nli?: string[] | false;
  dev?: string | false;
  out?: string;
  epochs?: string;
  dim?: string;
  batchSize?: string;
  learningRate?: string;
  seed?: string;
  ipcPairs?: boolean;
  hardNegatives: boolean;
  phonetic?: boolean;
  englishLexicon: boolean;
}

/**
 * Limits of the numeric flags of `train`, within what `trainStaticModel` accepts. The table has up
 * to about 142,000 rows (60,000 words, 65,536 n-gram and 16,384 phonetic buckets) of `--dim`
 * floats, kept twice (weights and Adagrad sums): at 2048 that is 2.3 GB.
 */
export const TRAIN_LIMITS = {
  epochs: { min: 1, max: 1000 },
  dim: { min: 8, max: 2048 },
  // In-batch negatives need a second pair in the batch.
  batchSize: { min: 2, max: 4096 },
  learningRate: { above: 0, max: 10 },
  seed: SEED_RANGE,
} as const satisfies Record<string, IntegerRange | DecimalRange>;

/** `patmatch train`: trains the static embedding model into `<home>/models/default`. */
export function register(program: Command): void {
  const limits = TRAIN_LIMITS;
  program
    .command('train')
    .description('Train a static Korean sentence-embedding model on the ingested patents, KorSTS and KorNLI')
    .option('--sts <file>', 'STS training pairs, KorSTS TSV or KLUE-STS JSON (default: shared korsts/sts-train.tsv)')
    .option('--no-sts', 'train without STS pairs')
    .option('--nli <files...>', 'KorNLI/XNLI TSV files (default: shared kornli/xnli.dev.ko.tsv and xnli.test.ko.tsv)')
    .option('--no-nli', 'train without NLI triplets')
    .option('--dev <file>', 'STS pairs used only to pick the best epoch (default: shared korsts/sts-dev.tsv)')
    .option('--no-dev', 'keep the last epoch instead of the best on dev')
    .option('--out <dir>', 'model folder (default: <home>/models/default, used by index and search)')
    .option('--epochs <n>', rangeHelp('passes over the data', limits.epochs), String(defaultTrainOptions.epochs))
    .option('--dim <n>', rangeHelp('vector dimension', limits.dim), String(defaultTrainOptions.dim))
    .option('--batch-size <n>', rangeHelp('pairs per batch (in-batch negatives)', limits.batchSize), String(defaultTrainOptions.batchSize))
    .option('--learning-rate <x>', rangeHelp('Adagrad learning rate', limits.learningRate), String(defaultTrainOptions.learningRate))
    .option('--phonetic', 'add features shared by English words and their Korean transcriptions (sensor ~ 센서): better English queries, lower Korean STS')
    .option('--no-english-lexicon', 'keep the trained rows of English words instead of giving them the row of the Korean word they translate (mined from titles and glosses)')
    .option('--ipc-pairs', 'also pair titles with abstracts of other patents in the same IPC main group')
    .option('--no-hard-negatives', 'train title ↔ abstract pairs without BM25-mined hard negatives')
    .option('--seed <n>', rangeHelp('random seed (same seed and data → same model)', limits.seed), String(defaultTrainOptions.seed))
    .action(async (flags: TrainFlags, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const hyperparameters = {
        epochs: parseInRange('--epochs', flags.epochs, limits.epochs),
        dim: parseInRange('--dim', flags.dim, limits.dim),
        batchSize: parseInRange('--batch-size', flags.batchSize, limits.batchSize),
        learningRate: parseDecimalInRange('--learning-rate', flags.learningRate, limits.learningRate),
        seed: parseInRange('--seed', flags.seed, limits.seed),
      };
      const home = resolveHome(globals.home);
      // Checked before minutes of training: the folder is replaced whole at the end, beside itself.
      const out = flags.out ? resolve(flags.out) : homeLayout(home).defaultModel;
      if (flags.out) assertReplaceableModelDir(out);
      const denied = writeDenied(dirname(out)) ?? writeDenied(out);
      if (denied) throw notWritableError(denied, flags.out ? 'choose another --out' : undefined);
      const data = await readTrainingData(home, trainingSources(flags));
      const analyzer = await createAnalyzer();
      const bar = startProgress('training', 1);
      const model = await trainStaticModel(data, {
        morphemes: (text) => analyzer.morphemes(text).map((m) => m.surface),
        ...hyperparameters,
        ipcPairs: flags.ipcPairs,
        hardNegatives: flags.hardNegatives,
        phonetic: flags.phonetic,
        englishLexicon: flags.englishLexicon,
        onProgress: ({ epoch, epochs, step, steps, loss, devSpearman }) => {
          bar.setTotal(epochs * steps);
          bar.update((epoch - 1) * steps + step, { epoch, loss: loss.toFixed(3), ...(devSpearman === undefined ? {} : { dev: devSpearman.toFixed(4) }) });
        },
      });
      bar.stop();
      const best = model.history.find((h) => h.epoch === model.bestEpoch)?.devSpearman ?? null;
      await replaceDirAtomic(out, (dir) => writeStaticModel(dir, model, { 'STS dev Spearman (model selection)': best }));
      const summary = { model: out, seconds: Math.round(model.seconds), bestEpoch: model.bestEpoch, devSpearman: best, examples: model.examples };
      process.stdout.write(
        globals.json
          ? `${JSON.stringify(summary)}\n`
          : `Trained in ${summary.seconds} s; kept epoch ${model.bestEpoch}${best === null ? '' : ` (dev Spearman ${best.toFixed(4)})`}.\nModel: ${out}\n`,
      );
    });
}

/**
 * Checks a `train --out` folder: it is replaced whole, so it must be missing, an empty folder or a model folder (it holds
 * `patmatch_tokenizer.json`): `--out .` or `--out <home>` would otherwise delete what is there.
 *
 * @example
 * assertReplaceableModelDir('/tmp/new-model'); // ok; throws for a home folder
 */
export function assertReplaceableModelDir(dir: string): void {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) return;
  if (!info.isDirectory()) throw new PatmatchError('invalid_input', `--out ${dir}: is a file, not a model folder; name a new folder`);
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(SUBWORD_TOKENIZER_FILE)) {
    throw new PatmatchError('invalid_input', `--out ${dir}: holds other files (${entries.slice(0, 3).join(', ')}…), not a patmatch model; it would be replaced whole, so name a new or empty folder`);
  }
}

function trainingSources(flags: TrainFlags): TrainingSources {
  const needsShared = flags.sts === undefined || flags.nli === undefined || flags.dev === undefined;
  const defaults = needsShared ? defaultTrainingSources(sharedData()) : { sts: null, nli: [], dev: null };
  const pick = (flag: string | false | undefined, fallback: string | null) => (flag === false ? null : flag === undefined ? fallback : resolve(flag));
  return {
    sts: pick(flags.sts, defaults.sts),
    nli: flags.nli === false ? [] : Array.isArray(flags.nli) ? flags.nli.map((path) => resolve(path)) : defaults.nli,
    dev: pick(flags.dev, defaults.dev),
  };
}

function sharedData(): string {
  try {
    return sharedDataDir();
  } catch (error) {
    throw new PatmatchError('not_found', `${(error as Error).message} Or pass --sts/--nli/--dev (or --no-sts --no-nli --no-dev).`);
  }
}
