import { readManifest } from '../index/vectors/index.js';
import { homeLayout } from '../store/home.js';
import type { SearchEngine } from './types.js';

/**
 * How a served engine follows `patmatch index`.
 *
 * @example
 * const options: Partial<ReloadOptions> = { intervalMs: 1000, onReload: (info) => console.error(info) };
 */
export interface ReloadOptions {
  /** How often the vectors manifest is read; 0 = only when `reload()` is called. */
  intervalMs: number;
  /** Called after new searches switched to the newly opened engine. */
  onReload(info: { from: string; to: string }): void;
  /**
   * Called when the timer's reload failed to open the new engine (the current one keeps answering,
   * and that build is not tried again) or an old engine failed to close.
   */
  onError(error: unknown): void;
}

/** An engine that switches to the vectors `patmatch index` wrote since it opened. */
export interface ReloadingEngine extends SearchEngine {
  /** Reads the manifest now; resolves true when it switched to a new engine. */
  reload(): Promise<boolean>;
}

const defaultReloadOptions: ReloadOptions = { intervalMs: 5000, onReload: () => {}, onError: () => {} };

/**
 * Opens the engine of a home and keeps it in step with the index: when the vectors manifest shows
 * another build than the one opened (`patmatch index` ran, or a new model was indexed),
 * a new engine is opened, new searches go to it, and the old one is closed once the searches still
 * running on it have finished. The store and the lexical index are SQLite and always current; the
 * vectors are read through the files that were open, so an old engine stays consistent until it closes.
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
  const vectorsDir = homeLayout(home).vectors;
  // Read before opening: an index written in between shows as a change and is picked up next time.
  const versionOnDisk = async () => {
    const manifest = await readManifest(vectorsDir).catch((error: Error) => ({ unreadable: error.message }));
    if (!manifest) return 'lexical';
    return 'unreadable' in manifest ? `unreadable: ${manifest.unreadable}` : `${manifest.model}#${manifest.revision}@${manifest.builtAt}`;
  };
  const openedVersion = await versionOnDisk();
  let current = { engine: await open(), version: openedVersion, running: 0, retired: false, closed: false };
  let reloading: Promise<boolean> | undefined;
  let failedVersion: string | undefined;
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
    const version = await versionOnDisk();
    if (version === current.version || version === failedVersion || closed) return false;
    const engine = await open().catch((error: unknown) => {
      failedVersion = version; // reported once, not at every interval
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
    search: (query, searchOptions) => use((engine) => engine.search(query, searchOptions)),
    similar: (applicationNumber, searchOptions) => use((engine) => engine.similar(applicationNumber, searchOptions)),
    reload,
    async close() {
      closed = true;
      clearInterval(timer);
      await reloading?.catch(() => false);
      current.retired = true;
      await closeWhenIdle(current);
    },
  };
}
