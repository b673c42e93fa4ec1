/** Whether a text is a search query or a document passage (e5-style models embed them differently). */
export type EmbedKind = 'query' | 'passage';

export interface EmbedOptions {
  kind: EmbedKind;
  /** Called after each batch with the number of texts embedded so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Turns texts into L2-normalised vectors, so cosine similarity is a dot product.
 *
 * @example
 * const embedder = await loadEmbedder('static:./.patmatch/models/default');
 * const [v] = await embedder.embed(['딥러닝 영상 인식'], { kind: 'query' });
 */
export interface Embedder {
  /** Stable id of the model, recorded in indexes and demand snapshots. */
  readonly id: string;
  readonly dimension: number;
  embed(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]>;
  /** Releases native resources (ONNX sessions). */
  close(): Promise<void>;
}
