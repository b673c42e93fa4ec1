import type { Command } from 'commander';
import type { Explanation, SearchResult } from '../../domain/index.js';
import { DEFAULT_SEARCH_MODE, openSearchEngine } from '../../search/index.js';
import type { SearchOptions } from '../../search/types.js';
import { resolveHome } from '../context.js';
import { efSearchOption, parseInRange, rangeHelp, SEARCH_RANGES, withEfSearch } from '../options.js';

interface SearchFlags {
  mode?: string;
  top?: string;
  page?: string;
  k?: string;
  ipc?: string;
  from?: string;
  to?: string;
  applicant?: string;
  status?: string;
  explain?: boolean;
}

/** `patmatch search "<demand>"` and `patmatch similar <applicationNumber>`. */
export function register(program: Command): void {
  withSearchFlags(
    program
      .command('search')
      .description('Recommend patents for a demand (a technology name or a paragraph describing it)')
      .argument('<text>', 'the demand'),
  ).action(async (text: string, flags: SearchFlags, command: Command) => {
    const options = toOptions(flags);
    await withEngine(command, flags, (engine) => engine.search(text, options));
  });

  withSearchFlags(
    program
      .command('similar')
      .description('Patents similar to a stored one (its title and abstract as the demand)')
      .argument('<applicationNumber>', 'e.g. 10-2016-0138184'),
  ).action(async (applicationNumber: string, flags: SearchFlags, command: Command) => {
    const options = toOptions(flags);
    await withEngine(command, flags, (engine) => engine.similar(applicationNumber, options));
  });
}

function withSearchFlags(command: Command): Command {
  return withEfSearch(command)
    .option('--mode <mode>', `seed | dense | hybrid | lexical (default ${DEFAULT_SEARCH_MODE}, lexical when no model is indexed)`)
    .option('--top <n>', rangeHelp('hits per page', SEARCH_RANGES.top), '10')
    .option('--page <n>', rangeHelp('page number', SEARCH_RANGES.page), '1')
    .option('--k <n>', rangeHelp('stage-1 candidates', SEARCH_RANGES.k), '1000')
    .option('--ipc <prefix>', 'only patents with an IPC code starting with this, e.g. "H01G 11"')
    .option('--from <date>', 'application date on or after (YYYY-MM-DD)')
    .option('--to <date>', 'application date on or before (YYYY-MM-DD)')
    .option('--applicant <text>', 'applicant name contains')
    .option('--status <status>', 'registration status, e.g. 등록')
    .option('--explain', 'under each hit, the abstract sentence closest to the demand and the demand terms found (text output; --json always has them)');
}

/** The search options of the flags, checked before the engine (and its indexes) is opened. */
function toOptions(flags: SearchFlags): Partial<SearchOptions> {
  return {
    mode: flags.mode as SearchOptions['mode'] | undefined,
    top: parseInRange('--top', flags.top, SEARCH_RANGES.top),
    page: parseInRange('--page', flags.page, SEARCH_RANGES.page),
    k: parseInRange('--k', flags.k, SEARCH_RANGES.k),
    filters: { ipc: flags.ipc, from: flags.from, to: flags.to, applicant: flags.applicant, status: flags.status },
  };
}

async function withEngine(
  command: Command,
  flags: SearchFlags,
  run: (engine: Awaited<ReturnType<typeof openSearchEngine>>) => Promise<SearchResult>,
): Promise<void> {
  const globals = command.optsWithGlobals<{ home?: string; json?: boolean; efSearch?: string }>();
  const engine = await openSearchEngine(resolveHome(globals.home), efSearchOption(globals.efSearch));
  try {
    const result = await run(engine);
    process.stdout.write(globals.json ? `${JSON.stringify(result)}\n` : formatResult(result, { explain: flags.explain === true }));
  } finally {
    await engine.close();
  }
}

/**
 * Human-readable result: one line per hit, scores first, then the title; with `explain`, the best
 * sentence and the demand's terms found under each hit.
 *
 * @example
 * formatResult(result, { explain: true }).split('\n')[2] // '       why: 초음파 진동을 … (0.712)'
 */
export function formatResult(result: SearchResult, { explain = false } = {}): string {
  const lines = [
    `${result.considered} patents considered · ${matchesText(result)} · mode ${result.mode} · model ${result.model} · page ${result.page}`,
    ...(result.translations ? [`keywords also searched in Korean: ${result.translations.map((t) => `${t.english} → ${t.korean}`).join(', ')}`] : []),
    ...result.hits.flatMap((hit) => [
      `${String(hit.rank).padStart(3)}. ${hit.applicationNumber}  ${hit.score.toFixed(3)}${hit.band ? ` ${hit.band}` : ''} ` +
        `(abstract ${hit.abstractScore.toFixed(3)}, title ${hit.titleScore.toFixed(3)})  ${hit.title}`,
      ...(explain ? explanationLines(hit.explanation) : []),
    ]),
  ];
  if (result.hits.length === 0) lines.push('No matching patents.');
  return `${lines.join('\n')}\n`;
}

/** How many results are matches: at the mode's `related` level or better, or, without bands (lexical), every patent holding a term of the demand. */
function matchesText({ matched, bands }: SearchResult): string {
  return bands ? `${matched} at 'related' (${bands.related}) or better` : `${matched} holding a term of the demand`;
}

function explanationLines({ sentences, terms }: Explanation): string[] {
  const best = sentences[0];
  const found = [...new Set(terms.map((term) => term.term))];
  return [
    ...(best ? [`       why: ${best.text} (${best.score.toFixed(3)})`] : []),
    ...(found.length > 0 ? [`       terms: ${found.join(', ')}`] : []),
  ];
}
