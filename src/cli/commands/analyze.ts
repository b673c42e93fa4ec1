import type { Command } from 'commander';
import { createAnalyzer } from '../../text/index.js';

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
      const analyzer = await createAnalyzer();
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      const morphemes = analyzer.morphemes(text);
      const terms = analyzer.terms(text);
      if (json) process.stdout.write(`${JSON.stringify({ terms, morphemes })}\n`);
      else if (flags.morphemes) process.stdout.write(`${morphemes.map((m) => `${m.surface}/${m.pos}`).join(' ')}\n`);
      else process.stdout.write(`${terms.join(' ')}\n`);
    });
}
