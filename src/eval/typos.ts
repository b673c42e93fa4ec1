/**
 * Jamo-level typos for robustness tests: Hangul syllables are decomposed into jamo, one jamo is
 * substituted, deleted, inserted or transposed with its neighbour, and the jamo are recomposed.
 */
import type { Random } from '../train/random.js';

const CHO = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const JUNG = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ';
/** Index 0 = no final consonant. */
const JONG = ['', ...'ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ'];
const SYLLABLE_BASE = 0xac00;
const SYLLABLE_LAST = 0xd7a3;

/**
 * Hangul syllables → compatibility jamo (`한` → `ㅎㅏㄴ`); other characters unchanged.
 *
 * @example
 * decomposeHangul('전극') // 'ㅈㅓㄴㄱㅡㄱ'
 */
export function decomposeHangul(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < SYLLABLE_BASE || code > SYLLABLE_LAST) {
      out += ch;
      continue;
    }
    const offset = code - SYLLABLE_BASE;
    out += CHO[Math.floor(offset / 588)]! + JUNG[Math.floor((offset % 588) / 28)]! + JONG[offset % 28]!;
  }
  return out;
}

/**
 * Compatibility jamo → syllables, greedily (initial + medial + optional final when the next jamo
 * does not start a syllable); jamo that cannot form a syllable stay as they are.
 *
 * @example
 * composeHangul('ㅈㅓㄴㄱㅡㄱ') // '전극'
 */
export function composeHangul(jamo: string): string {
  const chars = [...jamo];
  let out = '';
  for (let i = 0; i < chars.length; ) {
    const cho = CHO.indexOf(chars[i]!);
    const jung = i + 1 < chars.length ? JUNG.indexOf(chars[i + 1]!) : -1;
    if (cho < 0 || jung < 0) {
      out += chars[i];
      i++;
      continue;
    }
    let jong = 0;
    const next = chars[i + 2];
    const afterNext = chars[i + 3];
    const candidate = next === undefined ? -1 : JONG.indexOf(next);
    // A consonant is a final unless a vowel follows it (then it starts the next syllable).
    if (candidate > 0 && (afterNext === undefined || JUNG.indexOf(afterNext) < 0)) jong = candidate;
    out += String.fromCharCode(SYLLABLE_BASE + cho * 588 + jung * 28 + jong);
    i += jong > 0 ? 3 : 2;
  }
  return out;
}

const CONSONANTS = [...CHO];
const VOWELS = [...JUNG];

/**
 * Adds `count` jamo-level typos (substitute / delete / insert / transpose) at random Hangul
 * positions of `text`; text without Hangul comes back unchanged. Deterministic for a given `rng`.
 *
 * @example
 * addJamoTypos('슈퍼커패시터 전극', 1, createRandom(7)) // e.g. '슈퍼커패시터 전긍'
 */
export function addJamoTypos(text: string, count: number, rng: Random): string {
  let current = text;
  for (let t = 0; t < count; t++) {
    const jamo = [...decomposeHangul(current)];
    const positions = jamo.flatMap((ch, i) => (CONSONANTS.includes(ch) || VOWELS.includes(ch) ? [i] : []));
    if (positions.length === 0) return current;
    const i = positions[rng.int(positions.length)]!;
    const ch = jamo[i]!;
    const pool = VOWELS.includes(ch) ? VOWELS : CONSONANTS;
    const other = () => {
      const pick = pool[rng.int(pool.length - 1)]!;
      return pick === ch ? pool[pool.length - 1]! : pick;
    };
    const operation = rng.int(4);
    if (operation === 0) jamo[i] = other();
    else if (operation === 1) jamo.splice(i, 1);
    else if (operation === 2) jamo.splice(i, 0, other());
    else if (i + 1 < jamo.length && jamo[i + 1] !== ch) [jamo[i], jamo[i + 1]] = [jamo[i + 1]!, ch];
    else jamo[i] = other();
    const next = composeHangul(jamo.join(''));
    current = next === current ? composeHangul([...jamo.slice(0, i), other(), ...jamo.slice(i + 1)].join('')) : next;
  }
  return current;
}
