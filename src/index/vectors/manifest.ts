import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import type { VectorsManifest } from './types.js';

/** File names inside the vectors folder. */
export const vectorFiles = {
  manifest: 'manifest.json',
  abstractGraph: 'abstracts.usearch',
  abstractTable: 'abstracts.vt',
  titleTable: 'titles.vt',
} as const;

/**
 * Reads the manifest of a vectors folder, or null when there is none (no model indexed yet).
 *
 * @example
 * (await readManifest('.patmatch/vectors'))?.model // 'static:default@3f2a…'
 */
export async function readManifest(dir: string): Promise<VectorsManifest | null> {
  const path = join(dir, vectorFiles.manifest);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return null;
  try {
    const manifest = JSON.parse(text) as VectorsManifest;
    if (typeof manifest.model !== 'string' || typeof manifest.embedder !== 'string' || !(manifest.dimension > 0)) {
      throw new Error('model, embedder or dimension missing');
    }
    return manifest;
  } catch (error) {
    throw new PatmatchError('invalid_input', `${path}: not a valid manifest (${(error as Error).message}); run \`patmatch index --full\` (with \`--embedder <spec>\` when the home has no trained model)`);
  }
}

/**
 * Like {@link readManifest}, but a manifest that is there and unreadable counts as none: the vectors
 * are then rebuilt whole, which is what its error message asks for.
 *
 * @example
 * const previous = await readManifestToRebuild('.patmatch/vectors'); // null → embed every patent
 */
export async function readManifestToRebuild(dir: string): Promise<VectorsManifest | null> {
  return readManifest(dir).catch((error: unknown) => {
    if (error instanceof PatmatchError) return null;
    throw error;
  });
}
