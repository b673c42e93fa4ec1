import { decodeHTML } from 'entities';

/** Tags that sit inside a word (`H<sub>2</sub>O`, `<b>그래핀</b>층`): removed without a space. */
const INLINE_TAG = /<\/?(?:sub|sup|b|i|u|em|strong|span|font|small|big|mark|s|strike)\b[^<>]*>/gi;
/** Any other tag, comment or CDATA/doctype marker: replaced by a space so words do not glue together. */
const BLOCK_TAG = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[|\]\]>|<[!?/]?[A-Za-z][^<>]*>/g;
/**
 * Control and format characters (tabs and newlines included; they become spaces) and lone surrogates.
 * Zero-width joiners, BOMs and soft hyphens are format characters, so they split nothing: removed.
 */
const CONTROL = /\p{Cc}/gu;
const FORMAT_OR_SURROGATE = /[\p{Cf}\p{Cs}]/gu;
const WHITESPACE = /\s+/g;

/**
 * Normalises free text from patents, demands or the web for analysis and display: strips HTML/XML
 * markup and decodes entities, applies Unicode NFKC (full-width → ASCII, ① → 1, compatibility
 * hanja → unified), removes control and format characters, and collapses whitespace. Case is kept;
 * lowercasing belongs to term extraction.
 *
 * @example
 * normalizeText('  H<sub>2</sub>O &amp; ＡＢＣ<br>전극\u200b\t소재 ') // 'H2O & ABC 전극 소재'
 */
export function normalizeText(text: string): string {
  const withoutMarkup = text.replace(INLINE_TAG, '').replace(BLOCK_TAG, ' ');
  return decodeHTML(withoutMarkup)
    .replace(FORMAT_OR_SURROGATE, '')
    .normalize('NFKC')
    .replace(CONTROL, ' ')
    .replace(WHITESPACE, ' ')
    .trim();
}
