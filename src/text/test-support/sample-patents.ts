import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sharedDataDir } from '../../cli/context.js';

/**
 * Title and abstract of one row of the shared INU CSV.
 *
 * @example
 * const sample: SamplePatent = { applicationNumber: '1020160138184', title: '…그래핀 전극의 제조방법', titleEn: 'PREPARATION METHOD …', abstract: '본 발명은 …' };
 */
export interface SamplePatent {
  applicationNumber: string;
  title: string;
  titleEn: string | null;
  abstract: string;
}

/**
 * Reads the real patents of the shared `kipris/inu-patents.csv` for analyser and index tests and
 * benchmarks: a deliberately minimal parse (title split from its trailing English title, abstract,
 * application number), one entry per application number. Ingestion proper lives in `src/ingest`.
 *
 * @example
 * const patents = await readSamplePatents(); // [{ applicationNumber: '1020160138184', title: '스프레이 …', … }, …]
 */
export async function readSamplePatents(): Promise<SamplePatent[]> {
  const rows = parse(await readFile(join(sharedDataDir(), 'kipris', 'inu-patents.csv')), {
    bom: true,
    relax_column_count: true,
  }) as string[][];
  const [header = [], ...records] = rows;
  const column = (prefix: string): number => header.findIndex((cell) => cell.startsWith(prefix));
  const [titleAt, abstractAt, numberAt] = [column('특허명'), column('설명'), column('출원번호')];
  const byNumber = new Map<string, SamplePatent>();
  for (const record of records) {
    const applicationNumber = record[numberAt]?.trim() ?? '';
    const fullTitle = record[titleAt]?.trim() ?? '';
    if (applicationNumber === '' || fullTitle === '') continue;
    const english = /\(([^가-힣]*)\)\s*$/.exec(fullTitle);
    byNumber.set(applicationNumber, {
      applicationNumber,
      title: english ? fullTitle.slice(0, english.index).trim() : fullTitle,
      titleEn: english?.[1]?.trim() || null,
      abstract: record[abstractAt]?.trim() ?? '',
    });
  }
  return [...byNumber.values()];
}
