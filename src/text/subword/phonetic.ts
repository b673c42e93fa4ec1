/**
 * Consonant skeletons shared by an English word and its Korean loanword transcription
 * (`sensor` and `센서` → `SNS`, `graphene` and `그래핀` → `KLPN`, `dump truck` and `덤프트럭` →
 * `TMPTLK`). Korean technical writing is full of transcribed English terms, so an English query
 * word and the Hangul word of an abstract meet on the same skeleton even when no training pair
 * ever showed them together. Vowels are dropped (their spelling differs too much between the two),
 * consonants fall into the classes Korean loanword spelling merges (b/p/f/v → P, l/r → L, s/z/j/ch → S …),
 * and repeats collapse, because Korean doubles ㄹ and English doubles letters.
 */

/** Skeletons with fewer consonant classes than this say too little to be worth a feature. */
const MIN_SKELETON = 2;

// Initial consonants of a Hangul syllable, in Unicode order: ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ.
const INITIALS = ['K', 'K', 'N', 'T', 'T', 'L', 'M', 'P', 'P', 'S', 'S', '', 'S', 'S', 'S', 'K', 'T', 'P', 'H'];
// Final consonants, in Unicode order (none, ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ). A final ㅅ
// transcribes a final t (로봇 robot), a final ㅇ the sound of ng (링 ring).
const FINALS = ['', 'K', 'K', 'K', 'N', 'N', 'N', 'T', 'L', 'L', 'L', 'L', 'L', 'L', 'L', 'L', 'M', 'P', 'P', 'T', 'T', 'Q', 'T', 'T', 'K', 'T', 'P', 'T'];

/** Korean particles (and the suffix 용, "for") dropped from the end of a word before its skeleton is taken (`센서를` → `센서`). */
const PARTICLES = ['에서', '으로', '에게', '까지', '부터', '을', '를', '이', '가', '은', '는', '의', '에', '로', '와', '과', '도', '만', '용'];

/** Frequent words of English patent titles whose skeletons would only collide with Korean words. */
const ENGLISH_STOPWORDS = new Set([
  'and', 'the', 'for', 'with', 'using', 'method', 'methods', 'apparatus', 'device', 'devices', 'thereof', 'same', 'having',
  'based', 'manufacturing', 'comprising', 'including', 'from', 'into', 'its', 'that', 'which', 'use', 'used', 'making',
  'preparing', 'producing', 'providing', 'capable', 'new', 'novel',
]);

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

function collapse(classes: string[]): string {
  let out = '';
  for (const c of classes) if (c !== '' && c !== out[out.length - 1]) out += c;
  return out;
}

/**
 * The skeleton of a run of Hangul syllables (any other character ends it).
 *
 * @example
 * hangulSkeleton('엘라스토머') // 'LSTM'
 */
export function hangulSkeleton(word: string): string {
  const classes: string[] = [];
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i) - 0xac00;
    if (code < 0 || code >= 11172) break;
    classes.push(INITIALS[Math.floor(code / 588)]!, FINALS[code % 28]!);
  }
  return collapse(classes);
}

/**
 * The skeleton a Korean transcription of an English word would have.
 *
 * @example
 * englishSkeleton('elastomer') // 'LSTM'
 */
export function englishSkeleton(word: string): string {
  const w = word.toLowerCase();
  const at = (i: number) => w[i] ?? '';
  const vowelAt = (i: number) => VOWELS.has(at(i));
  const classes: string[] = [];
  for (let i = 0; i < w.length; i++) {
    const c = w[i]!;
    const next = at(i + 1);
    if (VOWELS.has(c) || c === 'w') continue;
    const digraph = c + next;
    if (digraph === 'ph') classes.push('P');
    else if (digraph === 'th') classes.push('T');
    else if (digraph === 'sh' || digraph === 'ch') classes.push('S');
    else if (digraph === 'gh') classes.push('');
    else if (digraph === 'ck' || digraph === 'qu') classes.push('K');
    else if (digraph === 'ng') {
      // ring 링, angle 앵글, but engine 엔진 (a soft g after n).
      if ('eiy'.includes(at(i + 2)) && at(i + 2) !== '') classes.push('N', 'S');
      else classes.push('Q', vowelAt(i + 2) || at(i + 2) === 'l' || at(i + 2) === 'r' ? 'K' : '');
    } else {
      classes.push(consonantClass(c, next, at(i + 2)));
      continue;
    }
    i++;
  }
  return collapse(classes);
}

function consonantClass(c: string, next: string, afterNext: string): string {
  switch (c) {
    case 'b': case 'p': case 'f': case 'v': return 'P';
    case 'd': return 'T';
    // -tion, -tial: 애니메이션 animation.
    case 't': return next === 'i' && VOWELS.has(afterNext) ? 'S' : 'T';
    case 'k': case 'q': return 'K';
    case 'c': return 'eiy'.includes(next) && next !== '' ? 'S' : 'K';
    case 'g': return 'eiy'.includes(next) && next !== '' ? 'S' : 'K';
    case 's': case 'z': case 'j': return 'S';
    case 'x': return 'KS';
    case 'l': return 'L';
    // Korean drops an r that no sounded vowel follows (모터 motor, 필터 filter, 웨어 ware).
    case 'r': return VOWELS.has(next) && !(next === 'e' && afterNext === '') ? 'L' : '';
    case 'm': return 'M';
    case 'n': return 'N';
    case 'h': return 'H';
    default: return '';
  }
}

/**
 * The skeletons of a Hangul word: the word itself, the word without a trailing particle, and its
 * morphemes (as the tokeniser matched them) of two syllables or more.
 *
 * @example
 * hangulWordSkeletons('센서를') // ['SNSL', 'SNS']
 * hangulWordSkeletons('태양광모듈', ['태양', '광', '모듈']) // ['TQKQMTL', 'TQ', 'MTL']
 */
export function hangulWordSkeletons(word: string, morphemes: readonly string[] = []): string[] {
  const particle = PARTICLES.find((p) => word.length > p.length + 1 && word.endsWith(p));
  const units = [word, ...(particle ? [word.slice(0, -particle.length)] : []), ...morphemes.filter((m) => m.length >= 2)];
  const out = units.map(hangulSkeleton);
  return out.filter((s, i) => s.length >= MIN_SKELETON && out.indexOf(s) === i);
}

/**
 * The skeletons of the English words of a text, each word alone and each pair of neighbours
 * (`dump truck` → `TMP`, `TLK`, `TMPTLK`, as Korean writes 덤프트럭 as one word).
 *
 * @example
 * englishWordSkeletons(['dump', 'truck']) // ['TMP', 'TLK', 'TMPTLK']
 */
export function englishWordSkeletons(words: readonly string[]): string[] {
  const skeletons = words.map((w) => (w.length >= 3 && !ENGLISH_STOPWORDS.has(w) ? englishSkeleton(w) : ''));
  const out: string[] = [];
  skeletons.forEach((s, i) => {
    if (s.length >= MIN_SKELETON) out.push(s);
    const next = skeletons[i + 1];
    if (s !== '' && next) out.push(collapse([...s, ...next]));
  });
  return out;
}
