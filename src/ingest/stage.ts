import { traceQuery, type Database } from '../db/database.js';
import { duckdb } from '../db/duckdb.js';
import { CliError, errorFirstLine, ExitCode, isOutOfDiskSpace } from '../errors.js';
import { terminalSafe } from '../tty.js';
import type { IngestConfig } from './config.js';
import { loadSql } from '../sql/load.js';
import { gzipWhole, type LineShape } from './files.js';
import { csvColumnAliases, findColumn, jsonLinesKeys, statusColumnAliases, type CsvLayout, type Detected, type JsonLinesKeys } from './detect.js';
import type { StagingArea } from './staging.js';

export interface FileCounts {
  lines: number;
  /** frames stored (status-csv: status rows stored) */
  messages: number;
  status_notifications: number;
  duplicates: number;
  skipped_lines: number;
  rejected: number;
}

/** How the lines of one piece of a file were taken; stored rows are counted per file, after its last piece. */
export interface PieceCounts {
  lines: number;
  /** frames or status rows to store (some may be duplicates) */
  accepted: number;
  skipped: number;
  rejected: number;
}

export interface StageInput {
  /** the file as the user named it, for messages */
  path: string;
  /** where to read it from: the file, or an LF copy of it */
  readPath: string;
  gzip: boolean;
  /** false for a gzip file cut short: its last line is incomplete */
  gzipComplete: boolean;
  /** lines of the file before this piece */
  lineOffset: number;
  /** the piece that ends the file; false for every piece of a plain file cut in pieces (only a gzip file's end needs telling) */
  lastPiece: boolean;
  /** its lines as counted while it was read */
  lines: LineShape;
  fileId: number;
  detected: Detected;
  /** the whole file's JSON reader read is in the current piece catalog already (readJsonEarly) */
  earlyRead: boolean;
  /** a batch of small files of a line-based format written one after another into one piece (stageLineBatch) */
  batch?: LineBatch;
  /** what the file's earlier pieces saw of the zone's repeated hours: the file's own, handed to each piece in turn */
  folds?: FoldCarry;
  tz: string;
  config: IngestConfig;
}

/**
 * What the pieces of a file staged so far saw of its order (stage_file_order) and of the repeated hours (fall-backs)
 * of the run's zone (fold_state), for the next piece to place its times with.
 */
export interface FoldCarry {
  /** the file's receive times went back by over 2 h: it is not in time order, and is placed by each station's lines */
  unordered: boolean;
  /** the latest receive time of its lines so far (null before its first piece; no longer kept once it is out of order) */
  latest: string | null;
  /** each repeated hour's state, in the whole file (scope 'file') and in each station, or station and connector ('key') */
  hours: { part: string; fold_at: string; scope: string; station: string | null; connector: string | null; latest: string; went_back: boolean }[];
}

/** What storing a piece needs of it: its (first) file's id, and the run's zone and thresholds. */
type PieceContext = Pick<StageInput, 'fileId' | 'tz' | 'config'>;

const maxLineBytes = 2 * 1024 * 1024;
/** lines up to this long are read the same by the JSON reader and the line reader (which rejects lines over 2 MB) */
const directMaxLineBytes = 1024 * 1024;

/**
 * Reads one file (or piece) into a fresh staging catalog on the staging connection, then stores what it holds with
 * `writer`, whose transaction is the run's; returns how its lines were taken.
 */
export async function stageFile(writer: Database, staging: StagingArea, input: StageInput): Promise<PieceCounts> {
  if (!input.earlyRead) await startPiece(staging);
  const db = staging.stager;
  const read = readParams(input);
  let unpacked = false;
  try {
    const { format } = input.detected;
    const zone = await zoneParams(db, input.tz);
    if (format === 'ocpp-jsonl') {
      unpacked = await readJsonDirectly(db, input, read);
      if (!unpacked) await withLines(db, read, () => db.runNamed('ingest/parse_jsonl', { ...lineParams(read), ...zone, only_lines: null }));
    } else if (format === 'steve-log') await withLines(db, read, () => db.runNamed('ingest/parse_steve_log', { ...lineParams(read), ...zone }));
    else if (format === 'frames-csv') await parseFramesCsv(db, input, read);
    else await parseStatusCsv(db, input, read);
  } catch (error) {
    // a full disk is no fault of the file's: the run says so, and where it wrote
    if (error instanceof CliError || isOutOfDiskSpace(error)) throw error;
    throw new CliError(`cannot read ${terminalSafe(input.path)}: ${errorFirstLine(error)}\nNothing was stored; fix or remove the file and run again.`, ExitCode.failure, { cause: error });
  }
  // the JSON reader path's lines are all frames, unpacked already: no unreadable or cut lines to look for
  if (unpacked) return storeFrames(writer, staging, input, { unpacked });
  if (input.batch) await placeBatchLines(db, input.batch);
  else await numberUnreadableLines(db, read);
  if (!input.gzipComplete && input.lastPiece) await db.runNamed('ingest/reject_cut_line');
  const statusRows = input.detected.format === 'status-csv';
  await placeRepeatedHours(db, input, input.folds, statusRows ? 'status rows' : 'lines');
  return statusRows ? storeStatusRows(writer, staging, input) : storeFrames(writer, staging, input);
}

/**
 * Whether each zone, by name, ever sets its clocks back (zone_folds): asked once a process. UTC, the default, is known
 * not to: the question costs some 30 ms, 1% of a 1M-line run.
 */
const zonesFolding = new Map<string, boolean>([['UTC', false]]);

async function zoneFolds(db: Database, tz: string): Promise<boolean> {
  let folds = zonesFolding.get(tz);
  if (folds === undefined) {
    const [row] = await db.allNamed<{ folds: boolean }>('ingest/zone_folds', { tz });
    folds = row?.folds ?? true;
    zonesFolding.set(tz, folds);
  }
  return folds;
}

/** What the statements that read times need of the zone: its name, and whether to keep local times for stage_folds. */
async function zoneParams(db: Database, tz: string): Promise<{ tz: string; zone_folds: boolean }> {
  return { tz, zone_folds: await zoneFolds(db, tz) };
}

/**
 * Gives the piece's zone-less times in a repeated hour of the zone the instant their file's order says they stand
 * for (stage_folds: the whole file's order when it is in time order, each station's own when its receive times go
 * back by over 2 h, stage_file_order), in the relations the piece is staged in (`staged`): stage_parsed for the
 * line-by-line paths, its reported times too for status rows (by their row's received time when it has one, within
 * config.maxClockAheadS), the JSON reader's rows, and the lines read beside them. `carry` is the file's, across its
 * pieces; none for a batch of small files, which are never cut in pieces (each file of it is judged alone).
 */
async function placeRepeatedHours(
  db: Database,
  { tz, config }: Pick<StageInput, 'tz' | 'config'>,
  carry: FoldCarry | undefined,
  staged: 'lines' | 'status rows' | 'json reader' | 'json reader and lines',
): Promise<void> {
  if (!(await zoneFolds(db, tz))) return;
  const carried_unordered = carry?.unordered ?? false;
  await db.runNamed('ingest/stage_file_order', { carried_unordered, carried_latest: carry?.latest ?? null });
  await db.runNamed('ingest/stage_folds', { tz, carried: JSON.stringify(carry?.hours ?? []), carried_unordered, max_ahead_s: config.maxClockAheadS });
  const hours = await db.allNamed<FoldCarry['hours'][number] & { moved: number }>('ingest/fold_state');
  if (carry) {
    const [order] = await db.allNamed<{ unordered: boolean; latest: string | null }>('ingest/file_order_state');
    if (order) Object.assign(carry, order);
    const seen = hours.map(({ moved: _, ...hour }) => hour);
    const key = (h: FoldCarry['hours'][number]) => JSON.stringify([h.part, h.fold_at, h.scope, h.station, h.connector]);
    const seenKeys = new Set(seen.map(key));
    carry.hours = [...carry.hours.filter((h) => !seenKeys.has(key(h))), ...seen];
  }
  if (!hours.some((h) => h.moved > 0)) return;
  if (staged === 'lines' || staged === 'status rows') await db.runNamed('ingest/fold_parsed');
  if (staged === 'status rows') await db.runNamed('ingest/fold_reported');
  if (staged === 'json reader' || staged === 'json reader and lines') await db.runNamed('ingest/fold_direct');
  if (staged === 'json reader and lines') await db.runScript(loadSql('ingest/fold_odd_lines'));
}

async function startPiece(staging: StagingArea): Promise<void> {
  await staging.nextPiece();
  await staging.stager.runScript(loadSql('ingest/reset_read_errors'));
}

/**
 * Starts the JSON reader path on whole files (one, or a batch of small ones) before their facts are known, so that
 * they are read while they are hashed; stageFile or stageBatch then takes the read (`earlyRead`) or, when the facts
 * rule the path out, drops it. False when the reader fails: the next piece starts a fresh catalog (the early one is
 * dropped with it) and reads the file the usual way, which says why.
 */
export async function readJsonEarly(staging: StagingArea, files: { paths: readonly string[]; gzip: boolean; keys: JsonLinesKeys | undefined }, tz: string): Promise<boolean> {
  await startPiece(staging);
  try {
    await readJson(staging.stager, files.paths, files.gzip, files.keys, tz);
    return true;
  } catch {
    return false;
  }
}

/** DuckDB's JSON reader over `paths` into stage_json, reading the keys the files' first lines use. */
async function readJson(db: Database, paths: readonly string[], gzip: boolean, keys: JsonLinesKeys = jsonLinesKeys([]), tz: string): Promise<void> {
  const frameType = keys.framesAsText ? 'JSON' : 'JSON[]';
  const columns: Record<string, string> = {};
  for (const key of [...keys.time, ...keys.station, 'direction']) columns[key] = 'VARCHAR';
  for (const key of keys.frame) columns[key] = frameType;
  await db.runNamed('ingest/read_jsonl_direct', {
    paths: duckdb.listValue([...paths]),
    compression: gzip ? 'gzip' : 'uncompressed',
    ...(await zoneParams(db, tz)),
    columns: duckdb.structValue(columns),
    time_keys: duckdb.listValue(keys.time),
    station_keys: duckdb.listValue(keys.station),
    frame_keys: duckdb.listValue(keys.frame),
    frames_as_text: keys.framesAsText,
  });
}

/** Whether the JSON reader path can take a file of these lines at all (a gzip file cut short, or very long lines, cannot). */
function directReadable(lines: LineShape, gzipComplete: boolean, config: IngestConfig): boolean {
  return config.readJsonDirectly && gzipComplete && lines.lines > 0 && lines.longestLineBytes <= directMaxLineBytes;
}

/**
 * The fast path for clean JSON lines: DuckDB's JSON reader over the whole file, kept when its rows account for every
 * line but the empty ones, one to one. A few rows that are not frames it could take (a broken line, a key its first
 * lines did not use) have their lines read line by line beside it (stageOddLines). Otherwise (lines of spaces, many
 * odd lines, ...) false, and the file is read line by line, which gives each line its own outcome.
 */
async function readJsonDirectly(db: Database, input: StageInput, read: ReadParams): Promise<boolean> {
  if (!directReadable(input.lines, input.gzipComplete, input.config)) {
    if (input.earlyRead) await db.runNamed('ingest/drop_stage_json');
    return false;
  }
  if (!input.earlyRead) await readJson(db, [read.path], input.gzip, input.detected.jsonKeys, input.tz);
  // the reader skips empty lines: known by number, they are put back in place (direct_empty_lines)
  const emptyLines = input.lines.emptyLines ?? [];
  const [unusable] = await db.allNamed<{ slot: number; aligned: boolean }>('ingest/stage_direct_usable', {
    lines: duckdb.listValue([input.lines.lines - emptyLines.length]),
  });
  if (unusable && !unusable.aligned) {
    await db.runNamed('ingest/drop_stage_json');
    return false;
  }
  await db.runNamed('ingest/stage_json_lines', { line_offset: read.line_offset });
  let oddLines: number[] = [];
  if (unusable) {
    const limit = maxOddLines(input.lines.lines);
    const odd = await db.allNamed<{ line_no: number }>('ingest/direct_odd_lines', { limit: limit + 1 });
    if (odd.length > limit) {
      await db.runNamed('ingest/drop_stage_json');
      return false;
    }
    oddLines = movedPastEmptyLines(odd.map((r) => Number(r.line_no)), emptyLines, read.line_offset);
  }
  await unpackDirectRead(db);
  if (emptyLines.length > 0) {
    await db.runNamed('ingest/stage_empty_lines', { line_offset: read.line_offset, empty_lines: emptyLines.join(',') });
    // the common case, a file that ends in empty lines, moves no row
    const trailing = emptyLines.every((line, i) => line === input.lines.lines - emptyLines.length + i + 1);
    if (!trailing) await db.runNamed('ingest/direct_shift_past_empty_lines');
    await db.runScript(loadSql('ingest/direct_empty_lines'));
  }
  if (oddLines.length > 0 && !(await stageOddLines(db, read, input.tz, oddLines))) {
    await db.runScript(loadSql('ingest/drop_direct_views'));
    await db.runNamed('ingest/drop_stage_json');
    return false;
  }
  await placeRepeatedHours(db, input, input.folds, oddLines.length > 0 ? 'json reader and lines' : 'json reader');
  return true;
}

/**
 * Lines of a piece the JSON reader could not take that are read line by line beside it: up to a tenth of its lines
 * (at least 1,000); with more, the whole piece is. At a twentieth of the bench's 1M lines broken, beside the reader
 * took 3.5 s against 4.0–4.2 s line by line; at a tenth, the same time with less CPU.
 */
function maxOddLines(lines: number): number {
  return Math.max(1000, Math.floor(lines / 10));
}

/**
 * The numbers in the file of the lines the JSON reader numbered `lines` (ascending, counting no empty line): each past
 * every empty line (numbered from 1 in the piece) before it, as direct_shift_past_empty_lines moves its rows.
 */
export function movedPastEmptyLines(lines: readonly number[], emptyLines: readonly number[], lineOffset: number): number[] {
  // both ascending: one walk over the two
  let before = 0;
  return lines.map((line) => {
    while (before < emptyLines.length && lineOffset + emptyLines[before]! - (before + 1) < line) before++;
    return line + before;
  });
}

/**
 * Stages `lines` of the piece line by line, as parse_jsonl takes them, beside the JSON reader's frames of its other
 * lines. A line the line reader could not take (not UTF-8, too long) is one the JSON reader read as nulls: it is
 * rejected with its reason, and the lines after it are found by the line reader's numbers, which leave it out (as
 * the whole piece read line by line would number them). False when some line it could not take is not among `lines`.
 */
async function stageOddLines(db: Database, read: ReadParams, tz: string, lines: number[]): Promise<boolean> {
  await db.runScript(loadSql('ingest/direct_views_aside'));
  const parsed = await withLines(db, read, async () => {
    await db.runNamed('ingest/ensure_read_errors');
    const unreadable = (await db.allNamed<{ line_no: number }>('ingest/read_error_lines')).map((r) => Number(r.line_no) + read.line_offset);
    const readable = readableLines(lines, unreadable);
    if (!readable) return false;
    // every odd line may be one the reader left out: then a list of line 0, which no line is (an empty list binds
    // with no item type, which DuckDB refuses)
    await db.runNamed('ingest/parse_jsonl', { ...lineParams(read), ...(await zoneParams(db, tz)), only_lines: duckdb.listValue(readable.length > 0 ? readable : [0]) });
    return true;
  });
  if (!parsed) {
    await db.runScript(loadSql('ingest/reset_read_errors'));
    return false;
  }
  await numberUnreadableLines(db, read);
  await db.runNamed('ingest/frames');
  await db.runScript(loadSql('ingest/direct_with_lines'));
  return true;
}

/**
 * The numbers the line reader gives `lines` (numbers in the file) when it leaves out the lines `unreadable` (in the
 * file, ascending), those among them left out; undefined when an unreadable line is not one of `lines`.
 */
export function readableLines(lines: readonly number[], unreadable: readonly number[]): number[] | undefined {
  const odd = new Set(lines);
  if (!unreadable.every((line) => odd.has(line))) return undefined;
  const left = new Set(unreadable);
  let before = 0;
  const numbered: number[] = [];
  for (const line of [...lines].sort((a, b) => a - b)) {
    while (before < unreadable.length && unreadable[before]! < line) before++;
    if (!left.has(line)) numbered.push(line - before);
  }
  return numbered;
}

/** The files (by slot) whose JSON reader rows are not every line of theirs one to one (`lines`: each file's count). */
async function unusableFiles(db: Database, lines: number[]): Promise<number[]> {
  const rows = await db.allNamed<{ slot: number }>('ingest/stage_direct_usable', { lines: duckdb.listValue(lines) });
  return rows.map((r) => r.slot);
}

/** Numbers the JSON reader's rows, kept, and unpacks them into the staged views. */
async function numberDirectRead(db: Database, lineOffset: number): Promise<void> {
  await db.runNamed('ingest/stage_json_lines', { line_offset: lineOffset });
  await unpackDirectRead(db);
}

/** The staged views over the JSON reader's numbered rows (stage_json_lines). */
async function unpackDirectRead(db: Database): Promise<void> {
  await db.runNamed('ingest/parse_jsonl_direct');
  await db.runNamed('ingest/frames_direct');
}

/** Small JSON-lines files staged as one piece: the first has `firstFileId`, each next one the id after. */
export interface BatchInput {
  files: readonly { lines: LineShape; gzipComplete: boolean; gzipTrailingBytes?: number; needsLineEndFix: boolean }[];
  firstFileId: number;
  tz: string;
  config: IngestConfig;
}

/**
 * Stores a batch of small JSON-lines files, read already as one piece by readJsonEarly, each file's lines numbered in
 * a slot of its own (staged_line), so that the piece's fixed cost (some thirty statements) is paid once for all of
 * them. Each file's lines are all frames, as the JSON reader path requires. When that path cannot take every line of
 * some files, nothing is stored and those files are named (by their place in the batch): the caller then stages them
 * alone, which gives each line its outcome, and the others in batches around them.
 */
export async function stageBatch(writer: Database, staging: StagingArea, batch: BatchInput): Promise<{ pieces: PieceCounts[] } | { unusable: number[] }> {
  const db = staging.stager;
  const checked = new Set(await unusableFiles(db, batch.files.map((f) => f.lines.lines)));
  const unusable = batch.files.flatMap((f, i) => (checked.has(i) || f.needsLineEndFix || !directReadable(f.lines, gzipWhole(f), batch.config) ? [i] : []));
  if (unusable.length > 0) {
    await db.runNamed('ingest/drop_stage_json');
    return { unusable };
  }
  await numberDirectRead(db, 0);
  await placeRepeatedHours(db, batch, undefined, 'json reader');
  const total = await storeFrames(writer, staging, { fileId: batch.firstFileId, tz: batch.tz, config: batch.config }, { unpacked: true });
  const pieces = batch.files.map((f): PieceCounts => ({ lines: f.lines.lines, accepted: f.lines.lines, skipped: 0, rejected: 0 }));
  const lines = pieces.reduce((sum, f) => sum + f.lines, 0);
  if (total.lines !== lines || total.accepted !== lines) throw new Error(`a batch of ${pieces.length} files staged ${total.accepted} of ${lines} lines`);
  return { pieces };
}

/**
 * Small files of one line-based format (and one CSV layout) written one after another into one piece, each ending
 * in a line end: `bases` are the lines before each file in it, the first 0.
 */
export interface LineBatch {
  bases: number[];
}

/**
 * A batch's piece had lines the reader could not take: their numbers are the piece's, so the files that hold them
 * (`files`, places in the batch) are staged alone, and the others together again.
 */
export class BatchUnreadable extends Error {
  constructor(readonly files: readonly number[]) {
    super('a line of the batch could not be read');
  }
}

/** Gives a batch's staged lines their places in their own files (staged_line); a line the reader could not take undoes it. */
async function placeBatchLines(db: Database, batch: LineBatch): Promise<void> {
  await db.runNamed('ingest/ensure_read_errors');
  const [errors] = await db.allNamed<{ n: number }>('ingest/read_error_count');
  if (errors && errors.n > 0) {
    const lines = await db.allNamed<{ line_no: number }>('ingest/read_error_lines');
    throw new BatchUnreadable(filesHolding(lines.map((l) => l.line_no), batch.bases));
  }
  await db.runNamed('ingest/slot_lines', { bases: duckdb.listValue(batch.bases) });
}

/** The places in a batch of the files that hold these lines of its piece (numbered from 1); `bases` as in LineBatch. */
export function filesHolding(lines: readonly number[], bases: readonly number[]): number[] {
  const files = new Set<number>();
  for (const line of lines) {
    let file = 0;
    while (file + 1 < bases.length && bases[file + 1]! < line) file++;
    files.add(file);
  }
  return [...files].sort((a, b) => a - b);
}

/**
 * Stages a batch of small files of a line-based format as one piece (`input.readPath`, `input.batch`), then stores
 * it; returns how each file's lines were taken, in order. Throws BatchUnreadable, with nothing stored, when a line
 * could not be read.
 */
export async function stageLineBatch(writer: Database, staging: StagingArea, input: StageInput & { batch: LineBatch }): Promise<PieceCounts[]> {
  const total = await stageFile(writer, staging, input);
  const perFile = await staging.stager.allNamed<{ slot: number; lines: number; accepted: number; skipped: number; rejected: number }>('ingest/outcome_counts_by_file', { files: input.batch.bases.length });
  const lines = perFile.reduce((sum, f) => sum + f.lines, 0);
  if (lines !== total.lines) throw new Error(`a batch of ${perFile.length} files counted ${lines} of ${total.lines} lines`);
  return perFile.map(({ lines, accepted, skipped, rejected }) => ({ lines, accepted, skipped, rejected }));
}

interface ReadParams {
  [key: string]: string | number;
  path: string;
  compression: string;
  max_line_bytes: number;
  raw_chars: number;
  line_offset: number;
}

/**
 * Reads the piece's lines (stage_lines), runs `step`, which takes them apart into a table of its own, and drops them.
 */
async function withLines<T>(db: Database, read: ReadParams, step: () => Promise<T>): Promise<T> {
  await db.runNamed('ingest/stage_lines', { path: read.path, compression: read.compression, max_line_bytes: read.max_line_bytes });
  const result = await step();
  await db.runNamed('ingest/drop_stage_lines');
  return result;
}

/** What the statements that take the staged lines apart need to know of the piece. */
function lineParams(read: ReadParams): { raw_chars: number; line_offset: number } {
  return { raw_chars: read.raw_chars, line_offset: read.line_offset };
}

function readParams(input: StageInput): ReadParams {
  return {
    path: input.readPath,
    compression: input.gzip ? 'gzip' : 'none',
    max_line_bytes: maxLineBytes,
    raw_chars: input.config.rejectRawChars,
    line_offset: input.lineOffset,
  };
}

/** Lines the reader could not take (rare) are put back in place, so every line keeps its number in the file. */
async function numberUnreadableLines(db: Database, read: ReadParams): Promise<void> {
  await db.runNamed('ingest/ensure_read_errors');
  const [errors] = await db.allNamed<{ n: number }>('ingest/read_error_count');
  if (!errors || errors.n === 0) return;
  await db.runNamed('ingest/renumber_lines', { line_offset: read.line_offset });
  await db.runNamed('ingest/unreadable_lines', { max_line_bytes: read.max_line_bytes, raw_chars: read.raw_chars, line_offset: read.line_offset });
}

/** Regular expressions for one CSV record, built from the sniffed delimiter (one of , ; tab |). */
export function csvPatterns(delimiter: string): { valid: string; field: string } {
  const d = delimiter === '|' ? '\\|' : delimiter === '\t' ? '\\t' : delimiter;
  // a line break only ever sits inside a quoted field (a record spanning lines: csv_records)
  const field = `(?:"(?:[^"]|"")*"|[^${d}"\\n]*)`;
  return { valid: `${field}(?:${d}${field})*`, field: `${field}${d}` };
}

async function splitCsv(db: Database, layout: CsvLayout, read: ReadParams, batch: LineBatch | undefined): Promise<void> {
  const patterns = csvPatterns(layout.delimiter);
  const bases = duckdb.listValue(batch?.bases ?? [0]);
  await withLines(db, read, () => db.runNamed('ingest/split_csv', {
    ...lineParams(read),
    field_re: patterns.field,
    delimiter: layout.delimiter,
    header_line: layout.headerLine,
    bases,
    columns: layout.columns.length,
  }));
  const [badQuoting] = await db.allNamed<{ n: number }>('ingest/bad_quoting_count');
  if (!badQuoting || badQuoting.n === 0) return;
  await db.runNamed('ingest/csv_records', {
    valid_re: patterns.valid,
    field_re: patterns.field,
    delimiter: layout.delimiter,
    columns: layout.columns.length,
    max_record_lines: maxCsvRecordLines,
    bases,
  });
  await db.runNamed('ingest/join_csv_records');
}

/** A quoted CSV field may hold this many line breaks (a long note typed into a spreadsheet cell). */
const maxCsvRecordLines = 1000;

function requireLayout(input: StageInput): CsvLayout {
  if (!input.detected.csv) throw new CliError(`${terminalSafe(input.path)}: no CSV header found`, ExitCode.failure);
  return input.detected.csv;
}

function missingColumns(path: string, format: string, missing: string[], columns: string[]): CliError {
  return new CliError(
    `${terminalSafe(path)}: a ${format} file needs columns ${missing.join(', ')}; its header has ${columns.map(terminalSafe).join(', ')}.\n` +
      'Rename the columns or pass the right --format.',
    ExitCode.failure,
  );
}

async function parseFramesCsv(db: Database, input: StageInput, read: ReadParams): Promise<void> {
  const layout = requireLayout(input);
  const { columns } = layout;
  const frame = findColumn(columns, csvColumnAliases.frame);
  const station = findColumn(columns, csvColumnAliases.station);
  const time = findColumn(columns, csvColumnAliases.time);
  const missing = [time ? '' : 'timestamp', station ? '' : 'station id (id, chargeBoxId, station_id)', frame ? '' : 'frame (msg, message)'].filter(Boolean);
  if (missing.length) throw missingColumns(input.path, 'frames-csv', missing, columns);
  await splitCsv(db, layout, read, input.batch);
  await db.runNamed('ingest/parse_frames_csv', {
    raw_chars: read.raw_chars,
    i_time: time,
    i_station: station,
    i_direction: findColumn(columns, csvColumnAliases.direction),
    i_frame: frame,
    ...(await zoneParams(db, input.tz)),
  });
}

/**
 * Stores the staged frames; `unpacked` when the JSON reader path has made stage_frames already. The staging
 * connection does what depends on the piece alone (pairing within it, its repeated lines, its statuses, its counts);
 * the writer what depends on stored messages (repeats of them, pairing with their CALLs) and the storing.
 */
async function storeFrames(writer: Database, staging: StagingArea, input: PieceContext, { unpacked = false } = {}): Promise<PieceCounts> {
  const { stager } = staging;
  const file = { file_id: input.fileId };
  if (!unpacked) await stager.runNamed('ingest/frames');
  await stager.runNamed('ingest/outcomes_frames');
  await stager.runNamed('ingest/stage_calls');
  await stager.runNamed('ingest/stage_answers');
  await stager.runNamed('ingest/pair_in_file', { lookback_s: input.config.pairLookbackS });
  await stager.runNamed('ingest/ready_frames');
  await stager.runNamed('ingest/frame_keys');
  await stager.runNamed('ingest/stage_repeats');
  await stager.runNamed('ingest/stage_status_from_frames', { ...file, tz: input.tz });
  const counts = await countOutcomes(stager);
  const [span] = await stager.allNamed<PieceSpan>('ingest/piece_span', { near_s: input.config.pieceLookbackS });

  await staging.handToWriter();
  await writer.runNamed('ingest/stage_stored_span', { first_at: span?.first_at ?? null, last_at: span?.last_at ?? null });
  await writer.runNamed('ingest/stored_span_calls', { calls_from: span?.calls_from ?? null, calls_to: span?.calls_to ?? null });
  await writer.runNamed('ingest/stored_pair_frames');
  await writer.runNamed('ingest/stored_calls');
  await writer.runNamed('ingest/stored_pair_answers');
  await writer.runNamed('ingest/stored_pair_calls');
  await writer.runNamed('ingest/stored_pairs', { lookback_s: input.config.pairLookbackS });
  // after the pairing: an answer repeats a stored message under the direction the pairing gives it
  await writer.runNamed('ingest/stored_repeats');
  await withJoinSidesAsWritten(writer, () => writer.runNamed('ingest/insert_messages', file));
  await insertStatus(writer, input, 'frames');
  await insertRejects(writer, input, counts);
  return counts;
}

/**
 * Runs `statement` with DuckDB's choice of each hash join's build side left out, so that it builds on the right side
 * as written: for insert_messages the piece's pairs, repeats and stored pairs, never the frames with their payloads.
 * DuckDB's estimates put the frames below the pairs when a piece has lines read beside the JSON reader's rows (a
 * filter and an anti join, a fifth of a fifth), and the statement took twice as long (1M: 0.44-0.46 s against
 * 0.76-0.78 s); on other pieces it builds on the same sides either way. The setting is global to the database: no
 * other statement runs meanwhile, and it is reset however the statement ends.
 */
async function withJoinSidesAsWritten(db: Database, statement: () => Promise<void>): Promise<void> {
  await db.run(`set disabled_optimizers = 'build_side_probe_side'`);
  try {
    await statement();
  } catch (error) {
    // the failed statement has aborted the run's transaction, in which no reset can run: its error is what counts
    await db.run('reset disabled_optimizers').catch(() => undefined);
    throw error;
  }
  await db.run('reset disabled_optimizers');
}

type PieceSpan = {
  first_at: string | null;
  last_at: string | null;
  calls_from: string | null;
  calls_to: string | null;
};

async function parseStatusCsv(db: Database, input: StageInput, read: ReadParams): Promise<void> {
  const layout = requireLayout(input);
  const { columns } = layout;
  const a = statusColumnAliases;
  const station = findColumn(columns, a.station);
  const received = findColumn(columns, a.received);
  const reported = findColumn(columns, a.reported, [received]);
  const indices = {
    i_station: station,
    i_connector: findColumn(columns, a.connector),
    i_status: findColumn(columns, a.status),
    i_error: findColumn(columns, a.error),
    i_info: findColumn(columns, a.info),
    i_vendor: findColumn(columns, a.vendor),
    i_vendor_error: findColumn(columns, a.vendorError),
    i_reported: reported,
    i_received: received,
  };
  const missing = [
    station ? '' : 'station id (chargeBoxId, station_id)',
    indices.i_connector ? '' : 'connectorId',
    indices.i_status ? '' : 'status',
    indices.i_error ? '' : 'errorCode',
    reported || received ? '' : 'timestamp',
  ].filter(Boolean);
  if (missing.length) throw missingColumns(input.path, 'status-csv', missing, columns);
  await splitCsv(db, layout, read, input.batch);
  await db.runNamed('ingest/parse_status_csv', { ...indices, ...(await zoneParams(db, input.tz)), raw_chars: read.raw_chars });
}

async function storeStatusRows(writer: Database, staging: StagingArea, input: StageInput): Promise<PieceCounts> {
  const { stager } = staging;
  await stager.runNamed('ingest/outcomes_status');
  await stager.runNamed('ingest/stage_status_from_csv', { file_id: input.fileId });
  const counts = await countOutcomes(stager);
  await staging.handToWriter();
  await writer.runNamed('ingest/no_stored_repeats');
  await insertStatus(writer, input, 'status-csv');
  await insertRejects(writer, input, counts);
  return counts;
}

async function insertStatus(db: Database, input: PieceContext, from: 'frames' | 'status-csv'): Promise<void> {
  await db.runNamed(from === 'status-csv' ? 'ingest/stored_csv_statuses' : 'ingest/no_stored_csv_statuses');
  await db.runNamed('ingest/insert_status', {
    max_behind_s: input.config.maxReplayAgeS,
    max_ahead_s: input.config.maxClockAheadS,
    skew_flag_s: input.config.timeSkewFlagS,
  });
}

async function countOutcomes(stager: Database): Promise<PieceCounts> {
  const [o] = await stager.allNamed<{ lines: number; accepted: number; skipped: number; rejected: number }>('ingest/outcome_counts');
  if (!o) throw new Error('ingest counts returned no row');
  return o;
}

async function insertRejects(writer: Database, input: PieceContext, counts: PieceCounts): Promise<void> {
  if (counts.rejected > 0) await writer.runNamed('ingest/insert_rejects', { file_id: input.fileId, raw_chars: input.config.rejectRawChars });
}

/**
 * The counts of files with consecutive ids from `firstFileId` (one file, or a batch staged together), from how their
 * lines were taken (`pieces`, one a file) and what each stored: a line accepted but not stored was a duplicate.
 */
export async function filesCounts(db: Database, firstFileId: number, files: readonly { statusRowsOnly: boolean; pieces: PieceCounts }[]): Promise<FileCounts[]> {
  const stored = await db.allNamed<{ messages: number; statuses: number }>('ingest/stored_counts', {
    first_file_id: firstFileId,
    last_file_id: firstFileId + files.length - 1,
  });
  if (stored.length !== files.length) throw new Error(`stored counts returned ${stored.length} rows for ${files.length} files`);
  return files.map(({ statusRowsOnly, pieces }, i) => {
    const { messages, statuses } = stored[i]!;
    const storedRows = statusRowsOnly ? statuses : messages;
    return {
      lines: pieces.lines,
      messages: storedRows,
      status_notifications: statuses,
      duplicates: pieces.accepted - storedRows,
      skipped_lines: pieces.skipped,
      rejected: pieces.rejected,
    };
  });
}

/** Answers stored without their CALL (it came in a later file of this run) take its action now; `firstFileId` is this run's first file. */
export async function pairStoredAnswers(db: Database, config: IngestConfig, firstFileId: number): Promise<void> {
  const [span] = await db.allNamed<{ answers_from: string | null; answers_to: string | null; calls_from: string | null }>('ingest/run_span', {
    first_file_id: firstFileId,
    lookback_s: config.pairLookbackS,
  });
  await db.runNamed('ingest/stored_unpaired_answers', { answers_from: span?.answers_from ?? null, answers_to: span?.answers_to ?? null });
  await db.runNamed('ingest/unpaired_calls', { calls_from: span?.calls_from ?? null, calls_to: span?.answers_to ?? null });
  await db.runNamed('ingest/pair_unpaired', { lookback_s: config.pairLookbackS });
  await db.runNamed('ingest/update_paired_answers');
}

const derivedTables = ['transactions', 'remote_commands', 'station_boots'] as const;

/**
 * The tables derived from all messages are rebuilt after every ingest, so a run's data joins earlier runs', from the
 * messages they read (derived_messages), to which the run adds its own; `firstFileId` is this run's first file.
 */
export async function rebuildDerivedTables(db: Database, config: IngestConfig, firstFileId: number): Promise<void> {
  const params: Record<string, Record<string, number>> = {
    transactions: { max_behind_s: config.maxReplayAgeS, max_ahead_s: config.maxClockAheadS },
    remote_commands: { answer_timeout_s: config.answerTimeoutS },
    station_boots: {},
  };
  await db.runNamed('ingest/derived_messages_repaired');
  await db.runNamed('ingest/derived_messages', { first_file_id: firstFileId });
  for (const table of derivedTables) {
    const started = performance.now();
    await db.run(`delete from ${table}`);
    await db.run(`insert into ${table} ${loadSql(`intermediate/${table}`)}`, params[table]);
    traceQuery(`intermediate/${table}`, started);
  }
}
