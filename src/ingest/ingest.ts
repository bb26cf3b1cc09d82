import type { Database } from '../db/database.js';
import { currentSchemaVersion, migrate, schemaVersion } from '../db/migrations.js';
import { defaultIngestConfig, type IngestConfig } from './config.js';
import { detectFormat, repeatedColumns, UnreadableFile, type Detected, type Format } from './detect.js';
import { expandInputs, forEachPiece, gzipWhole, shownName, hashFile, inspectFile, inspectInto, readBytes, readsAsPattern, sameStat, type FileFacts, type FileStat, type InputFile, type LineShape } from './files.js';
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchUnreadable, filesCounts, stageBatch, stageFile, stageLineBatch, rebuildDerivedTables, pairStoredAnswers, readJsonEarly, type FileCounts, type FoldCarry, type PieceCounts, type StageInput } from './stage.js';
import { StagingArea } from './staging.js';
import { CliError, ExitCode, isOutOfDiskSpace } from '../errors.js';
import { terminalSafe } from '../tty.js';
import { checkDiskRoom, outOfDiskSpace, type RunInput, type RunPlaces } from './disk.js';
import { duckdb } from '../db/duckdb.js';

export interface IngestOptions {
  format: Format | 'auto';
  /** zone for times written without one */
  tz: string;
  /** when any line is rejected, store nothing */
  strict: boolean;
  config?: Partial<IngestConfig>;
  /** hash every file, even one unchanged since an earlier run hashed it */
  rehash?: boolean;
  /** called with bytes of input finished, for a progress bar */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** the folder pieces are cut into (the system's temporary folder when unset) */
  tempDir?: string;
  /** told, before anything is read, when the disks the run writes to look too small for its input */
  onWarning?: (text: string) => void;
  /** do everything but keep it: the run's counts and rejects as a real run would give them, with nothing stored */
  dryRun?: boolean;
  /** inputs that hold no supported file are a run of nothing rather than an error (a nightly inbox on a quiet night) */
  noFilesOk?: boolean;
  /**
   * told of each file that is not in a format the run reads (its problem), which the run then leaves out; without
   * it such a file fails the run (a nightly inbox with a stray README must still publish the night)
   */
  onUnreadableFile?: (file: UnreadableFile) => void;
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
  /** true when the run was rolled back: --strict and lines were rejected, or --dry-run */
  rolled_back: boolean;
}

const maxRejectsListed = 20;

/** Ends the run's transaction without keeping it: --strict with rejected lines, or a dry run. */
class RollBack extends Error {
  constructor(readonly result: IngestResult) {
    super('the run is rolled back');
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
  const listedAtMs = Date.now();
  const spool = new SpoolFolder(pieceParent(options));
  // the files the run reads: those listed, less the ones known unchanged by their stat once the run has looked
  const reading = { files: [] as readonly PlannedFile[] };
  try {
    reading.files = await planFiles(inputs, options, () => spool.path());
    return await ingestPlanned(db, reading, config, options, listedAtMs);
  } catch (error) {
    if (isOutOfDiskSpace(error)) throw await outOfDiskSpace(error, await runPlaces(db, options), runInput(reading.files));
    throw error;
  } finally {
    await spool.remove();
  }
}

async function ingestPlanned(db: Database, reading: { files: readonly PlannedFile[] }, config: IngestConfig, options: IngestOptions, listedAtMs: number): Promise<IngestResult> {
  const plannedFiles = reading.files;
  if (options.dryRun) await requireNoMigration(db);
  else await migrate(db);
  // no file to read (noFilesOk): a run of nothing, whose database is at the current schema all the same
  if (plannedFiles.length === 0) return emptyResult();
  const staging = await StagingArea.open(db);
  const run = new IngestRun(db, staging, config, options, plannedFiles, listedAtMs);
  try {
    await db.transaction(async () => {
      await run.start();
      reading.files = run.filesToRead();
      const warning = await checkDiskRoom(await runPlaces(db, options), runInput(reading.files), memoryLimitBytes(db));
      if (warning) options.onWarning?.(warning);
      for (const planned of reading.files) warnOfRepeatedColumns(planned, options);
      for (const planned of plannedFiles) await run.take(planned);
      await run.finish();
      if (options.dryRun || (options.strict && run.result.rejected > 0)) throw new RollBack(run.result);
    });
  } catch (error) {
    if (error instanceof RollBack) return { ...error.result, rolled_back: true };
    throw error;
  } finally {
    db.progressListener = undefined;
    await staging.close();
  }
  return run.result;
}

/** Whether two zone names are one zone: ICU's canonical names (Etc/UTC and GMT are UTC, US/Eastern America/New_York). */
function sameZone(a: string, b: string): boolean {
  const canonical = (zone: string) => {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      return zone.toLowerCase();
    }
  };
  return canonical(a) === canonical(b);
}

/** A CSV header that names a column the format reads twice: the run reads the first, and says so. */
function warnOfRepeatedColumns(planned: PlannedFile, options: IngestOptions): void {
  const { csv, format } = planned.detected;
  if (!csv) return;
  for (const { name, columns } of repeatedColumns(csv, format)) {
    const others = columns.slice(1);
    options.onWarning?.(
      `${shownName(planned)}: its header names ${name} in columns ${columns.slice(0, -1).join(', ')} and ${columns.at(-1)}; column ${columns[0]} is read, ` +
        `${others.length === 1 ? `column ${others[0]} is` : `columns ${others.join(', ')} are`} not. Rename the column to read, or drop the others.`,
    );
  }
}

/**
 * A dry run changes nothing, its schema included: a new database (in memory) is made as usual, but a file of an
 * older schema version is refused, since upgrading it is a change that stays.
 */
async function requireNoMigration(db: Database): Promise<void> {
  const version = await currentSchemaVersion(db);
  if (version === schemaVersion) return;
  if (version === 0 && db.path === ':memory:') return migrate(db);
  const why = version === 0 ? 'is not an ocpp-faults database yet' : `has schema version ${version}, which a run upgrades to ${schemaVersion}`;
  throw new CliError(`${db.path} ${why}, and a dry run changes nothing: run ocpp-faults ingest without --dry-run once, or name another --db.`, ExitCode.failure);
}

/** Where inputs that can be read only once are copied before the run: made when the first one is met, removed after. */
class SpoolFolder {
  private made: Promise<string> | undefined;

  constructor(private readonly parent: string) {}

  path(): Promise<string> {
    this.made ??= mkdtemp(join(this.parent, 'ocpp-faults-streams-'));
    return this.made;
  }

  async remove(): Promise<void> {
    const made = await this.made?.catch(() => undefined);
    if (made) await rm(made, { recursive: true, force: true });
  }
}

/** Where a run writes, for the message when the disk is full. */
async function runPlaces(db: Database, options: IngestOptions): Promise<RunPlaces> {
  const [staging] = await db.allNamed<{ path: string }>('ingest/temp_directory').catch(() => []);
  return { database: db.path, staging: staging?.path || `${db.path}.tmp`, pieces: pieceParent(options) };
}

/** The database's memory limit in bytes: what a run's staging may take before it waits on disk. */
function memoryLimitBytes(db: Database): number {
  return (db.memoryLimitMb ?? Number.parseInt(defaultIngestConfig.memoryLimit, 10)) * 1024 * 1024;
}

function runInput(files: readonly PlannedFile[]): RunInput {
  const bytes = (gzip: boolean) => files.reduce((sum, f) => sum + (f.detected.gzip === gzip ? f.size : 0), 0);
  return { plainBytes: bytes(false), gzipBytes: bytes(true) };
}

function pieceParent(options: Pick<IngestOptions, 'tempDir'>): string {
  return options.tempDir ?? tmpdir();
}

/** A small JSON-lines file waiting to be staged with others, with its place among the inputs. */
interface BatchMember {
  planned: PlannedFile;
  place: number;
  /** taken only when a file of the same size comes, to tell whether that one is a copy */
  sha256?: string;
}

/** What a run that has read nothing yet has done. */
function emptyResult(): IngestResult {
  return {
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
}

/** One ingest run inside its transaction: the files it takes in input order, and what they stored. */
class IngestRun {
  readonly result: IngestResult = emptyResult();
  /** each input's outcome at its place: a batch's files are known after files skipped while they waited */
  private readonly outcomes: (FileOutcome | undefined)[] = [];
  /** the sha256 of each ingested file, with the --tz it was read in */
  private known = new Map<string, string>();
  private knownSizes = new Set<number>();
  /** what earlier runs saw at the paths of this one's files: their stat then, and the sha256 of their bytes */
  private seenBefore = new Map<string, { stat: FileStat; sha256: string }>();
  /** the files this run hashed that may be known by their stat next time */
  private readonly seenNow = new Map<string, { stat: FileStat; sha256: string }>();
  private firstFileId = 0;
  private nextFileId = 0;
  private readonly batch: BatchMember[] = [];
  private batchBytes = 0;
  private readonly totalBytes: number;
  private bytesDone = 0;
  /** the bytes of the file, piece or batch being staged, for progress within it */
  private unit = { from: 0, to: 0 };
  private queriesDone = 0;

  constructor(
    private readonly db: Database,
    private readonly staging: StagingArea,
    private readonly config: IngestConfig,
    private readonly options: IngestOptions,
    private readonly plannedFiles: readonly PlannedFile[],
    /** when the input files were listed (their stat taken): a file modified shortly before may change within the same tick */
    private readonly listedAtMs: number,
  ) {
    this.totalBytes = plannedFiles.reduce((sum, f) => sum + f.size, 0);
    const progress = options.onProgress;
    if (!progress) return;
    // a file or piece takes about this many named queries; within one, DuckDB reports its own percentage
    const queriesPerUnit = 25;
    const listener = (_query: string, percent: number) => {
      if (percent >= 100) this.queriesDone++;
      const fraction = Math.min(0.99, (this.queriesDone + (percent < 100 ? percent / 100 : 0)) / queriesPerUnit);
      progress(this.bytesDone + this.unit.from + (this.unit.to - this.unit.from) * fraction, this.totalBytes);
    };
    db.progressListener = listener;
    staging.stager.progressListener = listener;
  }

  async start(): Promise<void> {
    const stored = await this.db.allNamed<{ sha256: string; size_bytes: number; time_zone: string }>('ingest/known_files');
    this.known = new Map(stored.map((r) => [r.sha256, r.time_zone]));
    // a file of a size no ingested file has cannot be one of them: it is hashed while it is staged. One of such a
    // size is hashed first, and again while staged if it is new (rare: those are mostly re-delivered files)
    this.knownSizes = new Set(stored.map((r) => r.size_bytes));
    if (!this.options.rehash) {
      const seen = await this.db.allNamed<Record<'path' | 'size_bytes' | 'modified_ns' | 'changed_ns' | 'inode' | 'device' | 'sha256', string>>('ingest/seen_files', {
        paths: duckdb.listValue(this.plannedFiles.map((f) => f.path)),
      });
      for (const row of seen) {
        const stat = { size: BigInt(row.size_bytes), modifiedNs: BigInt(row.modified_ns), changedNs: BigInt(row.changed_ns), inode: BigInt(row.inode), device: BigInt(row.device) };
        this.seenBefore.set(row.path, { stat, sha256: row.sha256 });
      }
    }
    this.firstFileId = (await this.db.allNamed<{ id: number }>('ingest/next_file_id'))[0]!.id;
    this.nextFileId = this.firstFileId;
  }

  /** The listed files this run will read: all but those an earlier run read and that are unchanged since (by stat). */
  filesToRead(): PlannedFile[] {
    return this.plannedFiles.filter((planned) => !this.knownUnchanged(planned));
  }

  private knownUnchanged(planned: PlannedFile): boolean {
    const seen = this.seenBefore.get(planned.path);
    return seen !== undefined && sameStat(seen.stat, planned.stat) && this.known.has(seen.sha256);
  }

  /** Skips the file, stages it, or keeps it for a batch of small JSON-lines files staged together. */
  async take(planned: PlannedFile): Promise<void> {
    const place = this.outcomes.length;
    this.outcomes.push(undefined);
    if (this.knownUnchanged(planned)) return this.skip(planned, place, 'already ingested (unchanged since last read)', this.seenBefore.get(planned.path)!.sha256);
    const copyOf = this.knownSizes.has(planned.size) ? await this.copyOf(planned) : undefined;
    if (copyOf) return this.skip(planned, place, 'already ingested (same sha256)', copyOf);
    this.knownSizes.add(planned.size);
    const budget = batchBudget(planned, this.config);
    if (budget === undefined) {
      await this.flushBatch();
      await this.ingestOne(planned, this.nextFileId++, place);
      return;
    }
    const first = this.batch[0]?.planned;
    const full = first && (batchKey(first) !== batchKey(planned) || this.batchBytes + planned.size > budget.bytes || this.batch.length >= budget.files);
    if (full) await this.flushBatch();
    this.batch.push({ planned, place });
    this.batchBytes += planned.size;
  }

  private skip(planned: PlannedFile, place: number, note: string, sha256: string): void {
    this.warnOfZone(planned, sha256);
    this.result.files_skipped++;
    this.outcomes[place] = { ...emptyCounts(), path: shownName(planned), format: planned.detected.format, status: 'skipped', note };
    this.advance(planned.size);
  }

  /**
   * Stages what still waits, then what needs every file stored: answers paired across files, the derived tables;
   * and keeps the stat of the files it hashed.
   */
  async finish(): Promise<void> {
    await this.flushBatch();
    this.result.files = this.outcomes.map((outcome) => {
      if (!outcome) throw new Error('a file of the run has no outcome');
      return outcome;
    });
    await this.recordSeenFiles();
    if (this.result.files_ingested === 0) return;
    await pairStoredAnswers(this.db, this.config, this.firstFileId);
    await rebuildDerivedTables(this.db, this.config, this.firstFileId);
  }

  /** The sha256 of a file of an ingested or waiting file's size when it is a copy of one (the same bytes). */
  private async copyOf(planned: PlannedFile): Promise<string | undefined> {
    const sha256 = await hashFile(planned);
    this.hashed(planned, sha256);
    if (this.known.has(sha256)) return sha256;
    for (const waiting of this.batch) {
      if (waiting.planned.size !== planned.size) continue;
      waiting.sha256 ??= await hashFile(waiting.planned);
      if (waiting.sha256 === sha256) return sha256;
    }
    return undefined;
  }

  /**
   * A file is read once: one ingested before in another zone keeps its zone-less times as read then, which a user
   * correcting a forgotten --tz must hear rather than find an hour off later
   */
  private warnOfZone(planned: PlannedFile, sha256: string): void {
    const readIn = this.known.get(sha256);
    const tz = this.options.tz;
    if (readIn === undefined || sameZone(readIn, tz)) return;
    this.options.onWarning?.(
      `${shownName(planned)} was ingested before with --tz ${readIn}, and is not read again: any times in it written without a zone stay read in ${readIn}, not ${tz}. ` +
        `To read them in ${tz}, ingest it into a new database (--db).`,
    );
  }

  private async ingestOne(planned: PlannedFile, fileId: number, place: number): Promise<void> {
    const folds: FoldCarry = { unordered: false, latest: null, hours: [] };
    const { pieces, file } = await stagePieces(planned, this.config, this.options.tz, this.staging, pieceParent(this.options), (piece) => {
      this.unit = { from: piece.bytesFrom, to: piece.bytesTo };
      this.queriesDone = 0;
      return stageFile(this.db, this.staging, { ...piece, fileId, folds, tz: this.options.tz, config: this.config });
    });
    if (file.gzipTrailingBytes) await this.rejectTrailingBytes(file, fileId, pieces);
    await this.record(fileId, [{ file, pieces, place }]);
    this.advance(file.size);
  }

  /** Stages the waiting small files as one piece, with consecutive file ids. */
  private async flushBatch(): Promise<void> {
    const members = this.batch.splice(0);
    this.batchBytes = 0;
    if (members.length === 0) return;
    const firstId = this.nextFileId;
    this.nextFileId += members.length;
    await this.stageTogether(members, firstId);
  }

  /**
   * Stages files as one piece (ids from `firstId`, in order). Files the JSON reader path cannot take are staged
   * alone, and the runs of files between them together again, so one broken line costs its batch one read, not
   * a piece for every file.
   */
  private async stageTogether(members: readonly BatchMember[], firstId: number): Promise<void> {
    if (members.length === 1) return this.ingestOne(members[0]!.planned, firstId, members[0]!.place);
    if (members[0]!.planned.detected.format !== 'ocpp-jsonl') return this.stageLinesTogether(members, firstId);
    const bytes = members.reduce((sum, m) => sum + m.planned.size, 0);
    this.unit = { from: 0, to: bytes };
    this.queriesDone = 0;
    const staged = await stageBatchOf(members.map((m) => m.planned), firstId, this.config, this.options.tz, this.db, this.staging);
    if ('files' in staged) {
      await this.record(firstId, staged.files.map(({ file, pieces }, i) => ({ file, pieces, place: members[i]!.place })));
      this.advance(bytes);
      return;
    }
    await this.stageAroundAlone(members, firstId, new Set(staged.unusable));
  }

  /**
   * Stages small files of a line-based format (one CSV layout) as one piece: Node writes them one after another into
   * it, each ending in a line end, while it hashes them and counts their lines. A file that needs more than that (a
   * gzip stream cut short, line ends to fix, no lines at all) is staged alone and the runs of files around it
   * together again; so does a file with a line the reader cannot take (not UTF-8, too long), found by reading the batch.
   */
  private async stageLinesTogether(members: readonly BatchMember[], firstId: number): Promise<void> {
    const bytes = members.reduce((sum, m) => sum + m.planned.size, 0);
    this.unit = { from: 0, to: bytes };
    this.queriesDone = 0;
    const dir = await mkdtemp(join(pieceParent(this.options), 'ocpp-faults-'));
    try {
      const piece = join(dir, 'batch.txt');
      const facts = await inspectInto(members.map((m) => m.planned), piece);
      const alone = facts.flatMap((f, i) => (!gzipWhole(f) || f.needsLineEndFix || f.lines.lines === 0 ? [i] : []));
      if (alone.length > 0) return await this.stageAroundAlone(members, firstId, new Set(alone));
      const bases = facts.map((_, i) => facts.slice(0, i).reduce((sum, f) => sum + f.lines.lines, 0));
      const first = members[0]!.planned;
      const lines = { lines: facts.reduce((sum, f) => sum + f.lines.lines, 0), longestLineBytes: Math.max(...facts.map((f) => f.lines.longestLineBytes)) };
      let pieces: PieceCounts[];
      try {
        pieces = await stageLineBatch(this.db, this.staging, {
          path: shownName(first),
          readPath: piece,
          detected: first.detected,
          gzip: false,
          gzipComplete: true,
          lineOffset: 0,
          lastPiece: true,
          lines,
          fileId: firstId,
          earlyRead: false,
          tz: this.options.tz,
          config: this.config,
          batch: { bases },
        });
      } catch (error) {
        if (!(error instanceof BatchUnreadable)) throw error;
        const alone = error.files.length > 0 ? error.files : members.map((_, i) => i);
        return await this.stageAroundAlone(members, firstId, new Set(alone));
      }
      await this.record(firstId, members.map((m, i) => ({ file: { ...m.planned, ...facts[i]! }, pieces: pieces[i]!, place: m.place })));
      this.advance(bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Stages the files at `alone` (places in `members`) alone, and the runs of files between them together. */
  private async stageAroundAlone(members: readonly BatchMember[], firstId: number, alone: ReadonlySet<number>): Promise<void> {
    let run = 0;
    for (let i = 0; i <= members.length; i++) {
      if (i < members.length && !alone.has(i)) continue;
      if (i > run) await this.stageTogether(members.slice(run, i), firstId + run);
      if (i < members.length) await this.ingestOne(members[i]!.planned, firstId + i, members[i]!.place);
      run = i + 1;
    }
  }

  /** The bytes after a gzip file's data, rejected as one more line after its last. */
  private async rejectTrailingBytes(file: InspectedFile, fileId: number, pieces: PieceCounts): Promise<void> {
    const bytes = file.gzipTrailingBytes!;
    const head = await readBytes(file.path, file.size - bytes, Math.min(bytes, this.config.rejectRawChars * 4));
    pieces.lines++;
    pieces.rejected++;
    await this.db.runNamed('ingest/reject_trailing_bytes', {
      file_id: fileId,
      line_no: pieces.lines,
      reason: `${bytes} ${bytes === 1 ? 'byte' : 'bytes'} after the end of the gzip data, not gzip: not read`,
      raw: head.toString('utf8'),
      raw_chars: this.config.rejectRawChars,
    });
    file.note = 'bytes after the gzip data are not read: they are rejected';
  }

  /**
   * Records files just stored (one, or a batch: consecutive ids from `firstId`) in the files table and in the run's
   * result, each at its place among the inputs.
   */
  private async record(firstId: number, stored: readonly { file: InspectedFile; pieces: PieceCounts; place: number }[]): Promise<void> {
    const { db, result } = this;
    const counts = await filesCounts(db, firstId, stored.map(({ file, pieces }) => ({ statusRowsOnly: file.detected.format === 'status-csv', pieces })));
    for (const { file } of stored) {
      this.known.set(file.sha256, this.options.tz);
      this.hashed(file, file.sha256);
      if (!file.gzipComplete) file.note = 'gzip stream cut short: the last line is rejected';
    }
    const column = (value: (file: InspectedFile, counts: FileCounts) => string | number) => duckdb.listValue(stored.map(({ file }, i) => value(file, counts[i]!)));
    await db.runNamed('ingest/insert_file', {
      file_ids: duckdb.listValue(stored.map((_, i) => firstId + i)),
      paths: column((f) => shownName(f)),
      sha256s: column((f) => f.sha256),
      sizes: column((f) => f.size),
      formats: column((f) => f.detected.format),
      lines: column((_, c) => c.lines),
      messages: column((_, c) => c.messages),
      status_notifications: column((_, c) => c.status_notifications),
      duplicates: column((_, c) => c.duplicates),
      skipped_lines: column((_, c) => c.skipped_lines),
      rejected: column((_, c) => c.rejected),
      time_zone: this.options.tz,
    });
    for (const [i, { file, place }] of stored.entries()) {
      const fileCounts = counts[i]!;
      addCounts(result, fileCounts);
      result.files_ingested++;
      this.outcomes[place] = { ...fileCounts, path: shownName(file), format: file.detected.format, status: 'ingested', note: file.note };
      if (result.rejects.length < maxRejectsListed && fileCounts.rejected > 0) {
        const rows = await db.allNamed<{ line_no: number; reason: string }>('ingest/first_rejects', {
          file_id: firstId + i,
          n: maxRejectsListed - result.rejects.length,
        });
        result.rejects.push(...rows.map((r) => ({ file: shownName(file), line: r.line_no, reason: r.reason })));
      }
    }
  }

  /**
   * Notes a file's hash for later runs, unless it changed shortly before it was listed (statSettleMs): such a file
   * is hashed again next time.
   */
  private hashed(file: InputFile, sha256: string): void {
    // a copy of a stream is made anew each run: its stat says nothing of the next stream's bytes
    if (file.shownAs !== undefined) return;
    const settledBeforeNs = BigInt(this.listedAtMs - this.config.statSettleMs) * 1_000_000n;
    if (file.stat.modifiedNs < settledBeforeNs && file.stat.changedNs < settledBeforeNs) this.seenNow.set(file.path, { stat: file.stat, sha256 });
  }

  private async recordSeenFiles(): Promise<void> {
    if (this.seenNow.size === 0) return;
    const seen = [...this.seenNow];
    const column = (value: (entry: { stat: FileStat; sha256: string }) => string | bigint) => duckdb.listValue(seen.map(([, entry]) => String(value(entry))));
    await this.db.runNamed('ingest/record_seen_files', {
      paths: duckdb.listValue(seen.map(([path]) => path)),
      sizes: column((e) => e.stat.size),
      modified_ns: column((e) => e.stat.modifiedNs),
      changed_ns: column((e) => e.stat.changedNs),
      inodes: column((e) => e.stat.inode),
      devices: column((e) => e.stat.device),
      sha256s: column((e) => e.sha256),
    });
  }

  /** Progress: `bytes` more of the input are done. */
  private advance(bytes: number): void {
    this.bytesDone += bytes;
    this.unit = { from: 0, to: 0 };
    this.options.onProgress?.(this.bytesDone, this.totalBytes);
  }
}

async function planFiles(inputs: readonly string[], options: IngestOptions, spoolDir: () => Promise<string>): Promise<PlannedFile[]> {
  const { format, onUnreadableFile } = options;
  const files = await expandInputs(inputs, spoolDir);
  if (files.length === 0 && !options.noFilesOk) throw new CliError(`no supported files found in ${inputs.join(', ')} (looked for .jsonl .ndjson .json .csv .tsv .log .txt and their .gz)`, ExitCode.failure);
  const planned: PlannedFile[] = [];
  for (const file of files) {
    let detected: Detected;
    try {
      detected = await detectFormat(file.path, format, shownName(file));
    } catch (error) {
      if (error instanceof UnreadableFile && onUnreadableFile) {
        onUnreadableFile(error);
        continue;
      }
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot read ${terminalSafe(shownName(file))}: ${(error as Error).message}`, ExitCode.failure, { cause: error });
    }
    planned.push({ ...file, detected });
  }
  return planned;
}

function inspect(file: PlannedFile): Promise<FileFacts> {
  return inspectFile(file, file.detected.gzip);
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
  /** the folder whose own subfolder the pieces are cut into */
  piecesIn: string,
  stage: (piece: PieceSource) => Promise<PieceCounts>,
): Promise<{ pieces: PieceCounts; file: InspectedFile }> {
  const { pieceBytes } = config;
  const large = planned.detected.gzip ? planned.size > pieceBytes / 8 : planned.size > pieceBytes * 1.5;
  let facts: FileFacts | undefined;
  let earlyRead = false;
  // DuckDB's readers would take such a path as a pattern, and read every file it matches: it is read from its pieces
  if (!large && !readsAsPattern(planned.path)) {
    const inspecting = inspect(planned);
    earlyRead = planned.detected.format === 'ocpp-jsonl' && config.readJsonDirectly && (await readJsonEarly(staging, { paths: [planned.path], gzip: planned.detected.gzip, keys: planned.detected.jsonKeys }, tz));
    facts = await inspecting;
  }
  // a gzip stream that fails (cut short, or bytes after its data) is decompressed by Node, which says where it fails
  if (facts && !facts.needsLineEndFix && gzipWhole(facts)) {
    const file: InspectedFile = { ...planned, ...facts };
    const pieces = await stage({ ...file, path: shownName(file), readPath: file.path, gzip: file.detected.gzip, lineOffset: 0, lastPiece: true, bytesFrom: 0, bytesTo: file.size, earlyRead });
    return { pieces, file };
  }
  const hash = facts ? undefined : createHash('sha256');
  const dir = await mkdtemp(join(piecesIn, 'ocpp-faults-'));
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
      path: shownName(planned),
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
    const csv = planned.detected.format === 'frames-csv' || planned.detected.format === 'status-csv';
    const cut = await forEachPiece(planned.path, { gzip: planned.detected.gzip, fixLineEnds, pieceBytes, dir, hash, csv }, async (path, lines, bytesRead) => {
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
    gzipComplete = cut.gzipComplete;
    if (pending) await stageCut(pending, true);
    const file: InspectedFile = {
      ...planned,
      ...(facts ?? { sha256: hash!.digest('hex'), needsLineEndFix: false, lines: lineShape }),
      gzipComplete,
      gzipTrailingBytes: cut.gzipTrailingBytes,
    };
    return { pieces: total, file };
  } finally {
    await inFlight.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * How many files and bytes a batch of JSON-lines files staged as one piece may hold when it holds this file;
 * undefined for a file staged alone (another format, or over half a piece). Every piece costs some thirty
 * statements, ~0.13 s whatever its size, and more for a large one: ten day files of 55 MB took 20.5 s one by one
 * and 17.0 s two by two. A batch is at most a piece.
 */
function batchBudget(planned: PlannedFile, config: IngestConfig): { bytes: number; files: number } | undefined {
  if (planned.detected.format === 'ocpp-jsonl' ? !config.readJsonDirectly || readsAsPattern(planned.path) : !config.batchLineFiles) return undefined;
  // gzip sizes are compressed, and a large gzip file is cut at an eighth of a piece (stagePieces)
  const bytes = planned.detected.gzip ? config.pieceBytes / 8 : config.pieceBytes;
  return planned.size > 0 && planned.size <= bytes / 2 ? { bytes, files: maxBatchFiles } : undefined;
}

/** Files a batch holds at most: each has a slot of the staged line numbers (staged_line: 2^14). */
const maxBatchFiles = 1000;

/**
 * Files staged together have one format, and the same CSV layout: a batch of a line-based format is written into one
 * piece and read with one layout. JSON lines batch by compression and the keys their lines use, since DuckDB's
 * reader reads the files themselves, all with one set of keys.
 */
function batchKey(planned: PlannedFile): string {
  const { format, gzip, csv, jsonKeys } = planned.detected;
  return JSON.stringify([format, format === 'ocpp-jsonl' && gzip, csv?.delimiter, csv?.headerLine, csv?.columns, jsonKeys]);
}

/**
 * Stages small JSON-lines files as one piece: they are read by DuckDB's JSON reader together while Node hashes them
 * and counts their lines, then stored with consecutive file ids from `firstFileId`. When some are not for the JSON
 * reader path after all (a blank or broken line, mixed line ends, ...), nothing is stored and their places in
 * `planned` are returned; all of them when the reader fails.
 */
async function stageBatchOf(
  planned: readonly PlannedFile[],
  firstFileId: number,
  config: IngestConfig,
  tz: string,
  db: Database,
  staging: StagingArea,
): Promise<{ files: { file: InspectedFile; pieces: PieceCounts }[] } | { unusable: number[] }> {
  const inspecting = (async () => {
    const facts: FileFacts[] = [];
    for (const file of planned) facts.push(await inspect(file));
    return facts;
  })();
  const read = await readJsonEarly(staging, { paths: planned.map((f) => f.path), gzip: planned[0]!.detected.gzip, keys: planned[0]!.detected.jsonKeys }, tz);
  const facts = await inspecting;
  if (!read) return { unusable: planned.map((_, i) => i) };
  const files: InspectedFile[] = planned.map((f, i) => ({ ...f, ...facts[i]! }));
  const staged = await stageBatch(db, staging, { files, firstFileId, tz, config });
  if ('unusable' in staged) return staged;
  return { files: staged.pieces.map((pieces, i) => ({ file: files[i]!, pieces })) };
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
