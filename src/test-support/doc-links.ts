/**
 * Relative links in Markdown files and whether they resolve: the target file exists and, for
 * `#anchor` links, the target Markdown file has a heading whose GitHub slug is the anchor.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';

/** A relative link that does not resolve, with the file and line it is on. */
export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/** Options of {@link findBrokenLinks}. */
export interface LinkCheckOptions {
  /** Folder the reported file names are relative to. */
  root: string;
  /** Files that may be missing now because a script generates them (paths relative to `root`). */
  generated?: readonly string[];
}

const FENCE = /^\s{0,3}(```|~~~)/;
const LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/**
 * The lines of a Markdown text outside fenced code blocks, with inline code spans blanked out
 * (so a link or heading shown as code is not taken for one). Fenced lines become empty strings,
 * keeping line numbers.
 *
 * @example proseLines('a\n```\n[x](y)\n```') // ['a', '', '', '']
 */
export function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const opening = FENCE.exec(line)?.[1];
    if (fence) {
      if (opening === fence) fence = undefined;
      return '';
    }
    if (opening) {
      fence = opening;
      return '';
    }
    return line;
  });
}

function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length));
}

/** The text GitHub shows for a heading's Markdown: code spans kept as written, links and emphasis reduced to their text. */
function headingText(markdown: string): string {
  const parts = markdown.split(/((`+)[\s\S]*?\2)/);
  let text = '';
  for (let i = 0; i < parts.length; i += 3) {
    text += (parts[i] ?? '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[*_]{1,3}(\S(?:.*?\S)?)[*_]{1,3}/g, '$1');
    const code = parts[i + 1];
    const ticks = parts[i + 2];
    if (code && ticks) text += code.slice(ticks.length, code.length - ticks.length).trim();
  }
  return text;
}

/**
 * GitHub's heading anchor for a heading text, as github-slugger makes it: lower case, every
 * character that is not a letter, mark, number, connector (`_`), hyphen or space removed, each
 * space a hyphen. `seen` numbers repeated slugs `-1`, `-2` … as GitHub does within one page.
 *
 * @example githubSlug('Dependencies and why') // 'dependencies-and-why'
 * @example githubSlug('특허 검색 (`#/`)')      // '특허-검색-'
 */
export function githubSlug(text: string, seen?: Map<string, number>): string {
  const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
  if (!seen) return base;
  let slug = base;
  let count = seen.get(base) ?? 0;
  while (seen.has(slug)) slug = `${base}-${++count}`;
  seen.set(base, count);
  seen.set(slug, 0);
  return slug;
}

/**
 * The anchors of a Markdown file's headings (ATX headings outside code blocks).
 *
 * @example headingSlugs('# A\n## A') // Set {'a', 'a-1'}
 */
export function headingSlugs(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  for (const line of proseLines(markdown)) {
    const heading = HEADING.exec(line);
    if (heading?.[2] !== undefined) slugs.add(githubSlug(headingText(heading[2]), seen));
  }
  return slugs;
}

/**
 * Every relative link and image of the given Markdown files that does not resolve. Links with a
 * scheme (`https:`, `mailto:` …) are not checked.
 *
 * @example findBrokenLinks(['/repo/README.md'], { root: '/repo' }) // [] when every link resolves
 */
export function findBrokenLinks(files: readonly string[], options: LinkCheckOptions): BrokenLink[] {
  const generated = new Set((options.generated ?? []).map((path) => resolve(options.root, path)));
  const slugCache = new Map<string, Set<string>>();
  const slugsOf = (path: string) => {
    let slugs = slugCache.get(path);
    if (!slugs) slugCache.set(path, (slugs = headingSlugs(readFileSync(path, 'utf8'))));
    return slugs;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    proseLines(readFileSync(file, 'utf8')).forEach((line, index) => {
      for (const match of withoutCodeSpans(line).matchAll(LINK)) {
        const target = match[1] ?? '';
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const report = (reason: string) =>
          broken.push({ file: relative(options.root, file), line: index + 1, target, reason });
        const [pathPart = '', anchor] = target.split('#', 2);
        const path = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
        if (!existsSync(path)) {
          report(generated.has(path) ? 'generated file not generated yet' : 'no such file');
          continue;
        }
        if (anchor === undefined) continue;
        if (extname(path) !== '.md') report('anchor into a file that is not Markdown');
        else if (!slugsOf(path).has(decodeURIComponent(anchor))) report(`no heading with anchor #${anchor}`);
      }
    });
  }
  return broken;
}
