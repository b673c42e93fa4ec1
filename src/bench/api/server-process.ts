/**
 * Child process of `runApiBench`: serves one home on a free loopback port, tells the parent its URL
 * and model, and shuts down when the parent sends any message. A separate process keeps the load
 * generator from competing with the server for the same event loop.
 *
 * Arguments: `<home> <cache: on|off>`.
 */
import { buildServer } from '../../api/index.js';
import { openSearchEngine } from '../../search/index.js';
import { openStore } from '../../store/index.js';

const [home, cache] = process.argv.slice(2);
if (!home || !process.send) throw new Error('server-process is started by runApiBench (fork with IPC)');
const engine = await openSearchEngine(home);
const store = openStore(home);
const app = await buildServer({
  engine,
  store,
  logger: false,
  rateLimit: false,
  webRoot: null,
  searchCache: cache === 'on' ? { max: 10_000, ttlMs: 600_000 } : false,
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.send({ url, model: engine.model });
process.once('message', async () => {
  await app.close();
  await engine.close();
  store.close();
  process.disconnect();
});
