import { join } from 'node:path';
import { sharedDataDir } from '../cli/context.js';
import { writeCharModel } from '../embed/test-support/index.js';
import { ingest } from '../ingest/index.js';
import { openStore } from '../store/index.js';

/**
 * A source home for the bench tests in `dir`: the shared CSV patents ingested into `dir/source`, and
 * a small char model of their texts in `dir/model`. Returns the home and the model's embedder spec.
 *
 * @example
 * const { source, embedder } = await buildBenchSource(dir);
 */
export async function buildBenchSource(dir: string): Promise<{ source: string; embedder: string }> {
  const source = join(dir, 'source');
  const store = openStore(source);
  await ingest(store, [join(sharedDataDir(), 'kipris', 'inu-patents.csv')]);
  const patents = [...store.iterate()].flat();
  store.close();
  await writeCharModel(join(dir, 'model'), patents.flatMap((p) => [p.title, p.abstract]), 64);
  return { source, embedder: `static:${join(dir, 'model')}` };
}
