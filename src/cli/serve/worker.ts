/**
 * Entry of one `patmatch serve --workers N` process, forked by `superviseServers` with its settings
 * and slot in the environment.
 */
import { PatmatchError } from '../../domain/errors.js';
import { serveHome, type ServeSettings } from './index.js';
import { workerEnv } from './workers.js';

const settings = process.env[workerEnv.settings];
const slot = Number(process.env[workerEnv.slot]);
if (!settings || !Number.isInteger(slot)) throw new Error('serve/worker is started by superviseServers');
try {
  const announces = slot === 0 && process.env[workerEnv.restart] !== '1';
  await serveHome(JSON.parse(settings) as ServeSettings, { sendsMail: slot === 0, announces });
} catch (error) {
  process.stderr.write(`patmatch: ${error instanceof PatmatchError ? error.message : String(error)}\n`);
  process.exit(1);
}
