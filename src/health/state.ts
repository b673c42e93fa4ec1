import { realpath, stat } from 'node:fs/promises';
import { readLexicalMeta, type LexicalMeta } from '../index/lexical/index.js';
import { readManifest, type VectorsManifest } from '../index/vectors/index.js';
import { homeLayout } from '../store/home.js';
import type { PatentStore } from '../store/index.js';

/** An index that is there but cannot be read, and why. */
export interface Unreadable {
  error: string;
}

/** What the indexes of a home reflect, next to the store (readiness and metrics read it). */
export interface IndexState {
  store: { id: string; revision: number; patents: number };
  /** Null when there is no `lexical.db`. `modifiedAt` is the last write to its file or log (ms since the epoch). */
  lexical: (LexicalMeta & { modifiedAt: number }) | Unreadable | null;
  /** Null when the home has no vectors (lexical search only). */
  vectors: VectorsManifest | Unreadable | null;
}

/**
 * Reads what the indexes on disk reflect: the lexical index's build, revision and store (through a
 * short-lived read-only connection), the vectors manifest, and the store's revision and count.
 *
 * @example
 * const state = await readIndexState(home, store);
 * state.store.revision - ('revision' in state.vectors!) ? … // patents changed since the vectors were built
 */
export async function readIndexState(home: string, store: PatentStore): Promise<IndexState> {
  const layout = homeLayout(home);
  const unreadable = (error: unknown): Unreadable => ({ error: error instanceof Error ? error.message : String(error) });
  const lexical = await stat(layout.lexical).then(
    async (file) => {
      // SQLite names the log after the generation file the link names.
      const log = await stat(`${await realpath(layout.lexical)}-wal`).catch(() => null);
      try {
        return { ...readLexicalMeta(layout.lexical), modifiedAt: Math.max(file.mtimeMs, log?.mtimeMs ?? 0) };
      } catch (error) {
        return unreadable(error);
      }
    },
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : unreadable(error)),
  );
  const vectors = await readManifest(layout.vectors).catch(unreadable);
  return { store: { id: store.storeId, revision: store.currentRevision, patents: store.count() }, lexical, vectors };
}
