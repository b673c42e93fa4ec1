/**
 * Entry of one `patmatch serve --workers N` process, forked by `superviseServers` with its settings
 * and slot in the environment.
 */
import { logUncaughtErrors } from '../../util/log.js';
import { logServeError, serveHome, type ServeSettings } from './index.js';
import { claimPort, workerEnv } from './workers.js';

const settings = process.env[workerEnv.settings];
const slot = Number(process.env[workerEnv.slot]);
if (!settings || !Number.isInteger(slot)) throw new Error('serve/worker is started by superviseServers');
logUncaughtErrors();
try {
  const announces = slot === 0 && process.env[workerEnv.restart] !== '1';
  await serveHome(JSON.parse(settings) as ServeSettings, { sendsMail: slot === 0, announces, beforeListen: claimPort });
} catch (error) {
  logServeError(`worker ${slot} cannot serve: `, error, { slot });
  process.exit(1);
}
