import { l2Normalise } from '../batch.js';
import { loadHfTokenEncoder, type HfTokenEncoderOptions, type TokenEncoder } from './hf-tokenizer.js';

/**
 * The numbers of a static model, in memory that worker threads can share: the matrix [rows, dim]
 * and, for model2vec vocabulary quantisation, each token's row (`rowOf`) and weight (`weightOf`).
 */
export interface StaticWeights {
  matrix: Float32Array;
  dimension: number;
  vocabSize: number;
  rowOf?: Int32Array;
  weightOf?: Float32Array;
}

/** Which tokenizer a static model uses; plain data, so a worker thread can load the same one. */
export type EncoderSpec = { kind: 'hf'; dir: string; options: HfTokenEncoderOptions } | { kind: 'patmatch-subword'; dir: string };

/**
 * Loads the tokenizer an {@link EncoderSpec} names.
 *
 * @example
 * const encoder = await loadTokenEncoder({ kind: 'patmatch-subword', dir: '.patmatch/models/default' });
 */
export async function loadTokenEncoder(spec: EncoderSpec): Promise<TokenEncoder> {
  if (spec.kind === 'hf') return loadHfTokenEncoder(spec.dir, spec.options);
  const { loadSubwordTokenizer } = await import('../../text/subword/index.js');
  return loadSubwordTokenizer(spec.dir);
}

/**
 * Embeds one text: the (weighted) rows of its token ids summed and L2-normalised, which is the
 * direction of their mean. Ids outside the vocabulary are skipped; no ids give the zero vector.
 *
 * @example
 * const embedText = textPooler(encoder, weights);
 * embedText('딥러닝 영상 인식') // Float32Array(dim), unit length
 */
export function textPooler(encoder: TokenEncoder, weights: StaticWeights): (text: string) => Float32Array {
  const { matrix, dimension, vocabSize, rowOf, weightOf } = weights;
  return (text) => {
    const vector = new Float32Array(dimension);
    for (const id of encoder.encode(text)) {
      if (!(id >= 0 && id < vocabSize)) continue;
      const offset = (rowOf ? rowOf[id]! : id) * dimension;
      const weight = weightOf ? weightOf[id]! : 1;
      for (let d = 0; d < dimension; d++) vector[d]! += weight * matrix[offset + d]!;
    }
    return l2Normalise(vector);
  };
}
