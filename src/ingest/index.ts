/**
 * `ingest`: reads patent files and folders into the store. Readers are chosen by content; every
 * record is normalised, rejected records are reported with file, line or item, field and reason,
 * and accepted ones are upserted in one transaction per batch, so a killed run leaves whole
 * batches only and re-running it is safe (unchanged records stay unchanged).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Patent } from '../domain/index.js';
import { normalizePatent } from '../domain/normalize/index.js';
import type { PatentStore, UpsertCounts } from '../store/index.js';
import { assertMapFields, type ColumnUse } from './columns.js';
import { detectFormat, type Detection, type PatentFormat } from './detect.js';
import type { RawRecord, RecordLocation } from './source.js';

export { detectFormat, type PatentFormat, type Detection } from './detect.js';
export type { ColumnUse } from './columns.js';

/** One rejected field of one record. */
export interface Rejection extends RecordLocation {
  file: string;
  applicationNumber?: string;
  field: string;
  reason: string;
}

/**
 * What records did to the store. `updatedRepeats` counts the `updated` records whose application an
 * earlier record of the same run had already stored (publication A, then registration B1 of one
 * application); the rest of `updated` changed patents stored before the run. `unchangedRepeats`
 * likewise counts the `unchanged` records that repeat an application read earlier in the run.
 */
export interface RunCounts extends UpsertCounts {
  updatedRepeats: number;
  unchangedRepeats: number;
}

/** What happened to one file. */
export interface FileReport extends RunCounts {
  file: string;
  format: PatentFormat;
  read: number;
  rejected: number;
  /** Columns of a CSV/TSV/XLSX table that patmatch does not recognise and that hold values: their data is not read. */
  unmapped: ColumnUse[];
  /** Recognised columns holding values that patmatch does not store (priority, family, claims, CPC …, or a second column for a field). */
  notStored: ColumnUse[];
}

/** The outcome of an ingest run. `failed` files could not be read (at all, or past some point). */
export interface IngestSummary extends RunCounts {
  read: number;
  rejected: number;
  files: FileReport[];
  /** The first `maxRejections` rejections; `rejectionsOmitted` counts the rest. */
  rejections: Rejection[];
  rejectionsOmitted: number;
  /** Files that could not be read, or stopped being readable part-way (records before that point are kept). */
  failed: Array<{ file: string; reason: string }>;
  /** Files found inside folders that are not patent sources (README, evaluation tables …). */
  skipped: Array<{ file: string; reason: string }>;
  /**
   * Applicant fields that joined several names with plain spaces: `split` into their names, or
   * `keptWhole` because no reading was sure (see `splitJoinedNames`).
   */
  joinedApplicants: { split: number; keptWhole: number };
}

/** Options of `ingest`. */
export interface IngestOptions {
  /** `field=column` header overrides for CSV/TSV/XLSX. */
  map?: Readonly<Record<string, string>>;
  /** Records per transaction (default 500). */
  batchSize?: number;
  /** Rejections kept in the summary (default 10,000), so a hostile file cannot exhaust memory. */
  maxRejections?: number;
  /** Told the total bytes to read once, then bytes read so far. */
  onProgress?: (done: number, total: number) => void;
}

const DEFAULTS = { batchSize: 500, maxRejections: 10_000 } as const;

/**
 * Ingests files and folders (recursively, in name order) into the store.
 *
 * @example
 * const summary = await ingest(store, ['../shared/data/kipris'], { onProgress: (done, total) => bar.update(done) });
 * summary.inserted; summary.rejections;
 */
export async function ingest(store: PatentStore, paths: readonly string[], options: IngestOptions = {}): Promise<IngestSummary> {
  const settings = { ...DEFAULTS, ...options, map: withListFieldNames(options.map) };
  assertMapFields(settings.map ?? {});
  const summary: IngestSummary = {
    read: 0,
    inserted: 0,
    updated: 0,
    updatedRepeats: 0,
    unchanged: 0,
    unchangedRepeats: 0,
    rejected: 0,
    files: [],
    rejections: [],
    rejectionsOmitted: 0,
    failed: [],
    skipped: [],
    joinedApplicants: { split: 0, keptWhole: 0 },
  };
  // Application numbers stored by this run, as numbers (13 digits fit a double exactly; smaller than strings).
  const stored = new Set<number>();
  const targets = await expand(paths, summary);
  const total = targets.reduce((sum, target) => sum + target.size, 0);
  let done = 0;
  settings.onProgress?.(0, total);
  for (const target of targets) {
    const fileStart = done;
    const detection = await detectFormat(target.file, settings.map).catch((error: Error) => ({ format: null, reason: error.message }));
    if (detection.format === null) {
      (target.explicit ? summary.failed : summary.skipped).push({ file: target.file, reason: detection.reason });
    } else {
      const onBytes = (bytes: number) => {
        done += bytes;
        settings.onProgress?.(done, total);
      };
      await ingestFile(store, target.file, detection, summary, stored, { ...settings, onBytes });
    }
    done = fileStart + target.size;
    settings.onProgress?.(done, total);
  }
  return summary;
}

/** `--map applicant=…` as written before applicants were a list: the field is now `applicants`. */
function withListFieldNames(map: IngestOptions['map']): IngestOptions['map'] {
  if (!map || !('applicant' in map) || 'applicants' in map) return map;
  const { applicant, ...rest } = map;
  return { ...rest, applicants: applicant! };
}

/** Reads one file into the store, adding to `summary`; a reader error fails the file, keeping what was read before it. */
async function ingestFile(
  store: PatentStore,
  file: string,
  detection: Extract<Detection, { reader: unknown }>,
  summary: IngestSummary,
  stored: Set<number>,
  settings: { batchSize: number; maxRejections: number; map?: Readonly<Record<string, string>>; onBytes: (bytes: number) => void },
): Promise<void> {
  const report: FileReport = { file, format: detection.format, read: 0, inserted: 0, updated: 0, updatedRepeats: 0, unchanged: 0, unchangedRepeats: 0, rejected: 0, unmapped: [], notStored: [] };
  summary.files.push(report);
  // The absolute path, so `eval retrieval --source <folder>` can tell which folder a patent came from.
  const source = `${detection.format}:${resolve(file)}`;
  // Names known when the file starts (earlier files included) help split its space-joined applicants.
  const knownApplicants = store.knownApplicants();
  let batch: Patent[] = [];
  let storing = false;
  const flush = () => {
    storing = true;
    const counts = upsertBatch(store, batch, source, stored);
    storing = false;
    for (const key of ['inserted', 'updated', 'updatedRepeats', 'unchanged', 'unchangedRepeats'] as const) {
      report[key] += counts[key];
      summary[key] += counts[key];
    }
    batch = [];
  };
  const onUnusedColumns = (columns: ColumnUse[]) => {
    for (const column of columns) (column.holds === undefined ? report.unmapped : report.notStored).push(column);
  };
  try {
    for await (const record of detection.reader(file, { map: settings.map, onBytes: settings.onBytes, onUnusedColumns })) {
      report.read++;
      summary.read++;
      const result = record.problems ? null : normalizePatent(record.fields, { knownApplicants });
      if (result?.ok) {
        if (result.applicantsRead === 'split') summary.joinedApplicants.split++;
        if (result.applicantsRead === 'kept-whole') summary.joinedApplicants.keptWhole++;
        batch.push(result.patent);
        if (batch.length >= settings.batchSize) flush();
        continue;
      }
      report.rejected++;
      summary.rejected++;
      const problems = record.problems ?? (result && !result.ok ? result.problems : []);
      for (const problem of problems) {
        if (summary.rejections.length < settings.maxRejections) summary.rejections.push(rejection(file, record, problem));
        else summary.rejectionsOmitted++;
      }
    }
    flush();
  } catch (error) {
    // A store failure is not the file's fault; anything the reader throws means the file stopped being readable.
    if (storing) throw error;
    flush();
    summary.failed.push({ file, reason: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Upserts a batch (one transaction), counting the updated and unchanged records of applications that
 * this run had already stored (in earlier batches or earlier in this one); adds the batch's numbers to `stored`.
 */
function upsertBatch(store: PatentStore, batch: readonly Patent[], source: string, stored: Set<number>): RunCounts {
  const repeats = batch.map((patent) => {
    const number = Number(patent.applicationNumber);
    if (stored.has(number)) return true;
    stored.add(number);
    return false;
  });
  const repeated = { inserted: 0, updated: 0, unchanged: 0 };
  const counts = store.upsertPatents(batch, source, (index, outcome) => {
    if (repeats[index]) repeated[outcome]++;
  });
  return { ...counts, updatedRepeats: repeated.updated, unchangedRepeats: repeated.unchanged };
}

function rejection(file: string, record: RawRecord, problem: { field: string; reason: string }): Rejection {
  const raw = record.fields.applicationNumber;
  const applicationNumber = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
  return { file, ...record.location, ...(applicationNumber ? { applicationNumber } : {}), ...problem };
}

interface Target {
  file: string;
  size: number;
  explicit: boolean;
}

/**
 * Files to read: explicit files as given, folders walked recursively in name order (hidden entries
 * skipped). Each folder and file is visited once by its real path, so symbolic links that loop
 * (`sub/up -> ..`) or point twice at one file cannot hang the walk or read a file twice.
 */
async function expand(paths: readonly string[], summary: IngestSummary): Promise<Target[]> {
  const targets: Target[] = [];
  // Real path → its target (a file), or null (a folder).
  const seen = new Map<string, Target | null>();
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
    const real = info instanceof Error ? null : await realpath(path).catch(() => path);
    if (real !== null && seen.has(real)) {
      // Named on the command line after its folder found it: it is reported as a named file.
      const earlier = seen.get(real);
      if (explicit && earlier) earlier.explicit = true;
      return;
    }
    if (info instanceof Error) {
      summary.failed.push({ file: path, reason: info.code === 'ENOENT' ? 'no such file or folder' : info.message });
    } else if (info.isDirectory()) {
      seen.set(real!, null);
      const entries = (await readdir(path)).filter((name) => !name.startsWith('.')).sort();
      for (const name of entries) await visit(join(path, name), false);
    } else if (info.isFile()) {
      const target = { file: path, size: info.size, explicit };
      seen.set(real!, target);
      targets.push(target);
    } else if (explicit) {
      summary.failed.push({ file: path, reason: 'not a regular file' });
    }
  };
  for (const path of paths) await visit(path, true);
  return targets;
}
