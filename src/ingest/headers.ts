/**
 * The column names of the patent exports people bring (KIPRIS search downloads, WIPS ON, KIPRIS
 * Plus field names, Google Patents, search-engine dumps): which `Patent` field a header cell names,
 * which recognised columns patmatch does not store, and what an unknown column might hold.
 * Tables are in docs/data.md (## Header aliases).
 */
import type { Patent } from '../domain/index.js';

/** A `Patent` field a column can feed. */
export type Field = keyof Omit<Patent, 'kind'>;

/**
 * Known header names per field, compared after `headerKey` (NFKC, lower case, no spaces or
 * punctuation). When several columns name one field, the one whose name comes first here is read
 * (`IPC (All)` before `IPC (Main)`).
 */
export const ALIASES: Readonly<Record<Field, readonly string[]>> = {
  title: ['발명의명칭', '발명의명칭국문', '발명의명칭한글', '발명명칭', '특허명', '명칭', '국문명칭', '한글명칭', '제목', 'title', 'inventiontitle', 'inventionname', 'koreantitle'],
  titleEn: ['영문명칭', '발명의명칭영문', '영문발명의명칭', '영문제목', '영문특허명', 'englishtitle', 'titleen', 'titleenglish', 'inventiontitleen', 'inventiontitleeng'],
  abstract: ['요약', '요약문', '초록', '설명', '요약국문', 'abstract', 'summary', 'astrtcont'],
  applicationNumber: ['출원번호', 'applicationnumber', 'applicationno', 'appno', 'applno', 'filingnumber'],
  applicationDate: ['출원일', '출원일자', '출원날짜', 'applicationdate', 'filingdate', 'appdate', 'filingcreationdate'],
  applicants: ['출원인', '출원인명', '출원인국문', 'applicant', 'applicants', 'applicantname', 'assignee', 'assignees'],
  ipc: [
    'ipc', 'ipcall', 'originalipcall', 'originalipc', 'ipc넘버', 'ipc코드', 'ipc분류', 'ipc번호', 'ipc분류8판', '국제특허분류', 'internationalpatentclassification',
    'internationalpatentclassificationnumber', 'ipcnumber', 'ipcmain', 'originalipcmain',
  ],
  registrationNumber: ['등록번호', 'registrationnumber', 'registerno', 'registrationno', 'registernumber'],
  registrationDate: ['등록일', '등록일자', '등록날짜', 'registrationdate', 'registerdate', 'grantdate'],
  openingNumber: ['공개번호', '공개번호공표번호재공표번호', '공개번호공표재공표', 'openingnumber', 'opennumber', 'openno', 'laidopennumber'],
  openingDate: ['공개일', '공개일자', '공개날짜', 'openingdate', 'opendate', 'laidopendate'],
  publicationNumber: ['공고번호', 'publicationnumber', 'publicnumber', 'publicationno'],
  publicationDate: ['공고일', '공고일자', '공고날짜', 'publicationdate', 'publicdate'],
  registrationStatus: ['등록상태', '법적상태', '행정상태', '상태', 'status', 'legalstatus', 'registrationstatus', 'registerstatus'],
  inventors: ['발명자', '발명자고안자', '발명가', '발명자명', 'inventor', 'inventors', 'inventorauthor', 'inventorname'],
  agent: ['대리인', '대리인명', 'agent', 'agents', 'attorney', 'agentname'],
};

/**
 * Columns patmatch recognises but does not store, by what they hold: exact header keys, and key
 * prefixes for families of columns (`인용 문헌 수 (B1)`, `미국분류 (Current – All)` …).
 */
const NOT_STORED: ReadonlyArray<{ holds: string; keys?: readonly string[]; prefixes?: readonly string[] }> = [
  { holds: 'priority', prefixes: ['우선권', '최우선', 'priority', 'earliestpriority'] },
  { holds: 'family', prefixes: ['패밀리', 'family', 'inpadoc', 'docdb패밀리', 'genealogy'] },
  { holds: 'claims', keys: ['대표청구항', '청구항', '전체청구항', '대표청구항원문', '전체청구항원문', '청구범위', 'claims', 'claim', 'firstclaim', 'claimslocalized', 'claimscope'] },
  { holds: 'claim count', keys: ['청구항수', '전체청구항수', '독립청구항수', '심사청구항수', 'claimcount', 'numberofclaims'] },
  { holds: 'CPC', keys: ['cpc', 'cpc분류', 'cpc코드', 'cpcnumber', '공동특허분류', 'cooperativepatentclassification'] },
  { holds: 'other classification', keys: ['upc', 'uspc', 'epc', 'fi', 'fterm', '미국특허분류'], prefixes: ['미국분류', 'fi코드', 'fterm', '테마코드'] },
  { holds: 'international application', prefixes: ['국제출원', '국제공개', 'pctnumber', 'internationalapplication', 'internationalopen', 'internationalpublication'] },
  { holds: 'original application', prefixes: ['원출원'] },
  { holds: 'citations', prefixes: ['인용문헌', '심사관인용', '피인용', '자국인용', '외국인용', '자국피인용', 'citation', 'citedby'] },
  { holds: 'applicant detail', prefixes: ['대표출원인', '출원인식별', '출원인국적', '출원인국가', '출원인수', '출원인영문', '출원인대표', '현재권리자', '최종권리자', '원문상출원인'] },
  { holds: 'inventor detail', prefixes: ['발명자수', '발명자고안자국적', '발명자국적', '발명자평가'] },
  { holds: 'country or document kind', keys: ['국가', '국가코드', 'countrycode', 'country', 'db종류', '특허실용구분', '문헌종류코드', 'kindcode', '지정국', '지정국코드', '지정국가'] },
  { holds: 'examination', keys: ['심사청구여부', '심사청구일자항수', '심사관', 'examiner', '최종처분내용', '번역문제출일자'] },
  { holds: 'term', prefixes: ['존속기간', '권리만료'] },
  { holds: 'legal status detail', prefixes: ['상태정보', 'docdb법적상태', 'lifestatus', 'finalstatus'] },
  { holds: 'link or drawing', keys: ['url', 'link', 'resultlink', 'representativefigurelink', 'drawingpath', 'thumbnailpath', 'drawing', 'bigdrawing', '요약도면', '대표도면'], prefixes: ['원문링크', '번역문링크', '상세보기링크'] },
  { holds: 'export row key', keys: ['순서', '순번', '번호', '일련번호', 'no', 'seq', 'serialnumber', 'wipsonkey', 'wintelipskey', 'indexno', 'id'] },
];

const FIELD_BY_ALIAS = new Map(
  Object.entries(ALIASES).flatMap(([field, aliases]) => aliases.map((alias, rank) => [alias, { field: field as Field, rank }] as const)),
);

/** Type words that search-engine exports append to header cells (`특허명 TEXT`, `출원날짜DATETIME`, `설명, STORED`). */
export const HEADER_SUFFIX = /[\s,]*(TEXT|NGRAM|NUMERIC|DATETIME|DATE|KEYWORD|STORED|INDEXED|STRING|VARCHAR|INTEGER|INT|LONG)\s*$/i;

/**
 * The comparable form of a header cell: NFKC, lower case, without spaces and punctuation.
 *
 * @example
 * headerKey(' 발명의 명칭(국문) ') // '발명의명칭국문'
 */
export function headerKey(cell: unknown): string {
  return String(cell ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

/** The first answer of `lookup` for a header cell as written, else with type suffixes stripped one by one. */
function lookUpCell<T>(cell: string, lookup: (key: string) => T | undefined): T | undefined {
  for (let text = cell; ; ) {
    const found = lookup(headerKey(text));
    if (found !== undefined) return found;
    const stripped = text.replace(HEADER_SUFFIX, '');
    if (stripped === text || !stripped.trim()) return undefined;
    text = stripped;
  }
}

/**
 * The field a header cell names and its rank among that field's names (0 = most preferred).
 *
 * @example
 * fieldOf('발명자/고안자') // { field: 'inventors', rank: 1 }
 * fieldOf('우선권 번호')   // undefined
 */
export function fieldOf(cell: string): { field: Field; rank: number } | undefined {
  return lookUpCell(cell, (key) => FIELD_BY_ALIAS.get(key));
}

/**
 * What a recognised column that patmatch does not store holds, e.g. `priority`; undefined for
 * columns it does not recognise.
 *
 * @example
 * notStoredHolds('우선권 주장일') // 'priority'
 * notStoredHolds('CPC')          // 'CPC'
 */
export function notStoredHolds(cell: string): string | undefined {
  return lookUpCell(cell, (key) =>
    key === '' ? undefined : NOT_STORED.find(({ keys = [], prefixes = [] }) => keys.includes(key) || prefixes.some((prefix) => key.startsWith(prefix)))?.holds,
  );
}

/**
 * The field an unknown column probably holds, from a field name of three or more characters inside
 * it (`발명자(국문)` → inventors), for the `--map` hint; undefined when none fits.
 *
 * @example
 * suggestField('출원번호 (원문)') // 'applicationNumber'
 */
export function suggestField(cell: string): Field | undefined {
  const key = headerKey(cell);
  let best: { field: Field; length: number } | undefined;
  for (const [alias, { field }] of FIELD_BY_ALIAS) {
    if (alias.length >= 3 && key.includes(alias) && alias.length > (best?.length ?? 0)) best = { field, length: alias.length };
  }
  return best?.field;
}

/**
 * Why a header row without an application number cannot be read, when it is an export known to
 * lack one: Google Patents' search download lists publication numbers (`KR-102345678-B1`) only.
 *
 * @example
 * unkeyedExportReason(['id', 'title', 'assignee', 'inventor/author', 'priority date']) // 'a Google Patents search export …'
 */
export function unkeyedExportReason(cells: readonly unknown[]): string | undefined {
  const keys = new Set(cells.map(headerKey));
  if (!keys.has('inventorauthor') || !keys.has('id')) return undefined;
  return (
    'a Google Patents search export (id, title, assignee, inventor/author …): it lists publication numbers (KR-102345678-B1) but no ' +
    'application numbers, which patmatch keys patents by; add an application number column (--map applicationNumber=<column>), ' +
    'or export the same search from KIPRIS or WIPS ON'
  );
}
