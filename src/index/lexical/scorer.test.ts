import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatmatchError } from '../../domain/errors.js';
import { createAnalyzer, type KoreanAnalyzer } from '../../text/index.js';
import { readSamplePatents, type SamplePatent } from '../../text/test-support/sample-patents.js';
import { openLexicalIndex, type LexicalDocument, type LexicalIndex, type LexicalIndexOptions } from './index.js';

/** Patents of the shared index: enough for realistic document frequencies, few enough to build in seconds. */
const SAMPLE_SIZE = 400;
/** Keys of documents whose terms unicode61 splits or drops (Devanagari and other spacing marks, a lone combining mark). */
const ODD_KEY = 10_000;
const ODD_DOCUMENTS: LexicalDocument[] = [
  { key: ODD_KEY, title: 'किताब पढ़ना 그래핀', titleEn: 'xःy İstanbul', abstract: 'x y x y xःy 전극 ́ 𠀀 straße' },
  { key: ODD_KEY + 1, title: 'xःy 전극', titleEn: null, abstract: 'किताब किताब x y' },
];

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), `${what}: ${actual} ≠ ${expected}`);
}

describe('documentScorer equals scoreKeys', () => {
  let dir: string;
  let analyzer: KoreanAnalyzer;
  let patents: SamplePatent[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
    analyzer = await createAnalyzer();
    patents = (await readSamplePatents()).slice(0, SAMPLE_SIZE);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Queries of every kind the demand watch may send, and the edge cases of FTS5's parsing. */
  const queriesOf = (next: () => number): string[] => {
    const pick = () => patents[Math.floor(next() * patents.length)]!;
    const english = patents.filter((patent) => patent.titleEn !== null);
    return [
      ...Array.from({ length: 12 }, () => pick().title),
      ...Array.from({ length: 8 }, () => english[Math.floor(next() * english.length)]!.titleEn!),
      ...Array.from({ length: 6 }, () => pick().abstract),
      ...Array.from({ length: 6 }, () => pick().abstract.split('. ')[0]!),
      ...Array.from({ length: 4 }, () => `${pick().title} ${english[Math.floor(next() * english.length)]!.titleEn}`),
      '전극 전극 전극 그래핀 그래핀 electrode electrode',
      '쿼크글루온플라스마 zzxqvk 그래핀',
      'zzxqvk qqwxv',
      'किताब xःy i̇stanbul ́ 𠀀 STRASSE straße',
      'x y',
      '',
      '!!! ??? ...',
      'the of and',
    ];
  };

  for (const [name, options] of [
    ['default options', {}],
    ['weights 2 / 0.5 / 1.5 and at most 5 query terms', { weights: { title: 2, titleEn: 0.5, abstract: 1.5 }, maxQueryTerms: 5 }],
  ] as const) {
    test(`random key subsets, both fields, all kinds of queries (${name})`, async () => {
      const index = await openLexicalIndex(join(dir, `${name}.db`), { analyzer, ...(options as Partial<LexicalIndexOptions>) });
      try {
        await index.upsert([...patents.map((patent, key) => ({ key, ...patent })), ...ODD_DOCUMENTS]);
        const next = random(17);
        const queries = queriesOf(next);
        const all = [...patents.keys(), ODD_KEY, ODD_KEY + 1];
        const subsets = [
          all,
          [ODD_KEY, ODD_KEY + 1, 3, 99_999],
          all.filter(() => next() < 0.4),
          all.filter(() => next() < 0.05),
          [Math.floor(next() * SAMPLE_SIZE)],
        ];
        let matches = 0;
        for (const keys of subsets) {
          const scorer = await index.documentScorer(keys);
          for (const query of queries) {
            for (const field of ['title', 'abstract'] as const) {
              const [actual, expected] = [await scorer.score(query, field), await index.scoreKeys(query, field, keys)];
              for (const key of actual.keys()) assert.ok(expected.has(key) && key !== 99_999, `${key} is not one of the keys`);
              for (const [key, score] of expected) {
                assertClose(actual.get(key) ?? 0, score, `${field} ${JSON.stringify(query.slice(0, 40))} key ${key}`);
              }
              matches += actual.size;
            }
          }
        }
        assert.ok(matches > 5_000, `only ${matches} matches compared`);
        const scorer = await index.documentScorer(all);
        for (const query of ['', '!!! ??? ...', 'the of and', '́']) assert.equal((await scorer.score(query, 'title')).size, 0);
        assert.ok((await scorer.score('xःy', 'title')).has(ODD_KEY + 1), 'a term unicode61 splits matches as a phrase');
      } finally {
        index.close();
      }
    });
  }
});

describe('documentScorer on documents made for BM25 details', () => {
  let dir: string;
  let index: LexicalIndex;
  // Tokens per document, all columns: 6, 11, 3, 2, 2, 2.
  const documents: LexicalDocument[] = [
    { key: 1, title: 'graphene omega', titleEn: 'graphene', abstract: 'omega delta delta' },
    { key: 2, title: 'omega', titleEn: 'graphene', abstract: 'omega kappa kappa kappa kappa kappa kappa kappa kappa' },
    { key: 3, title: 'omega sigma', titleEn: null, abstract: 'omega' },
    { key: 4, title: 'omega', titleEn: null, abstract: 'delta' },
    { key: 5, title: 'lambda', titleEn: null, abstract: 'sigma' },
    { key: 6, title: 'lambda', titleEn: null, abstract: 'sigma' },
  ];
  const length = new Map([[1, 6], [2, 11], [3, 3], [4, 2], [5, 2], [6, 2]]);
  const averageLength = 26 / 6;
  /** FTS5's bm25 term: idf · f(k1+1) / (f + k1(1 − b + b·D/avgdl)), D the tokens of all columns. */
  const bm25 = (idf: number, frequency: number, key: number): number =>
    (idf * (frequency * 2.2)) / (frequency + 1.2 * (0.25 + (0.75 * length.get(key)!) / averageLength));
  const idf = (n: number): number => Math.log((6 - n + 0.5) / (n + 0.5));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patmatch-'));
    index = await openLexicalIndex(join(dir, 'lexical.db'));
    await index.upsert(documents);
  });
  after(async () => {
    index.close();
    await rm(dir, { recursive: true, force: true });
  });

  const check = async (query: string, field: 'title' | 'abstract', expected: Map<number, number>): Promise<void> => {
    const keys = [...length.keys()];
    const actual = await (await index.documentScorer(keys)).score(query, field);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
    const reference = await index.scoreKeys(query, field, keys);
    for (const [key, score] of expected) {
      assertClose(actual.get(key)!, score, `scorer ${query} key ${key}`);
      assertClose(reference.get(key)!, score, `FTS5 ${query} key ${key}`);
    }
  };

  test('a term in most documents gets the idf floor of 1e-6, not a negative idf', async () => {
    // omega is in the titles of 4 of 6: ln(2.5 / 4.5) < 0.
    await check('omega', 'title', new Map([1, 2, 3, 4].map((key) => [key, bm25(1e-6, 1, key)])));
  });

  test('the title field counts a document once when the term is in its title and English title', async () => {
    // graphene: 2 documents (3 column occurrences); document 1 has it twice, across both columns.
    await check('graphene', 'title', new Map([[1, bm25(idf(2), 2, 1)], [2, bm25(idf(2), 1, 2)]]));
  });

  test('document length is the tokens of all columns, against their average over the index, whatever the field', async () => {
    // Abstract scores depend on the titles' tokens too (document 1: 3 of its 6), title scores on the abstract's.
    await check('delta kappa', 'abstract', new Map([[1, bm25(idf(2), 2, 1)], [2, bm25(idf(1), 8, 2)], [4, bm25(idf(2), 1, 4)]]));
    await check('sigma', 'title', new Map([[3, bm25(idf(1), 1, 3)]]));
  });

  test('rejects bad arguments with invalid_input', async () => {
    const invalid = (error: unknown) => error instanceof PatmatchError && error.code === 'invalid_input';
    await assert.rejects(index.documentScorer([1, 1.5]), invalid);
    const scorer = await index.documentScorer([1]);
    await assert.rejects(scorer.score('omega', 'all' as 'title'), invalid);
    await assert.rejects(scorer.score(7 as unknown as string, 'title'), invalid);
  });
});
