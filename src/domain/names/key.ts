/**
 * The comparison key of an applicant or organisation name: NFKC (so `㈜` becomes `(주)`), without
 * company-form markers (`(주)`, `주식회사`), spaces or case, so that the spellings KIPRIS and a
 * manager list use for the same applicant compare equal.
 *
 * @example
 * nameKey('(주) 에이치씨테크') === nameKey('에이치씨테크 주식회사') // true: both '에이치씨테크'
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\(주\)|주식회사|\(유\)|유한회사/g, '')
    .replace(/[\s\u200b]+/g, '')
    .toLowerCase();
}

/**
 * The key of a name as written, only spacing and case aside: `지오씨 주식회사` and `지오씨` differ,
 * so a known company never stands for a shorter run of words when splitting a joined field.
 *
 * @example
 * spellingKey('인천대학교 산학협력단') === spellingKey('인천대학교산학협력단') // true
 */
export function spellingKey(name: string): string {
  return name.normalize('NFKC').replace(/[\s\u200b]+/g, '').toLowerCase();
}
