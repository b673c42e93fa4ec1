/**
 * `patmatch eval`: STS correlation of any embedder, and retrieval quality of the product's search
 * modes over the ingested corpus.
 *
 * @example
 * const report = await evaluateStsFile('../shared/data/korsts/sts-dev.tsv', { home: '.patmatch' });
 * const retrieval = await evaluateHomeRetrieval('.patmatch', {});
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, resolve, sep } from 'node:path';
import { PatmatchError } from '../domain/errors.js';
import { loadEmbedder } from '../embed/index.js';
import type { Embedder } from '../embed/types.js';
import { DEFAULT_LEXICAL_INDEX_OPTIONS, hasLexicalIndex, openLexicalIndex } from '../index/lexical/index.js';
import { createSearchEngine, modelLexicon, openSearchEngine } from '../search/index.js';
import type { SearchEngine } from '../search/types.js';
import { homeLayout } from '../store/home.js';
import { openStore, type StoredPatent } from '../store/index.js';
import { readStsPairs } from '../train/datasets.js';
import { embedCorpus, evaluateRetrieval, type RetrievalOptions, type RetrievalReport } from './retrieval.js';
import { evaluateSts, type StsReport } from './sts.js';

export { evaluateSts, type StsReport } from './sts.js';
export { evaluateRetrieval, embedCorpus, ipcMainGroup, RETRIEVAL_MODES, type RetrievalReport, type RetrievalTarget, type RetrievalOptions } from './retrieval.js';
export { addJamoTypos, composeHangul, decomposeHangul } from './typos.js';
export { ndcgAt, mrrAt, recallAt, pearson, spearman } from './metrics.js';

/** Which model to evaluate: an embedder spec (`static:<dir>`, `onnx:<dir>`), a static model folder, or the home's default. */
export interface ModelChoice {
  home: string;
  embedder?: string;
  model?: string;
}

/**
 * The embedder spec a choice names; the home's trained model when none is given.
 *
 * @example
 * embedderSpec({ home: '.patmatch', model: './my-model' }) // 'static:/abs/my-model'
 */
export function embedderSpec(choice: ModelChoice): string {
  if (choice.embedder && choice.model) throw new PatmatchError('invalid_input', 'give either --embedder or --model, not both');
  if (choice.embedder) return choice.embedder;
  if (choice.model) return `static:${resolve(choice.model)}`;
  const fallback = homeLayout(choice.home).defaultModel;
  if (!existsSync(fallback)) {
    throw new PatmatchError('not_ready', `No trained model in ${fallback}: run \`patmatch train\`, or pass --embedder / --model`);
  }
  return `static:${fallback}`;
}

/**
 * STS evaluation of a file (KorSTS TSV or KLUE-STS JSON).
 *
 * @example
 * await evaluateStsFile('sts-dev.tsv', { home: '.patmatch' }) // { n: 1500, spearman: …, pearson: … }
 */
export async function evaluateStsFile(path: string, choice: ModelChoice): Promise<StsReport> {
  const pairs = await readStsPairs(path);
  const embedder = await loadEmbedder(embedderSpec(choice));
  try {
    return await evaluateSts(embedder, pairs);
  } finally {
    await embedder.close();
  }
}

/** Options of `evaluateHomeRetrieval`. */
export interface HomeRetrievalOptions extends Partial<Omit<RetrievalOptions, 'onProgress'>> {
  embedder?: string;
  model?: string;
  /** Draw queries only from patents ingested from this file or folder. */
  source?: string;
  /** Draw queries only from patents whose first IPC code lies in one of these sections (`GH`: G and H). */
  ipcSections?: string;
  onProgress?: (done: number, total: number) => void;
}

/** BM25 weights that leave the English title out, for the cross-lingual task. */
const WITHOUT_ENGLISH_TITLE = { weights: { ...DEFAULT_LEXICAL_INDEX_OPTIONS.weights, titleEn: 0 } };

/**
 * Retrieval evaluation of a home. Without `embedder`/`model`, the product's own indexed search is
 * measured (or, when nothing is indexed yet, the trained model embedded in memory); with one, that
 * model is embedded in memory and ranked by the same search code.
 *
 * @example
 * const report = await evaluateHomeRetrieval('.patmatch', { model: './other-model', maxQueries: 200, ipcSections: 'GH' });
 */
export async function evaluateHomeRetrieval(home: string, options: HomeRetrievalOptions): Promise<RetrievalReport> {
  const layout = homeLayout(home);
  if (!existsSync(layout.store) || !hasLexicalIndex(layout.lexical)) {
    throw new PatmatchError('not_ready', `No indexed patents in ${home}: run \`patmatch ingest <files>\` and \`patmatch index\` first`);
  }
  const inSections = options.ipcSections === undefined ? () => true : fromIpcSections(options.ipcSections);
  const store = openStore(home);
  const opened: { close(): unknown }[] = [store];
  try {
    const corpus: StoredPatent[] = [];
    for (const batch of store.iterate()) corpus.push(...batch);
    const fromFile = options.source === undefined ? corpus : corpus.filter(fromSource(options.source));
    if (fromFile.length === 0) throw new PatmatchError('invalid_input', `--source ${options.source}: no stored patent was ingested from it`);
    const queryPool = fromFile.filter(inSections);
    if (queryPool.length === 0) {
      throw new PatmatchError('invalid_input', `--ipc-sections ${options.ipcSections}: no patent to draw queries from has its first IPC code in these sections`);
    }
    const explicit = options.embedder !== undefined || options.model !== undefined;
    let engines = explicit ? null : await openEngines(home);
    if (engines) opened.push(...engines);
    if (!engines?.[0].model && (explicit || existsSync(layout.defaultModel))) {
      const spec = embedderSpec({ home, embedder: options.embedder, model: options.model });
      const embedder = await loadEmbedder(spec);
      opened.push({ close: () => embedder.close() });
      const dense = { embedder, vectors: await embedCorpus(embedder, corpus) };
      const lexicon = await modelLexicon(spec);
      const lexical = await openLexicalIndex(layout.lexical);
      opened.push(lexical);
      const withoutEnglish = await openLexicalIndex(layout.lexical, WITHOUT_ENGLISH_TITLE);
      opened.push(withoutEnglish);
      engines = [
        createSearchEngine({ store, lexical, dense, lexicon }),
        createSearchEngine({ store, lexical: withoutEnglish, dense, lexicon }),
      ];
    }
    const [engine, crossLingualEngine] = engines!;
    return await evaluateRetrieval({ engine, crossLingualEngine, corpus, queryPool }, options);
  } finally {
    for (const part of opened.reverse()) await part.close();
  }
}

/** The home's engine, and the same engine with the English title left out of keyword scores. */
async function openEngines(home: string): Promise<[SearchEngine, SearchEngine]> {
  const engine = await openSearchEngine(home);
  try {
    return [engine, await openSearchEngine(home, { lexical: WITHOUT_ENGLISH_TITLE })];
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** Whether a patent's first IPC code lies in one of the sections named (`AF`, `gh`). */
function fromIpcSections(sections: string): (patent: StoredPatent) => boolean {
  const letters = sections.trim().toUpperCase();
  if (!/^[A-H]+$/.test(letters)) {
    throw new PatmatchError('invalid_input', `--ipc-sections ${sections}: must be IPC section letters A to H, such as GH`);
  }
  return (patent) => patent.ipc[0] !== undefined && letters.includes(patent.ipc[0].charAt(0));
}

/**
 * Which patents were ingested from `path`. Stored sources are `<format>:<absolute file path>`, so a
 * folder covers the files at any depth below it, and `data/kipris` does not cover
 * `data/kipris-old/a.xml`. Paths are compared as given and with symbolic links resolved, on both
 * sides. Stores ingested before paths were recorded hold only the file name: such a patent counts
 * when a file of that name lies anywhere below the folder.
 */
function fromSource(path: string): (patent: StoredPatent) => boolean {
  const full = resolve(path);
  if (!existsSync(full)) throw new PatmatchError('not_found', `--source ${path}: no such file or folder`);
  const isFolder = statSync(full).isDirectory();
  const roots = [...new Set([full, realpathSync(full)])];
  const covers = (file: string) =>
    roots.some((root) => file === root || (isFolder && file.startsWith(root.endsWith(sep) ? root : root + sep)));
  let names: Set<string> | undefined;
  const fileNames = () =>
    (names ??= new Set(isFolder ? readdirSync(full, { recursive: true, encoding: 'utf8' }).map((entry) => basename(entry)) : [basename(full)]));
  const decided = new Map<string, boolean>();
  return (patent) => {
    let match = decided.get(patent.source);
    if (match === undefined) {
      const file = patent.source.slice(patent.source.indexOf(':') + 1);
      match = isAbsolute(file) ? covers(file) || covers(realpathOrSelf(file)) : fileNames().has(file);
      decided.set(patent.source, match);
    }
    return match;
  };
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
