/**
 * Worker thread of the static embedder's pool: loads the same tokenizer, reads the shared weights,
 * and answers `{ id, texts }` with one flat Float32Array of vectors (transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTokenEncoder, textPooler, type EncoderSpec, type StaticWeights } from './pooling.js';

/** What the pool hands each worker at start. */
export interface StaticWorkerData {
  encoder: EncoderSpec;
  weights: StaticWeights;
}

const { encoder, weights } = workerData as StaticWorkerData;
const embedText = textPooler(await loadTokenEncoder(encoder), weights);

parentPort!.on('message', ({ id, texts }: { id: number; texts: string[] }) => {
  try {
    const vectors = new Float32Array(texts.length * weights.dimension);
    texts.forEach((text, i) => vectors.set(embedText(text), i * weights.dimension));
    parentPort!.postMessage({ id, vectors }, [vectors.buffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
