import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { PatmatchError } from '../../domain/errors.js';
import { DEFAULT_BASE_URL, DOCS_START, defaultFetchOptions, fetchKipris, type FetchKiprisOptions, type FetchSummary, type KiprisQuery } from '../../fetch/kipris/index.js';
import { openStore } from '../../store/index.js';
import { resolveHome } from '../context.js';
import { parseInRange, rangeHelp, type IntegerRange } from '../options.js';
import { startProgress } from '../progress.js';

/** The environment variable holding the KIPRIS Plus access key. */
export const KEY_ENV = 'KIPRIS_SERVICE_KEY';

/** Limits of the numeric flags of `fetch kipris`. */
export const FETCH_LIMITS = {
  maxPages: { min: 1, max: 1_000_000 },
  minInterval: { min: 0, max: 3_600_000 },
  timeout: { min: 100, max: 600_000 },
  retries: { min: 0, max: 20 },
  backoff: { min: 0, max: 600_000 },
} as const satisfies Record<string, IntegerRange>;

/** Rejections listed in the text summary; `--json` lists those kept. */
const SHOWN_REJECTIONS = 20;

interface FetchFlags {
  applicant?: string;
  word?: string;
  baseUrl: string;
  keyFile?: string;
  maxPages?: string;
  dryRun?: boolean;
  docsStart: string;
  minInterval: string;
  timeout: string;
  retries: string;
  backoff: string;
}

/**
 * `patmatch fetch kipris`: pulls an applicant's patents (or a free-text search) from the KIPRIS Plus
 * Open API into the store. The key comes from `KIPRIS_SERVICE_KEY` or `--key-file`, never a flag.
 *
 * @example
 * KIPRIS_SERVICE_KEY=… patmatch fetch kipris --applicant 120040373042 --json
 */
export function register(program: Command): void {
  const fetch = program.command('fetch').description('Pull patents from an online source into the store');
  fetch
    .command('kipris')
    .description('Fetch patents from the KIPRIS Plus Open API (key from KIPRIS_SERVICE_KEY or --key-file), resuming where a run stopped')
    .option('--applicant <name|code>', 'applicant name or 12-digit applicant code (applicantNameSearchInfo)')
    .option('--word <text>', 'free-text search (freeSearchInfo)')
    .option('--base-url <url>', 'KIPRIS Plus REST address; operation paths are appended', DEFAULT_BASE_URL)
    .option('--key-file <file>', `read the access key from this file (first line) instead of ${KEY_ENV}`)
    .option('--max-pages <n>', rangeHelp('stop after this many pages; the next run resumes after them', FETCH_LIMITS.maxPages))
    .option('--dry-run', 'fetch and compare with the store, write nothing')
    .option('--docs-start <page|offset>', 'what docsStart holds: the page number, or the position of the page\'s first item (1, 501, 1001 …)', defaultFetchOptions.docsStart)
    .option('--min-interval <ms>', rangeHelp('milliseconds between the starts of two requests', FETCH_LIMITS.minInterval), String(defaultFetchOptions.minIntervalMs))
    .option('--timeout <ms>', rangeHelp('milliseconds allowed for one request, body included', FETCH_LIMITS.timeout), String(defaultFetchOptions.timeoutMs))
    .option('--retries <n>', rangeHelp('further attempts after a timeout, connection error or 5xx', FETCH_LIMITS.retries), String(defaultFetchOptions.retries))
    .option('--backoff <ms>', rangeHelp('first retry delay, doubled each retry, with jitter', FETCH_LIMITS.backoff), String(defaultFetchOptions.backoffMs))
    .addHelpText('after', `\nExit code 0 when the pages were stored; non-zero with a one-line message when KIPRIS refuses the key or a page cannot be fetched (the pages before it stay stored, and the next run resumes there).`)
    .action(async (flags: FetchFlags, command: Command) => {
      const globals = command.optsWithGlobals<{ home?: string; json?: boolean }>();
      const query = queryOf(flags);
      const options: Partial<FetchKiprisOptions> & { key: string } = {
        key: readKey(flags.keyFile),
        baseUrl: flags.baseUrl,
        maxPages: parseInRange('--max-pages', flags.maxPages, FETCH_LIMITS.maxPages),
        dryRun: flags.dryRun === true,
        docsStart: docsStartOf(flags.docsStart),
        minIntervalMs: parseInRange('--min-interval', flags.minInterval, FETCH_LIMITS.minInterval),
        timeoutMs: parseInRange('--timeout', flags.timeout, FETCH_LIMITS.timeout),
        retries: parseInRange('--retries', flags.retries, FETCH_LIMITS.retries),
        backoffMs: parseInRange('--backoff', flags.backoff, FETCH_LIMITS.backoff),
      };
      const store = openStore(resolveHome(globals.home), { writes: !options.dryRun });
      const bar = startProgress('fetch', 1);
      let summary: FetchSummary;
      try {
        summary = await fetchKipris(store, query, {
          ...options,
          onPage: (page, totalPages, sofar) => {
            bar.setTotal(Math.max(page, totalPages ?? page));
            bar.update(page, { new: sofar.inserted, updated: sofar.updated });
          },
          onRetry: (page, attempt, reason, delayMs) => {
            process.stderr.write(`patmatch: page ${page}: ${reason}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s\n`);
          },
        });
      } finally {
        bar.stop();
        store.close();
      }
      process.stdout.write(globals.json ? `${JSON.stringify(summary)}\n` : formatFetchSummary(summary));
    });
}

function queryOf(flags: FetchFlags): KiprisQuery {
  if ((flags.applicant === undefined) === (flags.word === undefined)) {
    throw new PatmatchError('invalid_input', 'fetch kipris: give exactly one of --applicant <name|code> and --word <text>');
  }
  return flags.applicant !== undefined ? { applicant: flags.applicant } : { word: flags.word! };
}

function docsStartOf(value: string): (typeof DOCS_START)[number] {
  const known = DOCS_START.find((option) => option === value);
  if (!known) throw new PatmatchError('invalid_input', `--docs-start: "${value}" is not ${DOCS_START.join(' or ')}`);
  return known;
}

/** The key from `--key-file` (its first non-empty line), else from the environment; never echoed. */
function readKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (keyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(keyFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new PatmatchError('invalid_input', `--key-file ${keyFile}: cannot be read (${code})`);
    }
    const key = text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '');
    if (!key) throw new PatmatchError('invalid_input', `--key-file ${keyFile}: holds no key`);
    return key;
  }
  const key = env[KEY_ENV]?.trim();
  if (!key) throw new PatmatchError('invalid_input', `no KIPRIS Plus access key: set ${KEY_ENV} or pass --key-file <file>`);
  return key;
}

/**
 * The text summary of a run.
 *
 * @example
 * formatFetchSummary(summary) // 'applicantNameSearchInfo:120080091393: pages 1–4, complete · fetched 2000 · inserted 503 · …'
 */
export function formatFetchSummary(summary: FetchSummary): string {
  const first = summary.lastPage - summary.pages + 1;
  const pages = summary.pages === 0 ? 'no page' : summary.pages === 1 ? `page ${first}` : `pages ${first}–${summary.lastPage}`;
  const state = summary.complete ? 'complete' : `stopped, the next run resumes at page ${summary.lastPage + 1}`;
  const lines = [
    `${summary.dryRun ? '[dry run, nothing written] ' : ''}${summary.query}: ${pages}${summary.resumedFromPage !== null ? ' (resumed)' : ''}, ${state}` +
      ` · total ${summary.totalCount ?? '?'} · fetched ${summary.fetched} · inserted ${summary.inserted} · updated ${summary.updated} · unchanged ${summary.unchanged} · rejected ${summary.rejected}`,
  ];
  for (const rejection of summary.rejections.slice(0, SHOWN_REJECTIONS)) {
    const number = rejection.applicationNumber ? ` (${rejection.applicationNumber})` : '';
    lines.push(`  page ${rejection.page} item ${rejection.item}${number}, ${rejection.field}: ${rejection.reason}`);
  }
  if (summary.rejections.length > SHOWN_REJECTIONS) lines.push(`  … --json lists the first ${summary.rejections.length}`);
  return `${lines.join('\n')}\n`;
}
