/**
 * KIPRIS Plus XML reader (`response/body/items/PatentUtilityInfo`), streamed with saxes so files
 * of any size are read in constant memory.
 */
import { SaxesParser } from 'saxes';
import { PatmatchError } from '../domain/errors.js';
import type { RawPatent } from '../domain/normalize/index.js';
import { detectEncoding, openText, readHead, type PatentReader, type RawRecord } from './source.js';

/** What a KIPRIS Plus response says about itself besides its items. */
export interface KiprisResponseHeader {
  /** `header/resultCode`: empty or `00` for a normal answer. */
  resultCode: string;
  resultMsg: string;
  /** `TotalSearchCount` (or `totalCount`): how many items the whole query matches, null when absent. */
  totalCount: number | null;
}

/** Elements beside the items that count them rather than being items. */
const COUNT_ELEMENTS: ReadonlySet<string> = new Set(['TotalSearchCount', 'totalCount', 'SearchStartNumber']);

/**
 * Element names to `Patent` fields for each kind of item: `PatentUtilityInfo` of the KIPRIS Plus
 * applicant search, and `item` of its advanced search (`getAdvancedSearch`). Other elements
 * (DrawingPath, SerialNumber, indexNo …) are ignored.
 */
const ITEM_FIELDS: Readonly<Record<string, Readonly<Record<string, keyof RawPatent>>>> = {
  PatentUtilityInfo: {
    Applicant: 'applicants',
    ApplicationDate: 'applicationDate',
    ApplicationNumber: 'applicationNumber',
    Abstract: 'abstract',
    InventionName: 'title',
    InternationalpatentclassificationNumber: 'ipc',
    OpeningNumber: 'openingNumber',
    OpeningDate: 'openingDate',
    PublicNumber: 'publicationNumber',
    PublicDate: 'publicationDate',
    RegistrationNumber: 'registrationNumber',
    RegistrationDate: 'registrationDate',
    RegistrationStatus: 'registrationStatus',
  },
  item: {
    applicantName: 'applicants',
    applicationDate: 'applicationDate',
    applicationNumber: 'applicationNumber',
    astrtCont: 'abstract',
    inventionTitle: 'title',
    ipcNumber: 'ipc',
    openNumber: 'openingNumber',
    openDate: 'openingDate',
    publicationNumber: 'publicationNumber',
    publicationDate: 'publicationDate',
    registerNumber: 'registrationNumber',
    registerDate: 'registrationDate',
    registerStatus: 'registrationStatus',
  },
};

/** Fields whose elements each hold names (see `applicantList`). */
const NAME_LIST_FIELDS: ReadonlySet<keyof RawPatent> = new Set(['applicants', 'inventors']);

/**
 * Reads the items of a KIPRIS Plus response file (see `ITEM_FIELDS`); `location.item` is the 1-based
 * item index in the file. An error response (non-empty `resultCode` other than `00`) and
 * malformed XML throw a `PatmatchError` (the caller names the file), after the items read so far.
 *
 * @example
 * for await (const record of readKiprisXml('120040373042-1.xml', {})) record.fields.applicationNumber;
 */
export const readKiprisXml: PatentReader = async function* (path, options) {
  const head = await readHead(path, 200);
  const bom = detectEncoding(head);
  // A UTF-16 declaration cannot be read as Latin-1 text: the BOM decides, else the declaration.
  const declared = bom === 'utf16le' || bom === 'utf16be' ? bom : /encoding\s*=\s*["']([\w-]+)["']/.exec(head.toString('latin1'))?.[1];
  yield* parseKiprisXml(openText(path, declared ?? 'utf8', options.onBytes));
};

/**
 * Parses a KIPRIS Plus response given as decoded text chunks (a file, an HTTP body), yielding its
 * items as `readKiprisXml` does. `header` is filled in as the response is read. An error response
 * throws a `PatmatchError` whose details carry `resultCode` and `resultMsg`; malformed XML throws
 * one without them.
 *
 * @example
 * const header = { resultCode: '', resultMsg: '', totalCount: null };
 * for await (const record of parseKiprisXml([body], header)) records.push(record);
 * header.totalCount // 92
 */
export async function* parseKiprisXml(
  chunks: AsyncIterable<string> | Iterable<string>,
  header: KiprisResponseHeader = { resultCode: '', resultMsg: '', totalCount: null },
): AsyncGenerator<RawRecord> {
  const parser = new SaxesParser({ position: true });
  const ready: RawRecord[] = [];
  const stack: string[] = [];
  let item: RawPatent | null = null;
  let fields: Readonly<Record<string, keyof RawPatent>> = {};
  let itemIndex = 0;
  let sawItems = false;
  const unknownItems = new Set<string>();
  let text = '';
  // Depth of the field element being read: its text includes that of markup inside it (H<sub>2</sub>O).
  let fieldDepth = 0;

  parser.on('opentag', (tag) => {
    stack.push(tag.name);
    if (fieldDepth > 0) return;
    text = '';
    const parent = stack[stack.length - 2];
    if (tag.name === 'items') sawItems = true;
    if (parent === 'items') {
      if (ITEM_FIELDS[tag.name]) [item, fields] = [{}, ITEM_FIELDS[tag.name]!];
      else if (!COUNT_ELEMENTS.has(tag.name)) unknownItems.add(tag.name);
    } else if (item && parent !== undefined && ITEM_FIELDS[parent] && fields[tag.name]) fieldDepth = stack.length;
  });
  const appendText = (chunk: string) => {
    text += chunk;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);
  parser.on('closetag', (tag) => {
    const depth = stack.length;
    stack.pop();
    const parent = stack[stack.length - 1];
    if (fieldDepth > 0) {
      if (depth !== fieldDepth) return;
      fieldDepth = 0;
      const field = fields[tag.name]!;
      const earlier = item![field];
      if (NAME_LIST_FIELDS.has(field)) {
        // Each element is a whole name (or `|`-separated names): a list, never split at spaces.
        item![field] = [...(Array.isArray(earlier) ? earlier : []), text];
      } else {
        // Repeated elements of other fields are joined as KIPRIS joins lists: with |.
        item![field] = typeof earlier === 'string' && earlier.trim() !== '' ? `${earlier}|${text}` : text;
      }
    } else if (parent === 'items' && item) {
      ready.push({ location: { item: ++itemIndex }, fields: item });
      item = null;
    } else if (parent === 'header' && (tag.name === 'resultCode' || tag.name === 'resultMsg')) {
      header[tag.name] = text.trim();
    } else if (tag.name === 'TotalSearchCount' || tag.name === 'totalCount') {
      const count = Number(text.trim());
      header.totalCount = /^\d+$/.test(text.trim()) && Number.isSafeInteger(count) ? count : null;
    }
  });

  try {
    for await (const chunk of chunks) {
      parser.write(chunk);
      yield* ready.splice(0);
    }
    parser.close();
  } catch (error) {
    yield* ready.splice(0);
    const reason = error instanceof Error ? error.message : String(error);
    throw new PatmatchError('invalid_input', `not well-formed XML after item ${itemIndex} (${reason})`);
  }
  yield* ready.splice(0);
  const code = header.resultCode;
  if (code !== '' && code !== '00') {
    throw new PatmatchError('invalid_input', `KIPRIS error response ${code}: ${header.resultMsg}`.trim(), { resultCode: code, resultMsg: header.resultMsg });
  }
  const known = Object.keys(ITEM_FIELDS).join(' or ');
  // An error answer may come without <items>; its code, checked above, is the better message.
  if (!sawItems) throw new PatmatchError('invalid_input', `a <response> without <items>: not a KIPRIS Plus patent response (items of ${known})`);
  if (itemIndex === 0 && unknownItems.size > 0) {
    throw new PatmatchError('invalid_input', `<items> holds <${[...unknownItems].join('>, <')}>, not ${known}: not a KIPRIS Plus patent response`);
  }
};
