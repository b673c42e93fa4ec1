/**
 * Readers of the sentence-pair data sets used for training and evaluation: KorSTS / KLUE-STS
 * similarity pairs and KorNLI (XNLI) inference pairs turned into triplets.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatmatchError } from '../domain/errors.js';
import { homeLayout } from '../store/home.js';
import { openStore } from '../store/index.js';
import type { PatentText, TrainingData } from './index.js';

/** Two sentences and a gold similarity (KorSTS: 0–5). */
export interface StsPair {
  sentence1: string;
  sentence2: string;
  score: number;
}

/** An NLI premise with an entailed hypothesis (positive) and, when known, a contradicted one (hard negative). */
export interface NliTriplet {
  anchor: string;
  positive: string;
  negative: string | null;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new PatmatchError('not_found', `${what} file not found: ${path}`);
  }
}

/**
 * Reads KorSTS TSV (header with `score`, `sentence1`, `sentence2`) or KLUE-STS JSON
 * (array of `{sentence1, sentence2, labels: {label}}`). Rows without both sentences and a
 * numeric score are an error naming the line.
 *
 * @example
 * const pairs = await readStsPairs('../shared/data/korsts/sts-dev.tsv'); // 1,500 pairs
 */
export async function readStsPairs(path: string): Promise<StsPair[]> {
  const text = (await readText(path, 'STS')).replace(/^\uFEFF/, '');
  if (/^\s*[[{]/.test(text)) return parseKlueSts(text, path);
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new PatmatchError('invalid_input', `${path} line 1: no "${name}" column (need score, sentence1, sentence2)`);
    return i;
  };
  const [scoreCol, s1Col, s2Col] = [col('score'), col('sentence1'), col('sentence2')];
  const pairs: StsPair[] = [];
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === '') return;
    const cells = line.split('\t');
    pairs.push(checkedPair(cells[s1Col], cells[s2Col], scoreOf(cells[scoreCol]), `${path} line ${index + 2}`));
  });
  return pairs;
}

function parseKlueSts(text: string, path: string): StsPair[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    throw new PatmatchError('invalid_input', `${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(rows)) throw new PatmatchError('invalid_input', `${path}: expected a JSON array of KLUE-STS records`);
  return rows.map((row: { sentence1?: unknown; sentence2?: unknown; labels?: { label?: unknown } }, i) =>
    checkedPair(row?.sentence1, row?.sentence2, scoreOf(row?.labels?.label), `${path} record ${i}`),
  );
}

/** A gold score from a cell or a JSON value: a number, or number text; anything else (blank, null, true, [3]) is NaN. */
function scoreOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
}

function checkedPair(sentence1: unknown, sentence2: unknown, score: number, where: string): StsPair {
  if (typeof sentence1 !== 'string' || typeof sentence2 !== 'string' || !sentence1.trim() || !sentence2.trim()) {
    throw new PatmatchError('invalid_input', `${where}: sentence1 and sentence2 must be non-empty text`);
  }
  if (!Number.isFinite(score)) throw new PatmatchError('invalid_input', `${where}: score is not a number`);
  return { sentence1, sentence2, score };
}

/**
 * Reads KorNLI / XNLI TSV (`sentence1`, `sentence2`, `gold_label`) into triplets: each premise's
 * entailed hypothesis is the positive, its contradicted one (if any) the hard negative.
 *
 * @example
 * const triplets = await readNliTriplets('../shared/data/kornli/xnli.dev.ko.tsv');
 */
export async function readNliTriplets(path: string): Promise<NliTriplet[]> {
  const lines = (await readText(path, 'NLI')).replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  const [s1Col, s2Col, labelCol] = ['sentence1', 'sentence2', 'gold_label'].map((name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new PatmatchError('invalid_input', `${path} line 1: no "${name}" column`);
    return i;
  }) as [number, number, number];
  const byPremise = new Map<string, { entailment: string[]; contradiction: string[] }>();
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const [premise, hypothesis, label] = [cells[s1Col]?.trim(), cells[s2Col]?.trim(), cells[labelCol]?.trim()];
    if (!premise || !hypothesis || (label !== 'entailment' && label !== 'contradiction')) continue;
    let entry = byPremise.get(premise);
    if (!entry) byPremise.set(premise, (entry = { entailment: [], contradiction: [] }));
    entry[label].push(hypothesis);
  }
  const triplets: NliTriplet[] = [];
  for (const [anchor, { entailment, contradiction }] of byPremise) {
    entailment.forEach((positive, i) => triplets.push({ anchor, positive, negative: contradiction[i % Math.max(1, contradiction.length)] ?? null }));
  }
  return triplets;
}

/** Where `readTrainingData` finds its inputs; `null` skips a source. */
export interface TrainingSources {
  sts: string | null;
  nli: readonly string[];
  dev: string | null;
}

/**
 * The default sources inside the shared data folder: KorSTS train (dev for model selection) and
 * the KorNLI (XNLI) files.
 *
 * @example
 * defaultTrainingSources('../shared/data').sts // '../shared/data/korsts/sts-train.tsv'
 */
export function defaultTrainingSources(sharedData: string): TrainingSources {
  return {
    sts: join(sharedData, 'korsts', 'sts-train.tsv'),
    nli: [join(sharedData, 'kornli', 'xnli.dev.ko.tsv'), join(sharedData, 'kornli', 'xnli.test.ko.tsv')],
    dev: join(sharedData, 'korsts', 'sts-dev.tsv'),
  };
}

/**
 * Reads every training input: the ingested patents of a home plus the STS / NLI files. A missing
 * file is a `not_found` error naming it and the flag that points elsewhere or skips it.
 *
 * @example
 * const data = await readTrainingData('.patmatch', defaultTrainingSources(sharedDataDir()));
 */
export async function readTrainingData(home: string, sources: TrainingSources): Promise<TrainingData> {
  const check = (path: string, flag: string) => {
    if (!existsSync(path)) {
      throw new PatmatchError('not_found', `${path} not found: point ${flag} at the file, or pass --no-${flag.slice(2)} to train without it`);
    }
    return path;
  };
  const sts = sources.sts === null ? [] : await readStsPairs(check(sources.sts, '--sts'));
  const nli = (await Promise.all(sources.nli.map((path) => readNliTriplets(check(path, '--nli'))))).flat();
  const dev = sources.dev === null ? undefined : await readStsPairs(check(sources.dev, '--dev'));
  const patents = existsSync(homeLayout(home).store) ? readPatents(home) : [];
  if (patents.length === 0 && sts.length === 0 && nli.length === 0) {
    throw new PatmatchError('not_ready', `Nothing to train on: no patents in ${home} (run \`patmatch ingest <files>\`) and no STS/NLI data`);
  }
  return { patents, sts, nli, dev };
}

function readPatents(home: string): PatentText[] {
  const store = openStore(home);
  try {
    const patents: PatentText[] = [];
    for (const batch of store.iterate()) {
      for (const p of batch) patents.push({ applicationNumber: p.applicationNumber, title: p.title, titleEn: p.titleEn, abstract: p.abstract, ipc: p.ipc });
    }
    return patents;
  } finally {
    store.close();
  }
}
