/**
 * The English → Korean word lexicon a trained model carries (`patmatch_lexicon.json` in the model
 * folder). `train` mines it from the Korean ↔ English titles and the glosses of abstracts; searches
 * use it so that the English words of a demand also find Korean abstracts by keyword, as the model's
 * rows already do by meaning.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { PatmatchError } from '../../domain/errors.js';
import type { Translation } from '../../domain/index.js';
import { readModelJson } from '../../embed/model-files.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { parseInput } from '../../util/validate.js';
import { ENGLISH_STOPWORDS } from '../english.js';
import { splitWords } from '../subword/index.js';

/** File name of the lexicon inside a model folder. */
export const QUERY_LEXICON_FILE = 'patmatch_lexicon.json';

export type { Translation };

/**
 * English words (lowercase) and their Korean translations.
 *
 * @example
 * const lexicon = createQueryLexicon([{ english: 'graphene', korean: '그래핀' }]);
 * lexicon.translate('graphene') // '그래핀'
 * lexicon.translate('grpahene') // '그래핀' (one typo away)
 */
export interface QueryLexicon {
  readonly size: number;
  /**
   * The Korean word of an English word; failing that, of the only lexicon word one typo away (one
   * letter added, dropped, changed, or two neighbours swapped), for words of at least
   * {@link NEAR_MISS_MIN_LENGTH} letters, where one letter rarely makes another word.
   */
  translate(english: string): string | undefined;
}

/** Shorter words are translated only when spelled as listed (`cell` is one letter from `call`). */
export const NEAR_MISS_MIN_LENGTH = 5;

/** A lexicon entry as stored, with how strongly the pair was attested (both optional). */
export interface StoredTranslation extends Translation {
  /** Dice coefficient of the pair over the texts it was mined from. */
  dice?: number;
  /** Texts holding both words. */
  count?: number;
}

const FORMAT = 'patmatch-english-lexicon';

/** The English words a lexicon may hold: lowercase ASCII letters, as queries are split. */
export const LEXICON_ENGLISH_WORD = /^[a-z]{2,64}$/;
/** The Korean words a lexicon may hold: one word starting with Hangul, as keyword search takes it. */
export const LEXICON_KOREAN_WORD = /^\p{Script=Hangul}[^\s\p{Cc}]{0,31}$/u;

const fileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  entries: z
    .array(
      z.object({
        english: z.string().regex(LEXICON_ENGLISH_WORD, 'must be 2–64 lowercase ASCII letters'),
        korean: z.string().regex(LEXICON_KOREAN_WORD, 'must be one word of 1–32 characters starting with Hangul'),
        dice: z.number().min(0).max(1).optional(),
        count: z.number().int().min(0).optional(),
      }),
    )
    .max(1_000_000),
});

/**
 * Builds a lexicon; throws `invalid_input` when an English word is given twice.
 *
 * @example
 * createQueryLexicon([{ english: 'sensor', korean: '센서' }]).translate('sensors') // '센서'
 */
export function createQueryLexicon(entries: readonly Translation[]): QueryLexicon {
  const map = new Map<string, string>();
  entries.forEach(({ english, korean }, i) => {
    if (map.has(english)) throw new PatmatchError('invalid_input', `entries.${i}.english: "${english}" is listed twice`, { field: `entries.${i}.english` });
    map.set(english, korean);
  });
  const words = [...map.keys()];
  return {
    size: map.size,
    translate(english) {
      const exact = map.get(english);
      if (exact !== undefined || english.length < NEAR_MISS_MIN_LENGTH) return exact;
      const near = words.filter((word) => oneTypoApart(english, word));
      return near.length === 1 ? map.get(near[0]!) : undefined;
    },
  };
}

/** Whether two different words are one insertion, deletion, substitution or swap of neighbours apart. */
function oneTypoApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Writes the lexicon into a model folder (atomically).
 *
 * @example
 * await writeQueryLexicon(modelDir, [{ english: 'graphene', korean: '그래핀', dice: 0.9, count: 12 }]);
 */
export async function writeQueryLexicon(dir: string, entries: readonly StoredTranslation[]): Promise<void> {
  const file = { format: FORMAT, version: 1, entries: entries.map(({ english, korean, dice, count }) => ({ english, korean, dice, count })) };
  await writeFileAtomic(join(dir, QUERY_LEXICON_FILE), `${JSON.stringify(file)}\n`);
}

/**
 * Reads the lexicon of a model folder: null when the folder has none (models of other tools,
 * models trained with `--no-english-lexicon`); `invalid_input` naming the file, entry and field
 * when the file is damaged.
 *
 * @example
 * const lexicon = await readQueryLexicon('.patmatch/models/default'); // QueryLexicon | null
 */
export async function readQueryLexicon(dir: string): Promise<QueryLexicon | null> {
  const json = await readModelJson(dir, QUERY_LEXICON_FILE);
  if (json === undefined) return null;
  const where = `model folder ${dir}: ${QUERY_LEXICON_FILE}`;
  const file = parseInput(fileSchema, json, where);
  try {
    return createQueryLexicon(file.entries);
  } catch (error) {
    throw new PatmatchError('invalid_input', `${where}, ${(error as Error).message}`);
  }
}

const STOPWORDS: ReadonlySet<string> = new Set(ENGLISH_STOPWORDS);

/** A query as keyword search takes it, and the translations added to it. */
export interface ExpandedQuery {
  /** The query followed by the Korean translations of its English words, so either language matches. */
  text: string;
  translations: Translation[];
}

/**
 * Adds the Korean words of the English words of a query the lexicon knows (each once, in query
 * order; a translation the query already holds is left out, and so are English stopwords such as
 * `and`, which keyword search ignores). Without a lexicon the query is kept.
 *
 * @example
 * expandQuery('graphene humidity sensor', lexicon)
 * // { text: 'graphene humidity sensor 그래핀 습도 센서', translations: [{ english: 'graphene', korean: '그래핀' }, …] }
 */
export function expandQuery(query: string, lexicon: QueryLexicon | null): ExpandedQuery {
  const translations: Translation[] = [];
  const seen = new Set<string>();
  for (const english of lexicon ? splitWords(query) : []) {
    // Keyword search leaves these out of English text; their translations (및, 또는, 이용) would
    // only add frequent Korean words.
    if (STOPWORDS.has(english)) continue;
    const korean = lexicon!.translate(english);
    if (korean === undefined || seen.has(korean) || query.includes(korean)) continue;
    seen.add(korean);
    translations.push({ english, korean });
  }
  const text = translations.length === 0 ? query : `${query} ${translations.map((t) => t.korean).join(' ')}`;
  return { text, translations };
}
