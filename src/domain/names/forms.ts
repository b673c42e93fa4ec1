/**
 * How one space-separated word of an applicant field reads: a standalone organisation form, a word
 * carrying one, or a plain word. The splitter of space-joined applicants builds names from these.
 */

/** A word that is only a company form, written before or after the name (`주식회사 X`, `X 주식회사`). */
const COMPANY_FORMS = new Set(['(주)', '주식회사', '(유)', '유한회사', '(합)', '합자회사']);
/** A word that is only a legal-person form written before the name (`재단법인 X`). */
const LEGAL_PREFIXES = new Set(['재단법인', '사단법인', '학교법인', '의료법인', '사회복지법인', '농업회사법인', '영농조합법인', '(재)', '(사)']);
/** A word that is only a form written after the name (`X 산학협력단`, `X 인코포레이티드`). */
const SUFFIX_FORMS = new Set(['산학협력단', '인코포레이티드', '코포레이션', '리미티드', '엘티디', '컴퍼니']);
/** Endings that make a word an organisation by itself (`현대자동차주식회사`, `한국기계연구원`). */
const ORGANISATION_ENDINGS = [
  '주식회사', '(주)', '유한회사', '(유)', '산학협력단', '대학교', '대학', '연구원', '기술원', '연구소', '연구단', '센터',
  '재단', '공사', '공단', '병원', '법인', '조합', '협회', '학회', '진흥원', '광역시', '특별시', '특별자치시', '특별자치도',
  '인코포레이티드', '코포레이션', '리미티드',
];
/** Beginnings that make a word an organisation by itself (`(주)삼우아이티`, `주식회사두리엔터프라이즈`). */
const ORGANISATION_BEGINNINGS = ['(주)', '주식회사', '(유)', '유한회사', '(재)', '(사)', '재단법인', '사단법인'];
/** A university word followed by one of these units is one name (`인천대학교 산학협력단`, `상명대학교 천안산학협력단`). */
const UNIVERSITY_ENDINGS = ['대학교', '대학'];
const UNIVERSITY_UNITS = ['산학협력단', '연구센터', '센터', '연구소', '병원', '연구단'];
/** A Korean personal name: two to four Hangul syllables. */
const PERSON = /^[가-힣]{2,4}$/;

/** The reading of one word. */
export type WordKind = 'company-form' | 'legal-prefix' | 'suffix-form' | 'prefixed' | 'suffixed' | 'plain';

/**
 * How a word reads on its own.
 *
 * @example
 * wordKind('주식회사') // 'company-form'
 * wordKind('현대자동차주식회사') // 'suffixed'
 * wordKind('그린파이오니아') // 'plain'
 */
export function wordKind(word: string): WordKind {
  if (COMPANY_FORMS.has(word)) return 'company-form';
  if (LEGAL_PREFIXES.has(word)) return 'legal-prefix';
  if (SUFFIX_FORMS.has(word)) return 'suffix-form';
  if (ORGANISATION_BEGINNINGS.some((form) => word.length > form.length && word.startsWith(form))) return 'prefixed';
  if (ORGANISATION_ENDINGS.some((form) => word.length > form.length && word.endsWith(form))) return 'suffixed';
  return 'plain';
}

/**
 * Whether a word can be a person's name (2–4 Hangul syllables, no organisation form).
 *
 * @example
 * isPersonName('김종범') // true
 */
export function isPersonName(word: string): boolean {
  return PERSON.test(word) && wordKind(word) === 'plain';
}

/** Whether `university unit` (two words) is one name, e.g. `인천대학교 산학협력단`. */
export function isUniversityUnit(university: string, unit: string): boolean {
  return (
    wordKind(university) === 'suffixed' &&
    UNIVERSITY_ENDINGS.some((ending) => university.endsWith(ending)) &&
    UNIVERSITY_UNITS.some((ending) => unit === ending || unit.endsWith(ending))
  );
}

/**
 * The core words of a run of words that reads as one organisation name, or `null` when it does
 * not: an optional form word first (`주식회사`, `재단법인`), plain words, then an optional ending (a
 * form word, a word carrying a form, or a university and its unit). A company form written before
 * the name takes no ending; a run with no form at all is not an organisation.
 *
 * @example
 * organisationCores(['지오씨', '주식회사'])          // 1
 * organisationCores(['주식회사', '에스', '피', '지']) // 3
 * organisationCores(['지오씨', '인천대학교'])        // 2 (plain words before a word carrying a form)
 * organisationCores(['주식회사', '인천대학교'])      // null
 */
export function organisationCores(words: readonly string[]): number | null {
  const kinds = words.map(wordKind);
  let start = 0;
  const prefix = kinds[0] === 'company-form' || kinds[0] === 'legal-prefix' ? kinds[0] : null;
  if (prefix) start = 1;
  if (start === words.length) return null;
  if (!prefix && kinds[start] === 'prefixed') {
    return kinds.slice(start + 1).every((kind) => kind === 'plain') ? words.length - start : null;
  }
  let end = words.length;
  let endingCores = 0;
  const last = words.length - 1;
  if (last - 1 >= start && isUniversityUnit(words[last - 1]!, words[last]!)) {
    end = last - 1;
    endingCores = 1;
  } else if (kinds[last] === 'suffixed') {
    end = last;
    endingCores = 1;
  } else if ((kinds[last] === 'company-form' || kinds[last] === 'suffix-form') && last > start) {
    end = last;
  }
  const hasEnding = end < words.length;
  if (hasEnding && prefix === 'company-form') return null;
  if (!hasEnding && !prefix) return null;
  if (!kinds.slice(start, end).every((kind) => kind === 'plain')) return null;
  const cores = end - start + endingCores;
  return cores > 0 ? cores : null;
}
