import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PatmatchError } from '../domain/errors.js';
import { readLexicalBuildId } from '../index/lexical/index.js';
import { readManifest } from '../index/vectors/index.js';
import { homeLayout } from '../store/home.js';
import { modelLexiconStamp } from './lexicon.js';
import { isDirBeingReplaced } from '../util/atomic.js';
import type { SearchEngine } from './types.js';

/**
 * How a served engine follows `patmatch index`.
 *
 * @example
 * const options: Partial<ReloadOptions> = { intervalMs: 1000, onReload: (info) => console.error(info) };
 */
export interface ReloadOptions {
  /** How often the indexes on disk are looked at; 0 = only when `reload()` is called. */
  intervalMs: number;
  /** Called after new searches switched to the newly opened engine; `from` and `to` name the builds. */
  onReload(info: { from: string; to: string }): void;
  /**
   * Called when the timer's reload failed to open the new engine (the current one keeps answering,
   * and that build is not tried again), an old engine failed to close, or the vectors the engine
   * searches are gone from disk (it keeps answering with them; reported once, `details.reason` is
   * `vectors_gone`).
   */
  onError(error: unknown): void;
}

/** An engine that switches to the indexes `patmatch index` wrote since it opened. */
export interface ReloadingEngine extends SearchEngine {
  /** Looks at the indexes on disk now; resolves true when it switched to a new engine. */
  reload(): Promise<boolean>;
  /**
   * Null when the build on disk is the one searched; otherwise why not: a newer build waiting for
   * the next reload, one that could not be opened (with the error), or vectors gone from disk.
   */
  staleness(): Promise<string | null>;
}

const defaultReloadOptions: ReloadOptions = { intervalMs: 5000, onReload: () => {}, onError: () => {} };

/**
 * Opens the engine of a home and keeps it in step with the index. When the build on disk is not the
 * one opened (`patmatch index` wrote new vectors or a new model's, or swapped in a lexical index it
 * rebuilt whole, or the model's English lexicon file changed), a new engine is opened, new searches go to it, and the old one is closed once the
 * searches still running on it have finished. Updates of the store and of the lexical index in place
 * are SQLite transactions that every engine sees at once. An old engine reads its files through the
 * handles it opened, so it stays consistent until it closes. When the vectors the engine searches
 * disappear (the folder or its manifest deleted), it keeps them and reports it, rather than falling
 * back to lexical search; a home that never had vectors is searched lexically.
 *
 * @example
 * const engine = await openReloadingEngine('.patmatch', () => openSearchEngine('.patmatch'), { intervalMs: 5000 });
 * // … patmatch index runs in another process; within 5 s searches see the new patents
 * await engine.close();
 */
export async function openReloadingEngine(
  home: string,
  open: () => Promise<SearchEngine>,
  options: Partial<ReloadOptions> = {},
): Promise<ReloadingEngine> {
  const settings = { ...defaultReloadOptions, ...options };
  const layout = homeLayout(home);
  // Read before opening: an index written in between shows as a change and is picked up next time.
  const onDisk = async (): Promise<{ version: string; vectors: boolean }> => {
    const lexical = await lexicalVersion(layout.lexical);
    const manifest = await readManifest(layout.vectors).catch((error: Error) => ({ unreadable: error.message }));
    if (!manifest) return { version: lexical, vectors: false };
    if ('unreadable' in manifest) return { version: `${lexical} + vectors unreadable: ${manifest.unreadable}`, vectors: true };
    const vectors = `${manifest.model}#${manifest.revision}@${manifest.builtAt}`;
    // A model's lexicon can change while its weights, and so the vectors, stay the same (a retrain).
    const lexicon = await modelLexiconStamp(manifest.embedder);
    return { version: `${lexical} + vectors ${vectors}${lexicon ? ` + lexicon ${lexicon}` : ''}`, vectors: true };
  };
  const openedVersion = (await onDisk()).version;
  let current = { engine: await open(), version: openedVersion, running: 0, retired: false, closed: false };
  let reloading: Promise<boolean> | undefined;
  let failedVersion: string | undefined;
  let failedError = '';
  let goneReported: string | undefined;
  let closed = false;

  // A failure to close an old engine must not fail the search that happened to finish last on it.
  const closeWhenIdle = async (entry: typeof current) => {
    if (!entry.retired || entry.running > 0 || entry.closed) return;
    entry.closed = true;
    await entry.engine.close().catch((error: unknown) => settings.onError(error));
  };
  const use = async <T>(work: (engine: SearchEngine) => Promise<T>): Promise<T> => {
    const entry = current;
    entry.running++;
    try {
      return await work(entry.engine);
    } finally {
      entry.running--;
      await closeWhenIdle(entry);
    }
  };
  const reloadOnce = async (): Promise<boolean> => {
    const { version, vectors } = await onDisk();
    if (version === current.version || closed) return false;
    if (!vectors && current.engine.model !== null) {
      // `index` replacing the whole folder renames the old one aside a moment before the new one
      // comes in: not gone.
      if (isDirBeingReplaced(layout.vectors)) return false;
      if (version !== goneReported) {
        goneReported = version;
        settings.onError(
          new PatmatchError(
            'not_ready',
            `The vectors in ${layout.vectors} are gone (no manifest.json): still searching the ones opened before (${current.engine.model}). Run \`patmatch index\` to write them again, or restart serve to search lexically`,
            { reason: 'vectors_gone' },
          ),
        );
      }
      return false;
    }
    if (version === failedVersion) return false;
    const engine = await open().catch((error: unknown) => {
      failedVersion = version; // reported once, not at every interval
      failedError = error instanceof Error ? error.message : String(error);
      throw error;
    });
    if (closed) {
      await engine.close();
      return false;
    }
    const previous = current;
    current = { engine, version, running: 0, retired: false, closed: false };
    previous.retired = true;
    await closeWhenIdle(previous);
    settings.onReload({ from: previous.version, to: version });
    return true;
  };
  const reload = () => {
    reloading ??= reloadOnce().finally(() => (reloading = undefined));
    return reloading;
  };

  const timer =
    settings.intervalMs > 0
      ? setInterval(() => reload().catch((error: unknown) => settings.onError(error)), settings.intervalMs).unref()
      : undefined;

  return {
    get model() {
      return current.engine.model;
    },
    get lexicon() {
      return current.engine.lexicon;
    },
    search: (query, searchOptions) => use((engine) => engine.search(query, searchOptions)),
    similar: (applicationNumber, searchOptions) => use((engine) => engine.similar(applicationNumber, searchOptions)),
    scorePatents: (queries, applicationNumbers) => use((engine) => engine.scorePatents(queries, applicationNumbers)),
    explainPatents: (query, applicationNumbers) => use((engine) => engine.explainPatents(query, applicationNumbers)),
    reload,
    async staleness() {
      const { version, vectors } = await onDisk();
      if (version === current.version) return null;
      if (!vectors && current.engine.model !== null) return `the vectors searched (${current.engine.model}) are gone from disk; run \`patmatch index\` or restart serve`;
      if (version === failedVersion) return `the index build on disk cannot be opened (${failedError}); still serving ${current.version}`;
      const when = settings.intervalMs > 0 ? `serve looks every ${settings.intervalMs / 1000} s` : 'reloading is off: restart serve';
      return `a new index build is on disk and not searched yet (${version}; ${when})`;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await reloading?.catch(() => false);
      current.retired = true;
      await closeWhenIdle(current);
    },
  };
}

/**
 * The build of the lexical index on disk. A rebuild is a new generation file, with a new build id,
 * that the link at the path is moved to; updates in place keep the id, and the open engine sees
 * them. The id is read through the path because the engine's open file is the old one. An index from
 * before build ids, or one whose id cannot be read, is followed by the inode of the file the path
 * names (as before build ids), which a rebuild changes too.
 */
async function lexicalVersion(path: string): Promise<string> {
  let file: Stats;
  try {
    file = await stat(path);
  } catch (error) {
    return `lexical.db ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`;
  }
  let buildId: string | null = null;
  try {
    buildId = readLexicalBuildId(path);
  } catch {
    // Not readable as an index now: its inode tells a rebuild.
  }
  return buildId ? `lexical.db build ${buildId}` : `lexical.db ${file.dev}:${file.ino}`;
}
