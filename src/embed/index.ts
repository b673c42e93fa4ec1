import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
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
  const { kind, location } = parseEmbedderSpec(spec);
  return kind === 'onnx' ? loadOnnxEmbedder(location, options) : loadStaticEmbedder(location, options);
}

/**
 * The same spec with a relative folder made absolute, so that it still loads from another working
 * directory (it is recorded in the vectors manifest). Hub ids (`onnx:org/name` with no such folder)
 * are kept as they are.
 *
 * @example
 * absoluteEmbedderSpec('static:.patmatch/models/default') // 'static:/srv/app/.patmatch/models/default'
 */
export function absoluteEmbedderSpec(spec: string): string {
  const { kind, location } = parseEmbedderSpec(spec);
  return kind === 'static' || existsSync(location) ? `${kind}:${resolve(location)}` : `${kind}:${location}`;
}

/**
 * The local folder a spec loads from, or null when it names a hub id (no such folder here).
 *
 * @example
 * embedderFolder('static:.patmatch/models/default') // '.patmatch/models/default'
 */
export function embedderFolder(spec: string): string | null {
  const { location } = parseEmbedderSpec(spec);
  return existsSync(location) ? location : null;
}

function parseEmbedderSpec(spec: string): { kind: 'onnx' | 'static'; location: string } {
  const match = /^(onnx|static):(.+)$/s.exec(typeof spec === 'string' ? spec.trim() : '');
  if (!match) {
    throw new PatmatchError('invalid_input', `embedder spec ${JSON.stringify(spec)}: expected onnx:<folder-or-hub-id> or static:<folder>`);
  }
  return { kind: match[1] as 'onnx' | 'static', location: match[2]! };
}
