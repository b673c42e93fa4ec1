/**
 * English words that never become index terms: function words and patent boilerplate, so that an
 * English title's "METHOD OF … FOR THE SAME" does not outweigh its content words.
 *
 * @example
 * await createAnalyzer({ stopwords: [...ENGLISH_STOPWORDS, 'method'] });
 */
export const ENGLISH_STOPWORDS: readonly string[] = [
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'has', 'have', 'in', 'into', 'is',
  'it', 'its', 'of', 'on', 'or', 'same', 'said', 'such', 'that', 'the', 'their', 'thereof', 'this',
  'to', 'using', 'was', 'were', 'wherein', 'which', 'with',
];

/**
 * Reduces an English plural to its singular with Harman's S-stemmer, the conservative rule set
 * that only touches `-ies`, `-es` and `-s` endings, so it never over-stems content words.
 * Expects a lowercased word; words of three letters or fewer are left alone.
 *
 * @example
 * stemPlural('batteries') // 'battery'
 * stemPlural('electrodes') // 'electrode'
 * stemPlural('glass') // 'glass'
 */
export function stemPlural(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !word.endsWith('aes') && !word.endsWith('ees') && !word.endsWith('oes')) {
    return word.slice(0, -1);
  }
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
