/**
 * Small exports with the real headers of the formats people bring (the column names as the
 * services write them; see docs/data.md, ## Header aliases) and made-up rows: a KIPRIS search
 * download, a WIPS ON download, a KIPRIS Plus bulk table and a Google Patents search download.
 * The values are invented for tests, not copied from any export.
 */
import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';

/** One export: its header row, data rows keyed by header cell, and the lines above the header. */
export interface ExportFixture {
  header: readonly string[];
  rows: ReadonlyArray<Readonly<Record<string, string | number>>>;
  preamble?: ReadonlyArray<readonly string[]>;
}

/** WIPS ON's Excel download (all columns), with `공개번호/공표/재공표` as in the 342-row file. */
export const WIPS_ON: ExportFixture = {
  header: [
    '국가코드', 'DB종류', '특허/실용 구분', '문헌종류 코드', '원문 링크', '번역문 링크', '출원번호', '출원일', '공개번호/공표/재공표', '공개일',
    '등록번호', '등록일', '공고번호', '공고일', '발명의 명칭', '요약', '대표청구항', '청구항 수', '출원인', '출원인 국적',
    '출원인 식별기호 (JP)', '대표출원인 코드 (KR)', '대표출원인 명칭 (KR - 국문)', '대표출원인 명칭 (KR - 영문)', '발명자/고안자', '발명자/고안자 국적', 'IPC (Main)', 'IPC (All)', '우선권 국가', '우선권 번호',
    '우선권 주장일', '국제 출원번호', '국제 출원일', '국제 공개번호', '국제 공개일', '지정국 코드', '테마코드 (JP)', 'F - term (JP)', 'FI 코드 (JP)', '미국분류 (Current – Main)',
    '미국분류 (Current – All)', '미국분류 (Original – Main)', '미국분류 (Original – All)', '대리인', '인용 문헌 수 (B1)', '인용 문헌번호 (B1) + 심사관(BE) 인용 (KR,US)', '심사관 인용문헌 (B1) (KR, US)', '인용 문헌 수 (F1)', '인용 문헌번호 (F1) + 심사관(FE) 인용 (KR,US)', '심사관 인용문헌 (F1) (KR, US)',
    '패밀리 문헌번호 (Basic)', '패밀리 문헌번호 (출원기준)', '패밀리 문헌 수 (출원기준)', 'DOCDB 법적상태', '상세보기 링크', 'CPC', 'WIPS ON key',
  ],
  rows: [
    {
      국가코드: 'KR', DB종류: 'KPA', '특허/실용 구분': '특허', '문헌종류 코드': 'A', 출원번호: '1020190131207', 출원일: '2019.10.22',
      '공개번호/공표/재공표': '1020210047331', 공개일: '2021.04.30', '발명의 명칭': '고체 전해질을 포함하는 전고체 이차전지', 요약: '본 발명은 황화물계 고체 전해질을 포함하는 전고체 이차전지에 관한 것이다.',
      대표청구항: '양극, 음극 및 고체 전해질층을 포함하는 전고체 이차전지.', '청구항 수': 9, 출원인: '인천대학교 산학협력단', '출원인 국적': 'KR', '대표출원인 명칭 (KR - 국문)': '인천대학교 산학협력단',
      '발명자/고안자': '정하늘 | 오서진', '발명자/고안자 국적': 'KR | KR', 'IPC (Main)': 'H01M 10/0562', 'IPC (All)': 'H01M 10/0562 | H01M 10/052', '우선권 번호': '', 대리인: '특허법인 가온',
      '패밀리 문헌번호 (출원기준)': 'KR20190131207A', '패밀리 문헌 수 (출원기준)': 1, CPC: 'H01M 10/0562; H01M 2300/0068', 'WIPS ON key': 'KR20210047331A',
    },
    {
      국가코드: 'KR', DB종류: 'KPB', '특허/실용 구분': '특허', '문헌종류 코드': 'B1', 출원번호: '1020190131207', 출원일: '2019.10.22',
      '공개번호/공표/재공표': '1020210047331', 공개일: '2021.04.30', 등록번호: '1024430180000', 등록일: '2022.09.06', 공고번호: '1024430180000', 공고일: '2022.09.14',
      '발명의 명칭': '고체 전해질을 포함하는 전고체 이차전지', 요약: '본 발명은 황화물계 고체 전해질을 포함하는 전고체 이차전지에 관한 것이다.', '청구항 수': 8, 출원인: '인천대학교 산학협력단',
      '발명자/고안자': '정하늘 | 오서진', 'IPC (Main)': 'H01M 10/0562', 'IPC (All)': 'H01M 10/0562 | H01M 10/052', 대리인: '특허법인 가온', 'DOCDB 법적상태': 'Active', CPC: 'H01M 10/0562', 'WIPS ON key': 'KR102443018B1',
    },
    {
      국가코드: 'KR', DB종류: 'KPA', '특허/실용 구분': '특허', '문헌종류 코드': 'A', 출원번호: '1020200087652', 출원일: '2020.07.15',
      '공개번호/공표/재공표': '1020220009118', 공개일: '2022.01.24', '발명의 명칭': '해수 담수화용 분리막 및 그 제조방법', 요약: '역삼투 분리막의 내오염성을 높이는 코팅층을 제공한다.', 출원인: '인천대학교 산학협력단 | 한빛멤브레인(주)',
      '발명자/고안자': '한도윤 | 서가은 | 문태오', 'IPC (All)': 'B01D 69/12 | C02F 1/44', '우선권 국가': 'KR', '우선권 번호': '1020190099871', '우선권 주장일': '2019.08.14', CPC: 'B01D 69/125', 'WIPS ON key': 'KR20220009118A',
    },
  ],
};

/** The KIPRIS (kipris.or.kr) domestic search download. */
export const KIPRIS: ExportFixture = {
  preamble: [['KIPRIS 검색결과 (특허·실용신안)']],
  header: [
    '순서', '출원번호', '출원일자', '번역문제출일자', 'IPC분류 8판', '공개번호', '공개일자', '공고번호', '공고일자', '등록번호',
    '등록일자', '원출원권리', '원출원번호', '원출원번호일자', 'Family 출원번호', '최종처분내용', '국제출원번호', '국제출원일자', '국제공개번호', '국제공개일자',
    '심사청구일자/항수', '지정국', '등록상태', '출원인', '발명자/고안자', '대리인', '우선권정보', '발명의명칭', '심사청구여부', '초록', '청구항',
  ],
  rows: [
    {
      순서: 1, 출원번호: '10-2018-0154420', 출원일자: '2018.12.04', 'IPC분류 8판': 'G06N 3/08|G06T 7/00', 공개번호: '10-2020-0067631', 공개일자: '2020.06.12', 등록번호: '10-2199183-0000', 등록일자: '2020.12.30',
      최종처분내용: '등록결정(일반)', '심사청구일자/항수': '2018.12.04 / 12', 등록상태: '등록', 출원인: '인천대학교 산학협력단', '발명자/고안자': '류지호|남궁솔', 대리인: '특허법인 누리',
      발명의명칭: '딥러닝 기반 결함 검출 장치 및 방법(DEEP LEARNING BASED DEFECT DETECTION APPARATUS AND METHOD)', 심사청구여부: 'Y', 초록: '영상에서 제품 표면의 결함을 검출하는 신경망 학습 장치가 개시된다.', 청구항: '1. 영상 입력부; 및 결함 검출부를 포함하는 장치.',
    },
    {
      순서: 2, 출원번호: '20-2019-0002750', 출원일자: '2019.07.01', 'IPC분류 8판': 'A47J 36/24', 등록번호: '20-0491166-0000', 등록일자: '2020.02.21', 등록상태: '소멸', 출원인: '송하람',
      '발명자/고안자': '송하람', 우선권정보: '', 발명의명칭: '보온 도시락 용기', 심사청구여부: 'Y', 초록: '이중벽 구조로 보온 시간을 늘린 도시락 용기가 개시된다.',
    },
  ],
};

/** A KIPRIS Plus bulk table, its columns named as the KIPRIS Plus Open API names its fields. */
export const KIPRIS_PLUS_BULK: ExportFixture = {
  header: [
    'indexNo', 'applicationNumber', 'applicationDate', 'inventionTitle', 'inventionTitleEng', 'applicantName', 'inventorName', 'agentName', 'ipcNumber', 'openNumber',
    'openDate', 'publicationNumber', 'publicationDate', 'registerNumber', 'registerDate', 'registerStatus', 'astrtCont', 'priorityApplicationNumber', 'priorityApplicationDate', 'claimCount', 'drawing',
  ],
  rows: [
    {
      indexNo: 1, applicationNumber: '1020210175532', applicationDate: '20211209', inventionTitle: '미세먼지 저감용 광촉매 필터', inventionTitleEng: 'PHOTOCATALYTIC FILTER FOR REDUCING FINE DUST',
      applicantName: '인천대학교 산학협력단', inventorName: '윤채린|백승호', agentName: '특허법인 바른길', ipcNumber: 'B01D 46/00|B01J 35/00', openNumber: '1020230086519', openDate: '20230616',
      registerStatus: '공개', astrtCont: '가시광 응답형 광촉매를 담지한 필터로 미세먼지와 유해가스를 함께 제거한다.', priorityApplicationNumber: '', claimCount: 7, drawing: 'http://plus.example/drawing/1',
    },
  ],
};

/** Google Patents' search download (Download (CSV)): the search URL, then the header. */
export const GOOGLE_PATENTS: ExportFixture = {
  preamble: [['search URL:', 'https://patents.google.com/?assignee=%EC%9D%B8%EC%B2%9C%EB%8C%80%ED%95%99%EA%B5%90']],
  header: ['id', 'title', 'assignee', 'inventor/author', 'priority date', 'filing/creation date', 'publication date', 'grant date', 'result link', 'representative figure link'],
  rows: [
    {
      id: 'KR-102199183-B1', title: '딥러닝 기반 결함 검출 장치 및 방법', assignee: '인천대학교 산학협력단', 'inventor/author': '류지호, 남궁솔', 'priority date': '2018-12-04',
      'filing/creation date': '2018-12-04', 'publication date': '2020-12-30', 'grant date': '2020-12-30', 'result link': 'https://patents.google.com/patent/KR102199183B1/ko',
    },
  ],
};

function table(fixture: ExportFixture): string[][] {
  return [...(fixture.preamble ?? []).map((row) => [...row]), [...fixture.header], ...fixture.rows.map((row) => fixture.header.map((column) => String(row[column] ?? '')))];
}

/**
 * Writes a fixture as CSV or TSV (UTF-8 with BOM, as the services write them; cells quoted).
 *
 * @example
 * await writeDelimited(join(dir, 'google.csv'), GOOGLE_PATENTS, ',');
 */
export async function writeDelimited(path: string, fixture: ExportFixture, delimiter: ',' | '\t'): Promise<void> {
  const quote = (cell: string) => (delimiter === ',' ? `"${cell.replaceAll('"', '""')}"` : cell);
  await writeFile(path, `\ufeff${table(fixture).map((row) => row.map(quote).join(delimiter)).join('\r\n')}\r\n`);
}

/**
 * Writes a fixture as a one-sheet XLSX workbook.
 *
 * @example
 * await writeXlsx(join(dir, 'wips.xlsx'), WIPS_ON, 'WIPS ON');
 */
export async function writeXlsx(path: string, fixture: ExportFixture, sheetName: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of table(fixture)) sheet.addRow(row);
  await workbook.xlsx.writeFile(path);
}
