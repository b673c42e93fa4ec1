/** The English lexicon that comes with the model of a home's vectors (see `src/text/lexicon`). */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { embedderFolder } from '../embed/index.js';
import { QUERY_LEXICON_FILE, readQueryLexicon, type QueryLexicon } from '../text/lexicon/index.js';

/**
 * The English lexicon of the model an embedder spec loads (`patmatch_lexicon.json` in its folder),
 * or null when it has none.
 *
 * @example
 * const lexicon = await modelLexicon('static:.patmatch/models/default');
 */
export async function modelLexicon(embedderSpec: string): Promise<QueryLexicon | null> {
  const folder = embedderFolder(embedderSpec);
  return folder === null ? null : readQueryLexicon(folder);
}

/**
 * What identifies the lexicon file of a model on disk (size and modification time), so a served
 * engine can tell when it changed; null when the model has none.
 *
 * @example
 * await modelLexiconStamp('static:.patmatch/models/default') // '41233 bytes @ 1764600000000'
 */
export async function modelLexiconStamp(embedderSpec: string): Promise<string | null> {
  const folder = embedderFolder(embedderSpec);
  if (folder === null) return null;
  const info = await stat(join(folder, QUERY_LEXICON_FILE)).catch(() => null);
  return info ? `${info.size} bytes @ ${info.mtimeMs}` : null;
}
