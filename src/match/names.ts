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
 * The separate applicants in one KIPRIS applicant field (`|`, `,` or `;` separated), each as a key.
 *
 * @example
 * applicantKeys('삼성전자주식회사|서울대학교산학협력단') // ['삼성전자', '서울대학교산학협력단']
 */
export function applicantKeys(applicant: string): string[] {
  return applicant
    .split(/[|,;]/)
    .map(nameKey)
    .filter((key) => key.length > 0);
}
