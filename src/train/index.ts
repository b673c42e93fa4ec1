/**
 * Trains patmatch's own static sentence-embedding model: a subword tokeniser built from the corpus
 * and a token table trained with Sentence-BERT objectives on a siamese (shared-weights) encoder —
 * MultipleNegativesRanking on patent pairs and NLI triplets, CoSENT on STS pairs.
 */
import { PatmatchError } from '../domain/errors.js';
import { spearman } from '../eval/metrics.js';
import { buildSubwordSpec, createSubwordTokenizer, PHONETIC_BUCKETS, type SubwordOptions, type SubwordSpec } from '../text/subword/index.js';
import { backward, commonComponent, createAdagrad, encode, removeDirection, type EmbeddingTable, type RowGradients } from './encoder.js';
import { mineHardNegatives } from './hard-negatives.js';
import { alignEnglishRows, mineEnglishLexicon, type LexiconEntry } from './lexicon.js';
import { coSent, multipleNegativesRanking } from './losses.js';
import { createRandom, type Random } from './random.js';
import type { NliTriplet, StsPair } from './datasets.js';
import { isCrossLingualHoldout } from '../eval/holdout.js';

/** The patent fields training uses. */
export interface PatentText {
  applicationNumber: string;
  title: string;
  titleEn: string | null;
  abstract: string;
  /** IPC codes, main first; used by `ipcPairs`. */
  ipc?: readonly string[];
}

/** Everything a model learns from. */
export interface TrainingData {
  patents: PatentText[];
  sts: StsPair[];
  nli: NliTriplet[];
  /** Held-out STS pairs used only to pick the best epoch. */
  dev?: StsPair[];
}

/** Hyper-parameters, merged over `defaultTrainOptions`. */
export interface TrainOptions {
  dim: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Softmax scale of MultipleNegativesRanking. */
  mnrlScale: number;
  /** λ of CoSENT. */
  cosentLambda: number;
  /** Initial norm of n-gram rows relative to morpheme rows (both also scaled by IDF). */
  ngramInitScale: number;
  /** Also pair a title with the abstract of another patent of the same IPC main group (e.g. `H01G 11`). */
  ipcPairs: boolean;
  /**
   * Give each title ↔ abstract pair a BM25-mined hard negative: an abstract that shares the title's
   * words but belongs to a patent of another IPC main group.
   */
  hardNegatives: boolean;
  /**
   * Add consonant-skeleton features shared by English words and their Korean transcriptions
   * (`sensor`, `센서`): better English queries, worse Korean STS (see the README).
   */
  phonetic: boolean;
  /**
   * After training, give English words the row of the Korean morpheme they translate, by a lexicon
   * mined from the Korean ↔ English titles and the glosses of abstracts (see lexicon.ts).
   */
  englishLexicon: boolean;
  seed: number;
  subword: Partial<SubwordOptions>;
  /** Reuse this tokeniser instead of building one from the corpus. */
  tokenizer?: SubwordSpec;
  /** Morphemes of a text (lindera ko-dic); only used to build the vocabulary. */
  morphemes: (text: string) => string[];
  onProgress?: (progress: TrainProgress) => void;
}

/** Reported after every batch. */
export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  /** Running mean loss of the current epoch. */
  loss: number;
  /** Dev Spearman of the last finished epoch, when dev data was given. */
  devSpearman?: number;
}

export const defaultTrainOptions: Omit<TrainOptions, 'morphemes'> = {
  dim: 256,
  epochs: 10,
  batchSize: 64,
  learningRate: 0.15,
  mnrlScale: 20,
  cosentLambda: 20,
  ngramInitScale: 0.2,
  ipcPairs: false,
  hardNegatives: true,
  phonetic: false,
  englishLexicon: true,
  seed: 42,
  subword: {},
};

/** A trained model in memory plus what the model card reports. */
export interface TrainedModel {
  spec: SubwordSpec;
  table: EmbeddingTable;
  options: Omit<TrainOptions, 'morphemes' | 'onProgress' | 'tokenizer'>;
  /** Counts of training examples per objective. */
  examples: Record<string, number>;
  /** Per-epoch mean loss and dev Spearman. */
  history: { epoch: number; loss: number; devSpearman: number | null }[];
  bestEpoch: number;
  /** Whether the common component of sentence vectors was removed from the table (kept only if dev improved). */
  commonComponentRemoved: boolean;
  /** English words that took the row of their Korean translation (empty when `englishLexicon` is off). */
  lexicon: LexiconEntry[];
  seconds: number;
}

type Batch =
  | { kind: 'mnrl'; anchors: number[][]; positives: number[][]; negatives: number[][] }
  | { kind: 'cosent'; lefts: number[][]; rights: number[][]; labels: number[] };

/**
 * Trains a model. Deterministic for a given seed and data.
 *
 * @example
 * const model = await trainStaticModel(data, { morphemes: (t) => analyzer.morphemes(t).map((m) => m.surface), epochs: 2 });
 */
export async function trainStaticModel(data: TrainingData, options: Partial<TrainOptions> & Pick<TrainOptions, 'morphemes'>): Promise<TrainedModel> {
  const started = performance.now();
  const o: TrainOptions = { ...defaultTrainOptions, ...withoutUndefined(options), morphemes: options.morphemes };
  validateOptions(o);
  const rng = createRandom(o.seed);
  // English titles of the cross-lingual hold-out are dropped, so `eval retrieval` measures unseen pairs.
  const patents = data.patents
    .filter((p) => p.title.trim() !== '')
    .map((p) => (p.titleEn && isCrossLingualHoldout(p.applicationNumber) ? { ...p, titleEn: null } : p));

  const corpus = [
    ...new Set([
      ...patents.flatMap((p) => [p.title, p.titleEn ?? '', p.abstract]),
      ...data.sts.flatMap((p) => [p.sentence1, p.sentence2]),
      ...data.nli.flatMap((t) => [t.anchor, t.positive, t.negative ?? '']),
    ]),
  ].filter((text) => text.trim() !== '');
  const spec =
    o.tokenizer ?? buildSubwordSpec(corpus, o.morphemes, { ...(o.phonetic ? { phoneticBuckets: PHONETIC_BUCKETS } : {}), ...o.subword });
  const tokenizer = createSubwordTokenizer(spec);
  const cache = new Map<string, number[]>();
  const tok = (text: string) => {
    let ids = cache.get(text);
    if (!ids) cache.set(text, (ids = tokenizer.encode(text)));
    return ids;
  };

  const { table, rowScale } = initTable(spec, tokenizer.vocabSize, corpus.map(tok), o, rng);
  const optimizer = createAdagrad(table, o.learningRate, rowScale);
  const sentencesOf = patents.map((p) => splitSentences(p.abstract).map(tok).filter((ids) => ids.length > 0));
  const glossedPairs = patents.flatMap((p) => glossedTerms(p.abstract));
  const glossary = glossedPairs.map(({ korean, english }): [number[], number[]] => [tok(english), tok(korean)]);
  const nli = data.nli.map((t) => ({ anchor: tok(t.anchor), positive: tok(t.positive), negative: t.negative === null ? null : tok(t.negative) }));
  const sts = data.sts.map((p) => ({ left: tok(p.sentence1), right: tok(p.sentence2), label: p.score }));
  const dev = data.dev?.map((p) => ({ left: tok(p.sentence1), right: tok(p.sentence2), label: p.score }));

  const groupOf = patents.map((p) => p.ipc?.[0]?.split('/')[0]!.trim() || null);
  const groups = new Map<string, number[]>();
  groupOf.forEach((group, i) => {
    if (o.ipcPairs && group) groups.set(group, [...(groups.get(group) ?? []), i]);
  });
  // Same-group patents may well be relevant to each other (the topical evaluation says they are), so
  // they are never a negative; nor is a family member with the same abstract.
  const hardNegatives = o.hardNegatives
    ? mineHardNegatives(
        patents.map((p) => tok(p.title)),
        patents.map((p) => tok(p.abstract)),
        {
          exclude: (q, d) =>
            q === d || patents[q]!.abstract === patents[d]!.abstract || (groupOf[q] !== null && groupOf[q] === groupOf[d]),
        },
      )
    : [];
  const hardNegativeOf = (i: number): number[][] => {
    const candidates = hardNegatives[i] ?? [];
    return candidates.length > 0 ? [tok(patents[candidates[rng.int(candidates.length)]!]!.abstract)] : [];
  };
  const sameGroupPairs = (): [number[], number[]][] =>
    [...groups.values()].flatMap((members) =>
      members.length < 2
        ? []
        : members.map((i, position): [number[], number[]] => {
            const pick = rng.int(members.length - 1);
            const other = members[pick >= position ? pick + 1 : pick]!;
            return [tok(patents[i]!.title), tok(patents[other]!.abstract)];
          }),
    );

  const epochBatches = (): Batch[] => {
    const batches: Batch[] = [];
    // [anchor, positive, hard negatives…]
    const pairGroups: [number[], number[], ...number[][]][][] = [
      patents.map((p, i) => [tok(p.title), tok(p.abstract), ...hardNegativeOf(i)]),
      patents.flatMap((p, i) => {
        const sentences = sentencesOf[i]!;
        return sentences.length > 0 ? [[tok(p.title), sentences[rng.int(sentences.length)]!]] : [];
      }),
      patents.flatMap((p) => (p.titleEn ? [[tok(p.titleEn), tok(p.title)]] : [])),
      patents.flatMap((p) => (p.titleEn ? [[tok(p.titleEn), tok(p.abstract)]] : [])),
      glossary,
      sameGroupPairs(),
    ];
    for (const group of pairGroups) {
      const pairs = rng.shuffle(group.filter(([a, b]) => a.length > 0 && b.length > 0));
      for (const chunk of chunks(pairs, o.batchSize)) {
        if (chunk.length < 2) continue;
        const negatives = chunk.flatMap(([, , ...rest]) => rest.filter((ids) => ids.length > 0));
        batches.push({ kind: 'mnrl', anchors: chunk.map((p) => p[0]), positives: chunk.map((p) => p[1]), negatives });
      }
    }
    for (const chunk of chunks(rng.shuffle([...nli]), o.batchSize)) {
      batches.push({
        kind: 'mnrl',
        anchors: chunk.map((t) => t.anchor),
        positives: chunk.map((t) => t.positive),
        negatives: chunk.flatMap((t) => (t.negative ? [t.negative] : [])),
      });
    }
    for (const chunk of chunks(rng.shuffle([...sts]), o.batchSize)) {
      batches.push({ kind: 'cosent', lefts: chunk.map((p) => p.left), rights: chunk.map((p) => p.right), labels: chunk.map((p) => p.label) });
    }
    return rng.shuffle(batches);
  };

  const history: TrainedModel['history'] = [];
  let lastDev = dev && dev.length > 1 ? stsSpearman(table, dev) : undefined;
  history.push({ epoch: 0, loss: Number.NaN, devSpearman: lastDev ?? null });
  let best = { epoch: 0, spearman: lastDev ?? -Infinity, data: table.data.slice() };
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const batches = epochBatches();
    let total = 0;
    for (const [step, batch] of batches.entries()) {
      total += trainStep(table, batch, o, optimizer.step.bind(optimizer));
      o.onProgress?.({ epoch, epochs: o.epochs, step: step + 1, steps: batches.length, loss: total / (step + 1), devSpearman: lastDev });
      if (step % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    }
    lastDev = dev && dev.length > 1 ? stsSpearman(table, dev) : undefined;
    history.push({ epoch, loss: total / Math.max(1, batches.length), devSpearman: lastDev ?? null });
    if (lastDev === undefined || lastDev > best.spearman) best = { epoch, spearman: lastDev ?? -Infinity, data: table.data.slice() };
  }
  table.data.set(best.data);
  const commonRemoved = removeCommonComponentIfBetter(table, corpus.map(tok), dev);
  const titlePairs = patents.flatMap((p) => (p.titleEn ? [{ english: p.titleEn, korean: p.title }] : []));
  const lexicon = o.englishLexicon ? mineEnglishLexicon([...titlePairs, ...glossedPairs], spec, tok) : [];
  alignEnglishRows(table, lexicon);
  const { morphemes: _morphemes, onProgress: _onProgress, tokenizer: _tokenizer, ...recorded } = o;
  return {
    spec,
    table,
    options: recorded,
    examples: {
      patents: patents.length,
      koreanEnglishTitles: patents.filter((p) => p.titleEn).length,
      glossedTerms: glossary.length,
      hardNegatives: hardNegatives.filter((candidates) => candidates.length > 0).length,
      stsPairs: sts.length,
      nliTriplets: nli.length,
      englishLexicon: lexicon.length,
    },
    history,
    bestEpoch: best.epoch,
    commonComponentRemoved: commonRemoved,
    lexicon,
    seconds: (performance.now() - started) / 1000,
  };
}

function trainStep(table: EmbeddingTable, batch: Batch, o: TrainOptions, step: (table: EmbeddingTable, grads: RowGradients) => void): number {
  if (batch.kind === 'mnrl') {
    const anchors = encode(table, batch.anchors);
    const candidates = encode(table, [...batch.positives, ...batch.negatives]);
    const { loss, grads } = multipleNegativesRanking(anchors.vectors, candidates.vectors, o.mnrlScale);
    const n = batch.anchors.length;
    const rowGrads = backward(anchors, grads.slice(0, n));
    step(table, backward(candidates, grads.slice(n), rowGrads));
    return loss;
  }
  const lefts = encode(table, batch.lefts);
  const rights = encode(table, batch.rights);
  const { loss, grads } = coSent(lefts.vectors, rights.vectors, batch.labels, o.cosentLambda);
  const n = batch.lefts.length;
  step(table, backward(rights, grads.slice(n), backward(lefts, grads.slice(0, n))));
  return loss;
}

/**
 * Random rows scaled by IDF, so an untrained model already ranks like TF-IDF; n-gram rows start
 * smaller than morpheme rows. Returns each row's initial scale (per-weight standard deviation).
 */
function initTable(spec: SubwordSpec, vocab: number, docs: number[][], o: TrainOptions, rng: Random) {
  const df = new Float64Array(vocab);
  for (const ids of docs) for (const id of new Set(ids)) df[id]!++;
  const data = new Float32Array(vocab * o.dim);
  const rowScale = new Float32Array(vocab);
  for (let id = 0; id < vocab; id++) {
    const idf = Math.log((docs.length + 1) / (df[id]! + 1)) + 1;
    // Phonetic rows start as large as morpheme rows: Adagrad steps are relative to the initial scale,
    // and at n-gram scale they stayed too small to carry an English word to its transcription.
    const isNgram = id >= spec.vocab.length && id < spec.vocab.length + spec.buckets;
    const factor = (idf * (isNgram ? o.ngramInitScale : 1)) / Math.sqrt(o.dim);
    rowScale[id] = factor;
    for (let k = 0; k < o.dim; k++) data[id * o.dim + k] = rng.normal() * factor;
  }
  return { table: { vocab, dim: o.dim, data } as EmbeddingTable, rowScale };
}

/** Removes the common component when it improves dev STS (never without dev data). */
function removeCommonComponentIfBetter(table: EmbeddingTable, texts: number[][], dev: LabelledPair[] | undefined): boolean {
  if (!dev || dev.length < 2) return false;
  const before = stsSpearman(table, dev);
  const saved = table.data.slice();
  removeDirection(table, commonComponent(table, texts));
  if (stsSpearman(table, dev) > before) return true;
  table.data.set(saved);
  return false;
}

type LabelledPair = { left: number[]; right: number[]; label: number };

function stsSpearman(table: EmbeddingTable, pairs: LabelledPair[]): number {
  const lefts = encode(table, pairs.map((p) => p.left)).vectors;
  const rights = encode(table, pairs.map((p) => p.right)).vectors;
  const cosines = lefts.map((l, i) => l.reduce((s, x, k) => s + x * rights[i]![k]!, 0));
  return spearman(cosines, pairs.map((p) => p.label));
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function validateOptions(o: TrainOptions): void {
  const rules: [keyof TrainOptions, boolean, string][] = [
    ['dim', Number.isInteger(o.dim) && o.dim >= 2 && o.dim <= 4096, 'an integer from 2 to 4096'],
    ['epochs', Number.isInteger(o.epochs) && o.epochs >= 0 && o.epochs <= 1000, 'an integer from 0 to 1000'],
    ['batchSize', Number.isInteger(o.batchSize) && o.batchSize >= 2 && o.batchSize <= 4096, 'an integer from 2 to 4096'],
    ['learningRate', o.learningRate > 0 && o.learningRate <= 10, 'a number above 0 and at most 10'],
    ['seed', Number.isInteger(o.seed), 'an integer'],
  ];
  for (const [name, ok, expected] of rules) {
    if (!ok) throw new PatmatchError('invalid_input', `training option ${name}: ${String(o[name])} must be ${expected}`);
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sentences of an abstract (split after `.`, `?`, `!` followed by space). */
function splitSentences(text: string): string[] {
  return text.split(/(?<=[.?!])\s+/).filter((s) => s.trim().length >= 10);
}

const GLOSS = /(\p{Script=Hangul}+)\s*\(([A-Za-z][A-Za-z -]{1,40}[A-Za-z])\)/gu;

/**
 * Korean terms glossed in English inside a text, as patent abstracts write them:
 * `폴리염화비닐(PVC)`, `밸러스트(ballast)`. A word-level dictionary for the cross-lingual pairs,
 * mined from every abstract, so English queries reach patents whose English title was never seen.
 *
 * @example
 * glossedTerms('메디아(media)를 충진한다') // [{ korean: '메디아', english: 'media' }]
 */
export function glossedTerms(text: string): Array<{ korean: string; english: string }> {
  return [...text.matchAll(GLOSS)].map((match) => ({ korean: match[1]!, english: match[2]! }));
}
