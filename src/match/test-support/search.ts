import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { SearchHit, SearchResult } from '../../domain/index.js';
import type { SearchEngine, SearchOptions } from '../../search/types.js';
import { sharedDataDir } from '../../cli/context.js';
import { applicantList } from '../../domain/names/index.js';
import { createExplainer, type Explainer } from '../../search/explain/index.js';
import { createAnalyzer } from '../../text/index.js';

interface CsvPatent {
  applicationNumber: string;
  title: string;
  applicants: string[];
  abstract: string;
}

const bigrams = (text: string): Set<string> => {
  const compact = text.replace(/\s+/g, '');
  const grams = new Set<string>();
  for (let i = 0; i + 1 < compact.length; i++) grams.add(compact.slice(i, i + 2));
  return grams;
};

const overlap = (query: Set<string>, text: string): number => {
  const grams = bigrams(text);
  let shared = 0;
  for (const gram of query) if (grams.has(gram)) shared++;
  return query.size === 0 ? 0 : shared / query.size;
};

/** Patents scored by bigram overlap with the query, best first (ties by application number). */
function scoreAll(query: string, patents: readonly CsvPatent[]) {
  const grams = bigrams(query);
  return patents
    .map((patent) => {
      const abstractScore = overlap(grams, patent.abstract);
      const titleScore = overlap(grams, patent.title);
      return { patent, abstractScore, titleScore, score: (abstractScore + titleScore) / 2 };
    })
    .sort((a, b) => b.score - a.score || a.patent.applicationNumber.localeCompare(b.patent.applicationNumber));
}

/**
 * A small stand-in SearchEngine for the match tests: character-bigram overlap over the real
 * patents of `kipris/inu-patents.csv` (the match workflow only needs some ranked real hits; the
 * ranking itself is tested with the real engine elsewhere), explained by the real explainer
 * without a model.
 *
 * @example
 * const engine = csvSearchEngine();
 * (await engine.search('그래핀 전극')).hits[0]?.applicants // ['인천대학교 산학협력단', '에이치씨테크(주)']
 */
export function csvSearchEngine(): SearchEngine {
  const rows = parse(readFileSync(join(sharedDataDir(), 'kipris', 'inu-patents.csv'), 'utf8'), {
    bom: true,
    relax_column_count: true,
    from_line: 2,
  }) as string[][];
  const patents = new Map<string, CsvPatent>();
  for (const row of rows) {
    const applicationNumber = (row[3] ?? '').trim();
    if (!/^\d{13}$/.test(applicationNumber)) continue;
    patents.set(applicationNumber, {
      applicationNumber,
      title: (row[0] ?? '').replace(/\([^()]*\)\s*$/, '').trim(),
      applicants: applicantList(row[2] ?? '').names,
      abstract: (row[11] ?? '').trim(),
    });
  }
  let explainer: Explainer | undefined;
  const explain = async (query: string, explained: CsvPatent[]) => {
    explainer ??= createExplainer({ analyzer: await createAnalyzer(), embedder: null, lexicon: null });
    return explainer.explain(query, explained);
  };
  const search = async (query: string, options: Partial<SearchOptions> = {}): Promise<SearchResult> => {
    const top = options.top ?? 10;
    const scored = scoreAll(query, [...patents.values()]).slice(0, top);
    const explanations = await explain(query, scored.map(({ patent }) => patent));
    const hits: SearchHit[] = scored.map(({ patent, ...scores }, index) => ({
      rank: index + 1,
      applicationNumber: patent.applicationNumber,
      title: patent.title,
      titleEn: null,
      abstract: patent.abstract,
      ipc: [],
      applicants: patent.applicants,
      applicationDate: null,
      registrationNumber: null,
      registrationDate: null,
      registrationStatus: null,
      ...scores,
      band: null,
      explanation: explanations[index]!,
    }));
    return { query, mode: 'lexical', model: 'test-bigram-overlap', total: patents.size, considered: patents.size, matched: patents.size, bands: null, page: 1, top, hits };
  };
  return {
    model: null,
    lexicon: null,
    search,
    similar: async (applicationNumber, options) => search(patents.get(applicationNumber)?.title ?? '', options),
    scorePatents: async (queries, applicationNumbers) => {
      const given = applicationNumbers.flatMap((number) => patents.get(number) ?? []);
      return queries.map(({ query }) => scoreAll(query, given).map(({ patent, ...scores }) => ({ applicationNumber: patent.applicationNumber, ...scores, band: null })));
    },
    explainPatents: async (query, applicationNumbers) =>
      explain(query, applicationNumbers.map((number) => patents.get(number) ?? { applicationNumber: number, title: '', applicants: [], abstract: '' })),
    close: async () => {},
  };
}
