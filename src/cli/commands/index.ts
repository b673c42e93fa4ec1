import type { Command } from 'commander';
import { register as serve } from './serve.js';
import { register as user } from './user.js';
import { register as ingestManagers } from './ingest-managers.js';
import { register as ingest } from './ingest.js';
import { register as fetchCommand } from './fetch.js';
import { register as ingestEvaluations } from './ingest-evaluations.js';
import { register as bench } from './bench.js';
import { register as indexCommand } from './index-command.js';
import { register as search } from './search.js';
import { register as show } from './show.js';
import { register as train } from './train.js';
import { register as evalCommand } from './eval.js';
import { register as analyze } from './analyze.js';
import { register as demo } from './demo.js';
import { register as backup } from './backup.js';
import { register as watch } from './watch.js';

/** Every CLI verb registers itself on the program; add new verbs to this list. */
export const commands: ReadonlyArray<(program: Command) => void> = [demo, serve, user, ingestManagers, ingest, fetchCommand, ingestEvaluations, indexCommand, watch, search, show, bench, analyze, train, evalCommand, backup];
