/**
 * KIPRIS Plus XML reader (`response/body/items/PatentUtilityInfo`), streamed with saxes so files
 * of any size are read in constant memory.
 */
import { SaxesParser } from 'saxes';
import { PatmatchError } from '../domain/errors.js';
import type { RawPatent } from '../domain/normalize/index.js';
import { openText, readHead, type PatentReader, type RawRecord } from './source.js';

const ITEM = 'PatentUtilityInfo';

/** KIPRIS Plus element names to `Patent` fields; other elements (DrawingPath, SerialNumber …) are ignored. */
const FIELDS: Readonly<Record<string, keyof RawPatent>> = {
  Applicant: 'applicant',
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
};

/**
 * Reads the `PatentUtilityInfo` items of a KIPRIS Plus response; `location.item` is the 1-based
 * item index in the file. An error response (non-empty `resultCode` other than `00`) and
 * malformed XML throw a `PatmatchError` (the caller names the file), after the items read so far.
 *
 * @example
 * for await (const record of readKiprisXml('120040373042-1.xml', {})) record.fields.applicationNumber;
 */
export const readKiprisXml: PatentReader = async function* (path, options) {
  const declared = /encoding\s*=\s*["']([\w-]+)["']/.exec((await readHead(path, 200)).toString('latin1'))?.[1];
  const parser = new SaxesParser({ position: true });
  const ready: RawRecord[] = [];
  const header: Record<string, string> = {};
  const stack: string[] = [];
  let item: RawPatent | null = null;
  let itemIndex = 0;
  let text = '';

  parser.on('opentag', (tag) => {
    stack.push(tag.name);
    text = '';
    if (tag.name === ITEM) item = {};
  });
  const appendText = (chunk: string) => {
    text += chunk;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);
  parser.on('closetag', (tag) => {
    stack.pop();
    const parent = stack[stack.length - 1];
    if (tag.name === ITEM && item) {
      ready.push({ location: { item: ++itemIndex }, fields: item });
      item = null;
    } else if (item && parent === ITEM && FIELDS[tag.name]) {
      item[FIELDS[tag.name]!] = text;
    } else if (parent === 'header') {
      header[tag.name] = text.trim();
    }
  });

  try {
    for await (const chunk of openText(path, declared ?? 'utf8', options.onBytes)) {
      parser.write(chunk as string);
      yield* ready.splice(0);
    }
    parser.close();
  } catch (error) {
    yield* ready.splice(0);
    const reason = error instanceof Error ? error.message : String(error);
    throw new PatmatchError('invalid_input', `not well-formed XML after item ${itemIndex} (${reason})`);
  }
  yield* ready.splice(0);
  const code = header.resultCode ?? '';
  if (code !== '' && code !== '00') {
    throw new PatmatchError('invalid_input', `KIPRIS error response ${code}: ${header.resultMsg ?? ''}`.trim());
  }
};
