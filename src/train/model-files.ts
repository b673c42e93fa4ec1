/**
 * Writes a trained model in the `static` embedder format (model2vec layout): `config.json`,
 * `model.safetensors` (tensor `embeddings` [vocab, dim]), `patmatch_tokenizer.json`, the English lexicon
 * searches use (`patmatch_lexicon.json`) and a model card.
 */
import { join } from 'node:path';
import { encodeSafetensors } from '../embed/static/safetensors.js';
import { QUERY_LEXICON_FILE, writeQueryLexicon } from '../text/lexicon/index.js';
import { saveSubwordTokenizer } from '../text/subword/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { TrainedModel } from './index.js';
import { defaultLexiconOptions } from './lexicon.js';

/** Metrics measured after training, shown in the model card. */
export type ModelMetrics = Record<string, number | string | null>;

/**
 * Writes the model files into `dir` (which must exist; use `replaceDirAtomic` to swap a whole model).
 *
 * @example
 * await replaceDirAtomic(join(home, 'models', 'default'), (tmp) => writeStaticModel(tmp, model, { 'KorSTS dev Spearman': 0.8 }));
 */
export async function writeStaticModel(dir: string, model: TrainedModel, metrics: ModelMetrics = {}): Promise<void> {
  const { table, spec } = model;
  await saveSubwordTokenizer(dir, spec);
  await writeFileAtomic(
    join(dir, 'model.safetensors'),
    encodeSafetensors({ embeddings: { dtype: 'F16', shape: [table.vocab, table.dim], values: table.data } }, { format: 'pt' }),
  );
  const config = {
    model_type: 'model2vec',
    architectures: ['StaticModel'],
    tokenizer: 'patmatch-subword',
    tokenizer_name: 'patmatch-subword',
    hidden_dim: table.dim,
    normalize: true,
    apply_pca: null,
    apply_zipf: null,
    seed: model.options.seed,
  };
  await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  if (model.options.englishLexicon) await writeQueryLexicon(dir, model.lexicon);
  await writeFileAtomic(join(dir, 'README.md'), modelCard(model, metrics));
}

function modelCard(model: TrainedModel, metrics: ModelMetrics): string {
  const { options, examples, history, spec, table } = model;
  const rows = (record: Record<string, unknown>) =>
    Object.entries(record)
      .map(([key, value]) => `| ${key} | ${typeof value === 'number' ? Number(value.toFixed(4)) : JSON.stringify(value)} |`)
      .join('\n');
  return `# patmatch static Korean patent embedding model

Trained by \`patmatch train\` in ${model.seconds.toFixed(0)} s. Static (token-table) sentence embeddings:
a text's vector is the L2-normalised mean of its tokens' rows. Load it with \`static:<this folder>\`.

## Tokeniser (patmatch-subword)

${spec.vocab.length} Korean morphemes (lindera ko-dic) and words learned from the training texts, matched by
greedy longest match, plus ${spec.buckets} hashed character n-gram buckets (Hangul ${spec.hangulNgrams.join('–')}, other scripts
${spec.latinNgrams.join('–')}, with word boundaries), so unseen words, English terms and typos still get vectors.
${spec.phoneticBuckets ? `Plus ${spec.phoneticBuckets} hashed consonant-skeleton buckets shared by English words and their Korean
transcriptions (sensor, 센서 → SNS), so an English query meets the loanwords of Korean abstracts.
` : ''}Table: ${table.vocab} rows × ${table.dim} dimensions, stored as F16.

## Data

| examples | count |
|---|---|
${rows(examples)}

## Objectives (siamese encoder, shared weights, trained jointly)

- MultipleNegativesRanking (in-batch negatives): title ↔ abstract, title ↔ abstract sentence, English ↔ Korean title, English title ↔ abstract.
- MultipleNegativesRanking on NLI: premise ↔ entailed hypothesis, the contradicted hypothesis as hard negative.
- CoSENT on STS pairs (gold score 0–5).

Initialisation: random rows scaled by IDF (so the untrained model ranks like TF-IDF). Optimiser: sparse Adagrad
with steps relative to each row's initial scale. Epoch kept: ${model.bestEpoch} (best STS dev Spearman; epoch 0 = untrained).
Common component of sentence vectors removed (baked into the rows): ${model.commonComponentRemoved ? 'yes' : 'no (did not help on dev)'}.
${lexiconNote(model)}

## Hyper-parameters

| name | value |
|---|---|
${rows(options)}

## History

| epoch | mean loss | dev Spearman |
|---|---|---|
${history.map((h) => `| ${h.epoch} | ${Number.isNaN(h.loss) ? '–' : h.loss.toFixed(4)} | ${h.devSpearman?.toFixed(4) ?? '–'} |`).join('\n')}

## Metrics

| metric | value |
|---|---|
${rows(metrics)}
`;
}

function lexiconNote({ lexicon, options }: TrainedModel): string {
  if (!options.englishLexicon) return 'English lexicon: off.';
  const sample = lexicon
    .slice()
    .sort((a, b) => b.count - a.count || a.englishId - b.englishId)
    .slice(0, 12)
    .map(({ english, korean }) => `${english} → ${korean}`)
    .join(', ');
  return `English lexicon: after training, ${lexicon.length} English words took the row of the Korean morpheme they
translate (mutual best Dice coefficient ≥ ${defaultLexiconOptions.minDice} over the Korean ↔ English titles and
the English glosses of abstracts such as 폴리염화비닐(PVC), together in ≥ ${defaultLexiconOptions.minCount} of them)${sample ? `, such as ${sample}` : ''}. The pairs are in
${QUERY_LEXICON_FILE}: keyword (BM25) search adds the Korean word of each English word of a query it lists.`;
}
