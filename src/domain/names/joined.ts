/**
 * Splitting a field that joins several names with plain spaces (`현대자동차주식회사 기아자동차주식회사
 * 인천대학교 산학협력단`), as some exports write co-applicants. The words are cut into names that each
 * read as a known name, an organisation (by its form words) or a person; among all cuttings the
 * cheapest wins, and the field stays whole when no cutting reads, or when two read equally well.
 */
import { isPersonName, organisationCores } from './forms.js';
import { spellingKey } from './key.js';

/** What splitting a joined field did: `single` (one name), `split`, or `kept-whole` (unsure). */
export type JoinedOutcome = 'single' | 'split' | 'kept-whole';

/** The names read from a joined field and how they were read. */
export interface JoinedNames {
  names: string[];
  outcome: JoinedOutcome;
}

/**
 * Names already known as single names (the store's applicants, the manager directory), by
 * `spellingKey`. Build it with `knownNames`.
 */
export interface KnownNames {
  has(name: string): boolean;
}

/** Costs of reading a run of words as one name: a known name beats an organisation, which beats a person. */
const COST = { known: 0.5, organisation: 1, person: 1.5, extraCore: 2 } as const;
/** Longest run of words read as one name, and the most words a field may have to be split at all. */
const LIMITS = { wordsPerName: 8, words: 64 } as const;

/** No names known: organisation forms and person names only. */
export const NO_KNOWN_NAMES: KnownNames = { has: () => false };

/**
 * The known names to split joined fields with, from any list of names. A name that would itself be
 * split (a directory row per co-applied string, `A 주식회사 인천대학교 산학협력단`) is left out, so it
 * never glues co-applicants back together.
 *
 * @example
 * const known = knownNames(['청원화학', '인천대학교 산학협력단 에이치씨테크(주)']);
 * known.has('청원화학') // true; the co-applied string is not known
 */
export function knownNames(names: Iterable<string>): KnownNames {
  const keys = new Set<string>();
  for (const name of names) {
    if (splitJoinedNames(name, NO_KNOWN_NAMES).outcome !== 'split') keys.add(spellingKey(name));
  }
  return { has: (name) => keys.has(spellingKey(name)) };
}

/**
 * The names in a field that may join several with spaces. `name` is already normalised (NFKC,
 * single spaces).
 *
 * @example
 * splitJoinedNames('지오씨 주식회사 인천대학교 산학협력단', NO_KNOWN_NAMES)
 * // { names: ['지오씨 주식회사', '인천대학교 산학협력단'], outcome: 'split' }
 * splitJoinedNames('인천대학교 산학협력단', NO_KNOWN_NAMES) // { names: ['인천대학교 산학협력단'], outcome: 'single' }
 * splitJoinedNames('알파 주식회사 베타', NO_KNOWN_NAMES)    // kept whole: `알파 주식회사` or `주식회사 베타`?
 */
export function splitJoinedNames(name: string, known: KnownNames): JoinedNames {
  const words = name.split(' ').filter((word) => word.length > 0);
  if (words.length <= 1) return { names: [name], outcome: 'single' };
  if (words.length > LIMITS.words) return { names: [name], outcome: 'kept-whole' };
  const best = cheapestCutting(words, known);
  if (!best || best.ties > 1) return { names: [name], outcome: 'kept-whole' };
  if (best.cuts.length === 1) return { names: [name], outcome: 'single' };
  const names = best.cuts.map(([from, to]) => words.slice(from, to).join(' '));
  return { names, outcome: 'split' };
}

/**
 * Space-joined personal names (`안호선 김지훈 이길원`, as some exports write inventors): split only
 * when every word is a person's name; anything else stays whole.
 *
 * @example
 * splitJoinedPersons('안호선 김지훈') // ['안호선', '김지훈']
 * splitJoinedPersons('John Smith')    // ['John Smith']
 */
export function splitJoinedPersons(name: string): string[] {
  const words = name.split(' ').filter((word) => word.length > 0);
  return words.length > 1 && words.every(isPersonName) ? words : [name];
}

interface Cutting {
  cost: number;
  /** How many cuttings share this cost: more than one means unsure. */
  ties: number;
  cuts: Array<[number, number]>;
}

/** The cheapest cutting of all words into names, by dynamic programming over word positions. */
function cheapestCutting(words: readonly string[], known: KnownNames): Cutting | null {
  const best: Array<Cutting | null> = [{ cost: 0, ties: 1, cuts: [] }];
  for (let to = 1; to <= words.length; to++) {
    let here: Cutting | null = null;
    for (let from = Math.max(0, to - LIMITS.wordsPerName); from < to; from++) {
      const before = best[from];
      const cost = before ? nameCost(words.slice(from, to), known) : null;
      if (!before || cost === null) continue;
      const total = before.cost + cost;
      if (!here || total < here.cost) here = { cost: total, ties: before.ties, cuts: [...before.cuts, [from, to]] };
      else if (total === here.cost) here.ties += before.ties;
    }
    best.push(here);
  }
  return best[words.length] ?? null;
}

/** The cost of reading a run of words as one name, or `null` when it does not read as one. */
function nameCost(words: readonly string[], known: KnownNames): number | null {
  if (known.has(words.join(' '))) return COST.known;
  if (words.length === 1 && isPersonName(words[0]!)) return COST.person;
  const cores = organisationCores(words);
  return cores === null ? null : COST.organisation + COST.extraCore * (cores - 1);
}
