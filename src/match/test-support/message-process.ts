/**
 * Posts messages on one match from its own process, for the concurrency test:
 * `node --import tsx message-process.ts <db> <matchId> <email> <count>`. Several of these at once
 * are several server workers writing the same database. Exits 0 when every message was stored.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { MatchService } from '../index.js';
import { csvSearchEngine } from './search.js';

const [dbPath, matchId, email, count] = process.argv.slice(2);
const db = new Database(dbPath!);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
const service = new MatchService({ db, search: csvSearchEngine(), secret: randomBytes(32), publicUrl: 'http://patmatch.test' });
const user = service.accounts.findByEmail(email!)!;
for (let i = 0; i < Number(count); i++) {
  service.postMessage({ user }, Number(matchId), { message: `message ${i} from process ${process.pid}` });
}
db.close();
