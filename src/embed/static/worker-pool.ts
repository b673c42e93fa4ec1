import { Worker } from 'node:worker_threads';
import type { StaticWorkerData } from './worker.js';

type Reply = { id: number; vectors: Float32Array; error?: undefined } | { id: number; error: string };

/**
 * Worker threads that embed slices of a batch in parallel, started on first use. Idle workers do
 * not keep the process alive; `close()` ends them.
 *
 * @example
 * const pool = new StaticWorkerPool(2, { encoder, weights });
 * const vectors = await pool.embed(texts);
 */
export class StaticWorkerPool {
  #workers: Worker[] = [];
  #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  /** Requests in flight: while any, workers keep the process alive (awaiting callers need them). */
  #busy = 0;

  constructor(
    readonly size: number,
    readonly data: StaticWorkerData,
  ) {}

  /** Splits `texts` into one slice per worker and returns the vectors in input order. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.#start();
    const { dimension } = this.data.weights;
    const sliceSize = Math.ceil(texts.length / this.#workers.length);
    const replies = await Promise.all(
      this.#workers.map((worker, w) => this.#request(worker, texts.slice(w * sliceSize, (w + 1) * sliceSize))),
    );
    // Copies, so each vector owns its buffer (callers store `vector.buffer`).
    return replies.flatMap((vectors) =>
      Array.from({ length: vectors.length / dimension }, (_, i) => vectors.slice(i * dimension, (i + 1) * dimension)),
    );
  }

  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #start(): void {
    if (this.#workers.length > 0) return;
    for (let w = 0; w < this.size; w++) {
      const worker = startWorker(this.data);
      worker.unref();
      worker.on('message', (reply: Reply) => this.#settle(reply));
      worker.on('error', (error) => this.#failAll(error));
      worker.on('exit', (code) => {
        if (this.#pending.size > 0) this.#failAll(new Error(`static embedding worker exited with code ${code}`));
      });
      this.#workers.push(worker);
    }
  }

  #request(worker: Worker, texts: string[]): Promise<Float32Array> {
    const id = this.#nextId++;
    if (this.#busy++ === 0) for (const each of this.#workers) each.ref();
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, texts });
    })
      .finally(() => {
        if (--this.#busy === 0) for (const each of this.#workers) each.unref();
      })
      .then((reply) => {
        if (reply.error !== undefined) throw new Error(`static embedding worker: ${reply.error}`);
        return reply.vectors;
      });
  }

  #settle(reply: Reply): void {
    this.#pending.get(reply.id)?.resolve(reply);
    this.#pending.delete(reply.id);
  }

  #failAll(error: Error): void {
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
    void this.close();
  }
}

/**
 * Starts `worker.js` beside this file. Under tsx (tests, development) the sources are .ts, and
 * worker threads do not inherit tsx's loader, so a one-line bootstrap registers it first.
 */
function startWorker(workerData: StaticWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
