import type { Database } from '../db/database.js';
import { migrate } from '../db/migrations.js';
import { defaultIngestConfig, type IngestConfig } from './config.js';
import { detectFormat, type Detected, type Format } from './detect.js';
import { expandInputs, forEachPiece, hashFile, inspectFile, type FileFacts, type InputFile, type LineShape } from './files.js';
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileCounts, stageFile, rebuildDerivedTables, pairStoredAnswers, readJsonEarly, type FileCounts, type PieceCounts, type StageInput } from './stage.js';
import { StagingArea } from './staging.js';
import { CliError, ExitCode } from '../errors.js';

export interface IngestOptions {
  format: Format | 'auto';
  /** zone for times written without one */
  tz: string;
  /** when any line is rejected, store nothing */
  strict: boolean;
  config?: Partial<IngestConfig>;
  /** called with bytes of input finished, for a progress bar */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface Reject {
  file: string;
  line: number;
  reason: string;
}

export interface FileOutcome extends FileCounts {
  path: string;
  format: Format;
  status: 'ingested' | 'skipped';
  /** why a file was skipped */
  note?: string;
}

export interface IngestResult {
  files_ingested: number;
  files_skipped: number;
  messages: number;
  status_notifications: number;
  duplicates: number;
  rejected: number;
  skipped_lines: number;
  rejects: Reject[];
  files: FileOutcome[];
  /** true when --strict rolled the run back because lines were rejected */
  rolled_back: boolean;
}

const maxRejectsListed = 20;

class StrictRejection extends Error {
  constructor(readonly result: IngestResult) {
    super('rejected lines under --strict');
  }
}

interface PlannedFile extends InputFile {
  detected: Detected;
}

/** A file as staged: what was learnt of it while it was read (its hash, whether a gzip stream was whole). */
interface InspectedFile extends PlannedFile, FileFacts {
  note?: string;
}

/**
 * Ingests files into the database in one transaction: all of it is stored, or (on failure, on a kill, or under
 * --strict with rejected lines) none of it. Files already ingested (same sha256) are skipped.
 */
export async function ingestFiles(db: Database, inputs: readonly string[], options: IngestOptions): Promise<IngestResult> {
  const config = { ...defaultIngestConfig, ...options.config };
  const plannedFiles = await planFiles(inputs, options.format);
  await migrate(db);

  const result: IngestResult = {
    files_ingested: 0,
    files_skipped: 0,
    messages: 0,
    status_notifications: 0,
    duplicates: 0,
    rejected: 0,
    skipped_lines: 0,
    rejects: [],
    files: [],
    rolled_back: false,
  };
  const totalBytes = plannedFiles.reduce((sum, f) => sum + f.size, 0);
  let bytesDone = 0;
  const progress = options.onProgress;
  // the bytes of the current file being staged (the whole file, or one piece of it)
  let unit = { from: 0, to: 0 };
  let queriesDone = 0;
  const staging = await StagingArea.open(db);
  if (progress) {
    // a file or piece takes about this many named queries; within one, DuckDB reports its own percentage
    const queriesPerUnit = 25;
    const listener = (_query: string, percent: number) => {
      if (percent >= 100) queriesDone++;
      const fraction = Math.min(0.99, (queriesDone + (percent < 100 ? percent / 100 : 0)) / queriesPerUnit);
      progress(bytesDone + unit.from + (unit.to - unit.from) * fraction, totalBytes);
    };
    db.progressListener = listener;
    staging.stager.progressListener = listener;
  }

  try {
    await db.transaction(async () => {
      const stored = await db.allNamed<{ sha256: string; size_bytes: number }>('ingest/known_files');
      const known = new Set(stored.map((r) => r.sha256));
      // a file of a size no ingested file has cannot be one of them: it is hashed while it is staged. One of such a
      // size is hashed first, and again while staged if it is new (rare: those are mostly re-delivered files)
      const knownSizes = new Set(stored.map((r) => r.size_bytes));
      const firstFileId = (await db.allNamed<{ id: number }>('ingest/next_file_id'))[0]!.id;
      let nextFileId = firstFileId;
      for (const planned of plannedFiles) {
        if (knownSizes.has(planned.size) && known.has(await hashFile(planned.path))) {
          result.files_skipped++;
          result.files.push({ ...emptyCounts(), path: planned.path, format: planned.detected.format, status: 'skipped', note: 'already ingested (same sha256)' });
          bytesDone += planned.size;
          progress?.(bytesDone, totalBytes);
          continue;
        }
        knownSizes.add(planned.size);
        const fileId = nextFileId++;
        const { pieces, file } = await stagePieces(planned, config, options.tz, staging, (piece) => {
          unit = { from: piece.bytesFrom, to: piece.bytesTo };
          queriesDone = 0;
          return stageFile(db, staging, { ...piece, fileId, tz: options.tz, config });
        });
        known.add(file.sha256);
        const counts = await fileCounts(db, fileId, file.detected.format === 'status-csv', pieces);
        if (!file.gzipComplete) file.note = 'gzip stream cut short: the last line is rejected';
        await db.runNamed('ingest/insert_file', {
          file_id: fileId,
          path: file.path,
          sha256: file.sha256,
          size_bytes: file.size,
          format: file.detected.format,
          ...counts,
        });
        addCounts(result, counts);
        result.files_ingested++;
        result.files.push({ ...counts, path: file.path, format: file.detected.format, status: 'ingested', note: file.note });
        if (result.rejects.length < maxRejectsListed && counts.rejected > 0) {
          const rows = await db.allNamed<{ line_no: number; reason: string }>('ingest/first_rejects', {
            file_id: fileId,
            n: maxRejectsListed - result.rejects.length,
          });
          result.rejects.push(...rows.map((r) => ({ file: file.path, line: r.line_no, reason: r.reason })));
        }
        bytesDone += file.size;
        unit = { from: 0, to: 0 };
        progress?.(bytesDone, totalBytes);
      }
      if (result.files_ingested > 0) {
        await pairStoredAnswers(db, config, firstFileId);
        await rebuildDerivedTables(db, config);
      }
      if (options.strict && result.rejected > 0) throw new StrictRejection(result);
    });
  } catch (error) {
    if (error instanceof StrictRejection) return { ...error.result, rolled_back: true };
    throw error;
  } finally {
    db.progressListener = undefined;
    await staging.close();
  }
  return result;
}

async function planFiles(inputs: readonly string[], format: Format | 'auto'): Promise<PlannedFile[]> {
  const files = await expandInputs(inputs);
  if (files.length === 0) throw new CliError(`no supported files found in ${inputs.join(', ')} (looked for .jsonl .json .csv .log .txt and their .gz)`, ExitCode.failure);
  const planned: PlannedFile[] = [];
  for (const file of files) {
    let detected: Detected;
    try {
      detected = await detectFormat(file.path, format);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot read ${file.path}: ${(error as Error).message}`, ExitCode.failure, { cause: error });
    }
    planned.push({ ...file, detected });
  }
  return planned;
}

function inspect(file: PlannedFile): Promise<FileFacts> {
  return inspectFile(file.path, file.detected.gzip);
}

/** What stageFile is handed of a file or piece, less what the run adds (file id, zone, thresholds). */
type PieceSource = Pick<StageInput, 'path' | 'detected' | 'readPath' | 'gzip' | 'gzipComplete' | 'lineOffset' | 'lastPiece' | 'lines' | 'earlyRead'> & {
  /** where in the file (its bytes as stored, compressed for gzip) the piece starts and ends, for progress */
  bytesFrom: number;
  bytesTo: number;
};

/**
 * Stages a file whole when DuckDB can read it as it is; a large or gzip-large file, or one with mixed or lone-CR
 * line ends, is cut into plain LF pieces first and staged piece by piece, with line numbers carried on. A small file
 * is inspected (hashed, its lines counted) before it is staged, while DuckDB's JSON reader reads it when it is JSON
 * lines; a large one (plain or gzip) while it is cut. The next piece is cut while one is staged.
 */
async function stagePieces(
  planned: PlannedFile,
  config: IngestConfig,
  tz: string,
  staging: StagingArea,
  stage: (piece: PieceSource) => Promise<PieceCounts>,
): Promise<{ pieces: PieceCounts; file: InspectedFile }> {
  const { pieceBytes } = config;
  const large = planned.detected.gzip ? planned.size > pieceBytes / 8 : planned.size > pieceBytes * 1.5;
  let facts: FileFacts | undefined;
  let earlyRead = false;
  if (!large) {
    const inspecting = inspect(planned);
    earlyRead = planned.detected.format === 'ocpp-jsonl' && config.readJsonDirectly && (await readJsonEarly(staging, planned, tz));
    facts = await inspecting;
  }
  if (facts && !facts.needsLineEndFix) {
    const file: InspectedFile = { ...planned, ...facts };
    const pieces = await stage({ ...file, readPath: file.path, gzip: file.detected.gzip, lineOffset: 0, lastPiece: true, bytesFrom: 0, bytesTo: file.size, earlyRead });
    return { pieces, file };
  }
  const hash = facts ? undefined : createHash('sha256');
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-faults-'));
  const total: PieceCounts = { lines: 0, accepted: 0, skipped: 0, rejected: 0 };
  const lineShape: LineShape = { lines: 0, longestLineBytes: 0 };
  // one piece is staged while the next is cut. A gzip file's piece waits until the next is cut, so that the last one
  // is known as such (a stream cut short ends in a cut line); a plain file's is staged as soon as it is cut, so
  // DuckDB starts one piece earlier
  const stagedWhenCut = !planned.detected.gzip;
  type CutPiece = { path: string; lines: LineShape; bytesFrom: number; bytesTo: number };
  let pending: CutPiece | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let gzipComplete = facts?.gzipComplete ?? true;
  let cutTo = 0;
  const stageCut = async (piece: CutPiece, lastPiece: boolean) => {
    const counts = await stage({
      path: planned.path,
      detected: planned.detected,
      readPath: piece.path,
      gzip: false,
      gzipComplete,
      lineOffset: total.lines,
      lastPiece,
      lines: piece.lines,
      bytesFrom: piece.bytesFrom,
      bytesTo: lastPiece ? planned.size : piece.bytesTo,
      earlyRead: false,
    });
    await rm(piece.path, { force: true });
    total.lines += counts.lines;
    total.accepted += counts.accepted;
    total.skipped += counts.skipped;
    total.rejected += counts.rejected;
  };
  try {
    const fixLineEnds = facts ? facts.needsLineEndFix : 'where-needed';
    const cut = await forEachPiece(planned.path, { gzip: planned.detected.gzip, fixLineEnds, pieceBytes, dir, hash }, async (path, lines, bytesRead) => {
      await inFlight;
      const piece = { path: `${path}.staged`, lines, bytesFrom: cutTo, bytesTo: Math.min(bytesRead, planned.size) };
      await rename(path, piece.path);
      cutTo = piece.bytesTo;
      lineShape.lines += lines.lines;
      lineShape.longestLineBytes = Math.max(lineShape.longestLineBytes, lines.longestLineBytes);
      const ready = stagedWhenCut ? piece : pending;
      if (!stagedWhenCut) pending = piece;
      if (!ready) return;
      inFlight = stageCut(ready, false);
      // handled here, thrown where it is awaited: the next piece's cut or the end
      inFlight.catch(() => undefined);
    });
    await inFlight;
    if (!facts) gzipComplete = cut.gzipComplete;
    if (pending) await stageCut(pending, true);
    const file: InspectedFile = {
      ...planned,
      ...(facts ?? { sha256: hash!.digest('hex'), gzipComplete, needsLineEndFix: false, lines: lineShape }),
    };
    return { pieces: total, file };
  } finally {
    await inFlight.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

function emptyCounts(): FileCounts {
  return { lines: 0, messages: 0, status_notifications: 0, duplicates: 0, skipped_lines: 0, rejected: 0 };
}

function addCounts(result: IngestResult, counts: FileCounts): void {
  result.messages += counts.messages;
  result.status_notifications += counts.status_notifications;
  result.duplicates += counts.duplicates;
  result.rejected += counts.rejected;
  result.skipped_lines += counts.skipped_lines;
}
