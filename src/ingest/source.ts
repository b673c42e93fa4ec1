/**
 * What every reader yields, and the byte-level helpers readers share: encoding detection and a
 * decoded text stream that reports bytes read (for the progress bar).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable, type Transform } from 'node:stream';
import iconv from 'iconv-lite';
import type { RawPatent, FieldProblem } from '../domain/normalize/index.js';
import type { ColumnUse } from './columns.js';

/** Where a record sits in its file: line for text tables and JSON Lines, item index for XML. */
export interface RecordLocation {
  line?: number;
  item?: number;
}

/** One record as a reader saw it, before normalisation; `problems` are reader-level (e.g. bad JSON). */
export interface RawRecord {
  location: RecordLocation;
  fields: RawPatent;
  problems?: Array<{ field: FieldProblem['field'] | 'record'; reason: string }>;
}

/** Options every reader takes. */
export interface ReaderOptions {
  /** Called with the number of bytes just read from disk. */
  onBytes?: (bytes: number) => void;
  /** `field=column` overrides for table readers, field being a `Patent` key. */
  map?: Readonly<Record<string, string>>;
  /** Table readers tell, per table, the columns no field read and how many rows had a value in each. */
  onUnusedColumns?: (columns: ColumnUse[]) => void;
}

/** A reader turns one file into raw records, streaming. */
export type PatentReader = (path: string, options: ReaderOptions) => AsyncIterable<RawRecord>;

const SNIFF_BYTES = 64 * 1024;

/**
 * The first bytes of a file, for format and encoding detection.
 *
 * @example
 * const head = await readHead('export.csv'); // Buffer of up to 64 KiB
 */
export async function readHead(path: string, bytes = SNIFF_BYTES): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The text encoding of a file from its first bytes: a BOM, else UTF-8 when the bytes decode
 * strictly as UTF-8, else CP949 (the superset of EUC-KR that Korean Windows exports use).
 *
 * @example
 * detectEncoding(Buffer.from([0xc7, 0xd1])) // 'cp949'
 */
export function detectEncoding(head: Buffer): 'utf8' | 'utf16le' | 'utf16be' | 'cp949' {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
  try {
    // `stream: true` lets a multi-byte character cut at the end of the sample pass.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf8';
  } catch {
    return 'cp949';
  }
}

/** Non-ASCII characters to look at before trusting the UTF-8 / CP949 decision. */
const ENOUGH_NON_ASCII = 10_000;

/**
 * The text encoding of a whole file: a BOM, else UTF-8 unless over a quarter of its non-ASCII
 * characters fail to decode as UTF-8, else CP949. Unlike `detectEncoding` on the first 64 KiB, an
 * ASCII-only start does not hide a CP949 body, and one stray byte in a UTF-8 file does not turn
 * every Korean field into mojibake (it becomes one U+FFFD). Reads until 10,000 non-ASCII characters
 * have been seen, so a Korean file is decided within its first kilobytes.
 *
 * @example
 * await detectFileEncoding('export.csv') // 'cp949'
 */
export async function detectFileEncoding(path: string): Promise<'utf8' | 'utf16le' | 'utf16be' | 'cp949'> {
  const fromBom = detectEncoding(await readHead(path, 3));
  if (fromBom === 'utf16le' || fromBom === 'utf16be') return fromBom;
  const decoder = new TextDecoder('utf-8');
  let nonAscii = 0;
  let undecodable = 0;
  for await (const chunk of openBytes(path) as AsyncIterable<Buffer>) {
    for (const char of decoder.decode(chunk, { stream: true })) {
      if (char.charCodeAt(0) < 0x80) continue;
      nonAscii++;
      if (char === '\ufffd') undecodable++;
    }
    if (nonAscii >= ENOUGH_NON_ASCII) break;
  }
  return undecodable > nonAscii * 0.25 ? 'cp949' : 'utf8';
}

/**
 * The first bytes of a file as text in its detected encoding, without BOM, for sniffing.
 *
 * @example
 * decodeHead(await readHead('a.csv')) // '출원번호,발명의 명칭\n…'
 */
export function decodeHead(head: Buffer): string {
  return iconv.decode(head, detectEncoding(head));
}

/**
 * The file's bytes as a stream of decoded strings (BOM stripped), reporting bytes read to `onBytes`.
 *
 * @example
 * for await (const text of openText('a.csv', 'cp949')) …
 */
export function openText(path: string, encoding: string, onBytes?: (bytes: number) => void): Readable {
  // iconv-lite types its Transform as a bare ReadWriteStream.
  const decoder = iconv.decodeStream(encoding) as unknown as Transform;
  return pipeline(openBytes(path, onBytes), decoder, () => {});
}

/**
 * The file's raw bytes as a stream, reporting bytes read to `onBytes`.
 *
 * @example
 * new ExcelJS.stream.xlsx.WorkbookReader(openBytes('a.xlsx', bar.add), {});
 */
export function openBytes(path: string, onBytes?: (bytes: number) => void): Readable {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (onBytes) stream.on('data', (chunk) => onBytes(chunk.length));
  return stream;
}
