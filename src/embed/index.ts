import { PatmatchError } from '../domain/errors.js';
import { loadOnnxEmbedder, type OnnxEmbedderOptions } from './onnx/index.js';
import { loadStaticEmbedder, type StaticEmbedderOptions } from './static/index.js';
import type { Embedder } from './types.js';

export type { Embedder, EmbedKind, EmbedOptions } from './types.js';
export { loadOnnxEmbedder, type OnnxEmbedderOptions } from './onnx/index.js';
export { loadStaticEmbedder, type StaticEmbedderOptions } from './static/index.js';
export { normaliseText } from './batch.js';

/** Options of {@link loadEmbedder}; each kind reads the ones that apply to it. */
export type LoadEmbedderOptions = OnnxEmbedderOptions & StaticEmbedderOptions;

/**
 * Loads the embedder a spec names:
 * - `onnx:<folder-or-hub-id>`: a sentence-transformers model exported to ONNX (batch 32 by default);
 * - `static:<folder>`: a model2vec / StaticEmbedding token-vector model (batch 1024 by default).
 *
 * @example
 * const embedder = await loadEmbedder('static:.patmatch/models/default');
 * const embedder = await loadEmbedder('onnx:./models/multilingual-e5-small', { batchSize: 16, threads: 2 });
 */
export async function loadEmbedder(spec: string, options: LoadEmbedderOptions = {}): Promise<Embedder> {
  const match = /^(onnx|static):(.+)$/s.exec(typeof spec === 'string' ? spec.trim() : '');
  if (!match) {
    throw new PatmatchError('invalid_input', `embedder spec ${JSON.stringify(spec)}: expected onnx:<folder-or-hub-id> or static:<folder>`);
  }
  const [, kind, location] = match as unknown as [string, 'onnx' | 'static', string];
  return kind === 'onnx' ? loadOnnxEmbedder(location, options) : loadStaticEmbedder(location, options);
}
