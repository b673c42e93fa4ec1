import type { Command } from 'commander';
import { createAnalyzer, type KoreanAnalyzer } from '../../text/index.js';

/**
 * `patmatch analyze "<text>"`: shows the search terms the lexical index makes of a text, or with
 * `--morphemes` every morpheme and its ko-dic tag, to see why a query does or does not match.
 *
 * @example
 * // $ patmatch analyze '딥러닝을 활용한 영상 인식'
 * // 딥 러닝 활용 영상 인식
 */
export function register(program: Command): void {
  program
    .command('analyze')
    .description('Show the search terms (or with --morphemes the morphemes) of a text')
    .argument('<text>', 'Korean and/or English text')
    .option('--morphemes', 'every morpheme as surface/TAG instead of the terms')
    .action(async (text: string, flags: { morphemes?: boolean }, command: Command) => {
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      process.stdout.write(formatAnalysis(await createAnalyzer(), text, { json, morphemes: flags.morphemes }));
    });
}

/**
 * The output of `analyze`: terms on one line, or `surface/TAG` morphemes, or both as one JSON line.
 *
 * @example
 * formatAnalysis(analyzer, '전극을', { morphemes: true }) // '전극/NNG 을/JKO\n'
 */
export function formatAnalysis(
  analyzer: KoreanAnalyzer,
  text: string,
  flags: { json?: boolean; morphemes?: boolean },
): string {
  if (flags.json) return `${JSON.stringify({ terms: analyzer.terms(text), morphemes: analyzer.morphemes(text) })}\n`;
  if (flags.morphemes) return `${analyzer.morphemes(text).map((m) => `${m.surface}/${m.pos}`).join(' ')}\n`;
  return `${analyzer.terms(text).join(' ')}\n`;
}
