/**
 * A word-level English → Korean lexicon mined from the Korean ↔ English title pairs training sees
 * and the English glosses of abstracts (`폴리염화비닐(PVC)`),
 * applied to a trained table so that an English word's row becomes its Korean counterpart's. The
 * title pairs train whole titles towards each other, which leaves many English words short of their
 * Korean translation; copying rows makes `graphene sensor` and `그래핀 센서` the same sentence.
 */
import type { SubwordSpec } from '../text/subword/index.js';
import { splitWords } from '../text/subword/index.js';
// The same words the lexicon file accepts, so a mined lexicon always reads back.
import { LEXICON_ENGLISH_WORD, LEXICON_KOREAN_WORD } from '../text/lexicon/index.js';
import type { EmbeddingTable } from './encoder.js';

/** One English word and the Korean morpheme it translates. */
export interface LexiconEntry {
  english: string;
  korean: string;
  /** Rows in the table (vocabulary ids). */
  englishId: number;
  koreanId: number;
  /** Dice coefficient of the two over the pairs: 2·both / (english + korean). */
  dice: number;
  /** Pairs holding both. */
  count: number;
}

/** Options of {@link mineEnglishLexicon}, merged over {@link defaultLexiconOptions}. */
export interface LexiconOptions {
  /** Keep a pair whose Dice coefficient is at least this. */
  minDice: number;
  /** Keep a pair seen together in at least this many pairs. */
  minCount: number;
}

/** At least half of their occurrences together, seen together more than once. */
export const defaultLexiconOptions: LexiconOptions = { minDice: 0.5, minCount: 2 };


/**
 * Mines English word → Korean morpheme pairs from parallel texts. A pair is kept when each is the
 * other's best match by Dice coefficient (mutual best, which drops `protein → 누에` when 누에 goes
 * better with `silkworm`) and it passes `options`. Only words of the vocabulary count: English words
 * and Korean morphemes (as `encode` matches them) of the shapes the lexicon file accepts.
 *
 * @example
 * const lexicon = mineEnglishLexicon([{ english: 'GRAPHENE SENSOR', korean: '그래핀 센서' }, …], spec, tokenizer.encode);
 * // [{ english: 'graphene', korean: '그래핀', dice: 1, … }, { english: 'sensor', korean: '센서', … }]
 */
export function mineEnglishLexicon(
  pairs: Iterable<{ english: string; korean: string }>,
  spec: SubwordSpec,
  encode: (text: string) => number[],
  options: Partial<LexiconOptions> = {},
): LexiconEntry[] {
  const o = { ...defaultLexiconOptions, ...options };
  const idOf = new Map(spec.vocab.map((unit, id) => [unit, id]));
  const englishCount = new Map<number, number>();
  const koreanCount = new Map<number, number>();
  const together = new Map<number, Map<number, number>>();
  const add = <K>(counts: Map<K, number>, key: K) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const { english, korean } of pairs) {
    const englishIds = new Set(
      splitWords(english)
        .filter((word) => LEXICON_ENGLISH_WORD.test(word))
        .flatMap((word) => idOf.get(word) ?? []),
    );
    const koreanIds = new Set(encode(korean).filter((id) => id < spec.vocab.length && LEXICON_KOREAN_WORD.test(spec.vocab[id]!)));
    for (const e of englishIds) {
      add(englishCount, e);
      let row = together.get(e);
      if (!row) together.set(e, (row = new Map()));
      for (const k of koreanIds) add(row, k);
    }
    for (const k of koreanIds) add(koreanCount, k);
  }

  const candidates: LexiconEntry[] = [];
  for (const [englishId, row] of together) {
    for (const [koreanId, count] of row) {
      if (count < o.minCount) continue;
      const dice = (2 * count) / (englishCount.get(englishId)! + koreanCount.get(koreanId)!);
      candidates.push({ english: spec.vocab[englishId]!, korean: spec.vocab[koreanId]!, englishId, koreanId, dice, count });
    }
  }
  // Ties go to the more frequent pair, then to the earlier (more frequent) vocabulary entry.
  const better = (a: LexiconEntry, b: LexiconEntry) => b.dice - a.dice || b.count - a.count || a.koreanId - b.koreanId || a.englishId - b.englishId;
  const bestOfEnglish = new Map<number, LexiconEntry>();
  const bestOfKorean = new Map<number, LexiconEntry>();
  for (const entry of candidates.sort(better)) {
    if (!bestOfEnglish.has(entry.englishId)) bestOfEnglish.set(entry.englishId, entry);
    if (!bestOfKorean.has(entry.koreanId)) bestOfKorean.set(entry.koreanId, entry);
  }
  return [...bestOfEnglish.values()].filter((entry) => bestOfKorean.get(entry.koreanId) === entry && entry.dice >= o.minDice);
}

/**
 * Gives each English word of `lexicon` the row of its Korean morpheme.
 *
 * @example
 * alignEnglishRows(table, lexicon); // row of 'graphene' = row of '그래핀'
 */
export function alignEnglishRows(table: EmbeddingTable, lexicon: readonly LexiconEntry[]): void {
  const { dim, data } = table;
  for (const { englishId, koreanId } of lexicon) data.copyWithin(englishId * dim, koreanId * dim, (koreanId + 1) * dim);
}
