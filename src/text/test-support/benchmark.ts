/**
 * Analyser throughput on the real INU abstracts (run by hand, not a test):
 * `node --import tsx src/text/test-support/benchmark.ts [rounds]`. Each round starts with an empty
 * word cache (`cold`), then analyses the same abstracts again (`warm`: every word remembered).
 */
import { performance } from 'node:perf_hooks';
import { createAnalyzer } from '../index.js';
import { readSamplePatents } from './sample-patents.js';

const rounds = Number(process.argv[2] ?? 3);
const loadStart = performance.now();
let analyzer = await createAnalyzer();
console.log(`tokenizer load: ${(performance.now() - loadStart).toFixed(0)} ms`);

const abstracts = (await readSamplePatents()).map((patent) => patent.abstract).filter((text) => text !== '');
const chars = abstracts.reduce((sum, text) => sum + text.length, 0);
analyzer.terms(abstracts[0]!); // warm-up
for (let round = 1; round <= rounds * 2; round++) {
  const cold = round % 2 === 1;
  if (cold) analyzer = await createAnalyzer();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let terms = 0;
  for (const text of abstracts) terms += analyzer.terms(text).length;
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rate = (time: number) => `${(abstracts.length / time).toFixed(0)} docs/s, ${(chars / time / 1000).toFixed(0)}k chars/s`;
  console.log(
    `round ${Math.ceil(round / 2)} ${cold ? 'cold' : 'warm'}: ${abstracts.length} abstracts, ${chars} chars, ${terms} terms; ` +
      `wall ${seconds.toFixed(2)} s → ${rate(seconds)}; CPU ${cpuSeconds.toFixed(2)} s → ${rate(cpuSeconds)}`,
  );
}

analyzer = await createAnalyzer();
const long = abstracts.join(' ').slice(0, 10_000);
const longStart = performance.now();
const longTerms = analyzer.terms(long).length;
console.log(`one 10,000-char text: ${longTerms} terms in ${(performance.now() - longStart).toFixed(0)} ms`);
