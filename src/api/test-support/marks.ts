/**
 * Reading the explanation marks the dashboard renders (`src/web/explain/Highlighted.svelte`) and
 * checking them against the hit they were made from.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import type { SearchHit } from '../../domain/index.js';

/**
 * A `<mark>` of the explanation as rendered: its kind, field, offsets and text.
 *
 * @example
 * const mark: RenderedMark = { kind: 'term', field: 'title', start: 0, end: 3, text: '그래핀' };
 */
export interface RenderedMark {
  kind: 'sentence' | 'term';
  field: 'title' | 'abstract';
  start: number;
  end: number;
  text: string;
}

/** The explanation marks inside a locator, in document order. */
async function readMarks(marks: Locator): Promise<RenderedMark[]> {
  const read: RenderedMark[] = [];
  for (const mark of await marks.all()) {
    read.push({
      kind: (await mark.getAttribute('class'))!.includes('sentence') ? 'sentence' : 'term',
      field: (await mark.getAttribute('data-field')) as RenderedMark['field'],
      start: Number(await mark.getAttribute('data-start')),
      end: Number(await mark.getAttribute('data-end')),
      text: (await mark.textContent()) ?? '',
    });
  }
  return read;
}

/**
 * Asserts that the marks of one hit's title and abstract inside `scope` are its stored text at the
 * explanation's offsets, that the highlighted texts are the stored ones whole, and that every
 * sentence and term of the explanation is marked; returns the term marks.
 *
 * @example
 * const terms = await assertMarksMatch(page.locator('tr[data-application-number="1020160138184"]'), hit);
 */
export async function assertMarksMatch(scope: Locator, hit: Pick<SearchHit, 'applicationNumber' | 'title' | 'abstract' | 'explanation'>): Promise<RenderedMark[]> {
  assert.equal(await scope.locator('.highlighted[data-field="title"]').textContent(), hit.title);
  const abstracts = scope.locator('.highlighted[data-field="abstract"]');
  if (await abstracts.count()) assert.equal(await abstracts.textContent(), hit.abstract);
  const marks = await readMarks(scope.locator('mark[data-start]'));
  for (const mark of marks) assert.equal(mark.text, hit[mark.field].slice(mark.start, mark.end), `${hit.applicationNumber} ${mark.field} ${mark.start}`);
  if (await abstracts.count()) {
    const sentences = (spans: { start: number; end: number }[]) => spans.map((s) => `${s.start}-${s.end}`).sort();
    assert.deepEqual(sentences(marks.filter((m) => m.kind === 'sentence')), sentences(hit.explanation.sentences));
  }
  for (const term of hit.explanation.terms) {
    if (term.field === 'abstract' && !(await abstracts.count())) continue;
    const covered = marks.some((m) => m.kind === 'term' && m.field === term.field && m.start <= term.start && term.end <= m.end);
    assert.ok(covered, `${hit.applicationNumber}: ${term.term} at ${term.field} ${term.start}–${term.end} is marked`);
  }
  return marks.filter((m) => m.kind === 'term');
}
