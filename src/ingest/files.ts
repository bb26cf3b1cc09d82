import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { CliError, ExitCode, isOutOfDiskSpace } from '../errors.js';
import { terminalSafe } from '../tty.js';
import { gunzipRange, gzipDataEnd, isTrailingDataError } from './gzip.js';

export interface InputFile {
  path: string;
  size: number;
  /** what stat said of it when the run listed it */
  stat: FileStat;
  /**
   * The name the user knows an input by that could only be read once (standard input, a named pipe, `<(zcat …)`):
   * `path` is then a copy of its bytes, made before the run, and this is what messages and the files table show.
   */
  shownAs?: string;
}

/** The input name that means standard input, and what a run calls it. */
export const stdinArgument = '-';
export const stdinName = '(stdin)';

/** `-` on a terminal would wait for a log that nobody types: a usage error, before anything is opened. */
export function refuseTerminalStdin(inputs: readonly string[]): void {
  if (inputs.includes(stdinArgument) && process.stdin.isTTY) {
    throw new CliError(`${stdinArgument} reads a log from standard input, which is a terminal here: pipe one in, e.g. zcat day.jsonl.gz | ocpp-faults ingest -`, ExitCode.usage);
  }
}

/** The name to show for an input file: what the user gave for a stream, else its path. */
export function shownName(file: InputFile): string {
  return file.shownAs ?? file.path;
}

/**
 * What stat says of a file that changes whenever its bytes do: a file whose path and all of these are as they were
 * when its bytes were hashed holds those bytes still (git's index and rsync judge files the same way). The change
 * time counts because no program can set it: a file rewritten and given its old modification time back still shows.
 */
export interface FileStat {
  size: bigint;
  modifiedNs: bigint;
  changedNs: bigint;
  inode: bigint;
  device: bigint;
}

async function statFile(path: FsPath): Promise<{ info: BigIntStats; stat: FileStat }> {
  const info = await stat(path, { bigint: true });
  return { info, stat: { size: info.size, modifiedNs: info.mtimeNs, changedNs: info.ctimeNs, inode: info.ino, device: info.dev } };
}

export function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.modifiedNs === b.modifiedNs && a.changedNs === b.changedNs && a.inode === b.inode && a.device === b.device;
}

const supportedExtensions = /\.(jsonl|ndjson|json|csv|tsv|log|txt)(\.gz)?$|\.gz$/i;

/**
 * Every file named, and every supported file below each directory named, sorted by path within a directory. Standard
 * input (`-`) and named pipes, which can be read only once and not at an offset, are first copied whole into a folder
 * `spoolDir` makes, in the order named.
 */
export async function expandInputs(inputs: readonly string[], spoolDir: () => Promise<string>): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const seen = new Set<string>();
  let spooled = 0;
  const spoolAs = async (source: Readable, shownAs: string) => spool(source, join(await spoolDir(), `stream-${spooled++}`), shownAs);
  for (const input of inputs) {
    if (input === stdinArgument) {
      refuseTerminalStdin([input]);
      files.push(await spoolAs(process.stdin, stdinName));
      continue;
    }
    const path = resolve(input);
    let listed;
    try {
      listed = await statFile(path);
    } catch {
      // the command line hands Node a name that is not UTF-8 with U+FFFD in place of its bytes: it names no file
      const notUtf8 = input.includes('\uFFFD') ? '. A file name that is not UTF-8 cannot be passed on a command line: name the folder that holds it, or rename the file' : '';
      throw new CliError(`no such file or directory: ${terminalSafe(input)}${notUtf8}`, ExitCode.failure);
    }
    if (!listed.info.isDirectory() && !listed.info.isFile()) {
      files.push(await spoolAs(createReadStream(path), path));
      continue;
    }
    const found = listed.info.isDirectory() ? await walk(path, spoolAs) : [inputFile(path, listed.stat)];
    for (const file of found) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      files.push(file);
    }
  }
  return files;
}

/** A path as the file system holds it: text, or the bytes of one with a name in it that is not UTF-8. */
type FsPath = string | Buffer;

function childPath(dir: FsPath, name: Buffer): FsPath {
  const text = name.toString('utf8');
  if (typeof dir === 'string' && Buffer.from(text, 'utf8').equals(name)) return join(dir, text);
  return Buffer.concat([typeof dir === 'string' ? Buffer.from(dir, 'utf8') : dir, Buffer.from(sep, 'utf8'), name]);
}

const utf8Sequence = /[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}|(.)/gs;

/** A path to show: its bytes that are not UTF-8 as \xNN (Latin-1 café.jsonl is caf\xe9.jsonl). */
export function pathShown(path: FsPath): string {
  if (typeof path === 'string') return path;
  return path.toString('latin1').replace(utf8Sequence, (sequence, stray?: string) =>
    stray === undefined ? Buffer.from(sequence, 'latin1').toString('utf8') : `\\x${stray.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * Every supported file below `dir`, sorted by name within each directory. A symbolic link counts as what it points
 * at, so an inbox of links is read like one of files; a link back to a directory above it is not followed again.
 * A file whose path is not UTF-8, which DuckDB cannot be handed, is read from a copy (`spoolAs`) shown by its name.
 */
async function walk(dir: FsPath, spoolAs: Spool, walking = new Set<string>()): Promise<InputFile[]> {
  const real = (await realpath(dir, { encoding: 'buffer' })).toString('latin1');
  if (walking.has(real)) return [];
  walking.add(real);
  const entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  const names = new Map(entries.map((entry) => [entry, entry.name.toString('utf8')]));
  entries.sort((a, b) => (names.get(a)! < names.get(b)! ? -1 : names.get(a)! > names.get(b)! ? 1 : Buffer.compare(a.name, b.name)));
  const files: InputFile[] = [];
  for (const entry of entries) {
    if (entry.name[0] === 0x2e) continue;
    const path = childPath(dir, entry.name);
    const supported = supportedExtensions.test(entry.name.toString('latin1'));
    if (entry.isDirectory()) files.push(...(await walk(path, spoolAs, walking)));
    else if (entry.isFile() && supported) files.push(await listedFile(path, (await statFile(path)).stat, spoolAs));
    else if (entry.isSymbolicLink()) files.push(...(await followLink(path, supported, spoolAs, walking)));
  }
  walking.delete(real);
  return files;
}

type Spool = (source: Readable, shownAs: string) => Promise<InputFile>;

async function listedFile(path: FsPath, stat: FileStat, spoolAs: Spool): Promise<InputFile> {
  return typeof path === 'string' ? inputFile(path, stat) : spoolAs(createReadStream(path), pathShown(path));
}

async function followLink(path: FsPath, supported: boolean, spoolAs: Spool, walking: Set<string>): Promise<InputFile[]> {
  let target;
  try {
    target = await statFile(path);
  } catch (error) {
    // a dangling link to a log would lose that log without a word
    if (!supported) return [];
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'which does not exist' : `which cannot be read (${(error as Error).message})`;
    throw new CliError(
      `cannot read ${terminalSafe(pathShown(path))}: it links to ${terminalSafe(pathShown(await readlink(path, { encoding: 'buffer' })))}, ${why}. Remove the link or restore its file, and run again.`,
      ExitCode.failure,
    );
  }
  if (target.info.isDirectory()) return walk(path, spoolAs, walking);
  return target.info.isFile() && supported ? [await listedFile(path, target.stat, spoolAs)] : [];
}

function inputFile(path: string, stat: FileStat): InputFile {
  return { path, size: Number(stat.size), stat };
}

/** Copies a stream that can be read only once into `copy`, which the run then reads as the input `shownAs`. */
async function spool(source: Readable, copy: string, shownAs: string): Promise<InputFile> {
  try {
    await pipeline(source, createWriteStream(copy, { flags: 'wx' }));
  } catch (error) {
    if (isOutOfDiskSpace(error)) throw error;
    throw new CliError(`cannot read ${terminalSafe(shownAs)}: ${(error as Error).message}`, ExitCode.failure, { cause: error });
  }
  return { ...inputFile(copy, (await statFile(copy)).stat), shownAs };
}

/**
 * Whether DuckDB's file readers would take the path as a glob pattern (`*`, `?`, `[...]`, `{a,b}`) and read every file
 * it matches: `a*.jsonl` is also `ab.jsonl`. Such a file is only ever read from copies DuckDB reads literally.
 */
export function readsAsPattern(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}

export interface FileFacts {
  sha256: string;
  /** false when a gzip file ends before its compressed stream does (an export cut short) */
  gzipComplete: boolean;
  /**
   * true when line ends are mixed (LF and CRLF) or a carriage return stands alone: DuckDB's reader would take
   * each CR as a line end of its own, inventing lines, so such a file is read from a copy with LF line ends.
   */
  needsLineEndFix: boolean;
  /** the lines of the file as read (decompressed), for readers that must account for every one */
  lines: LineShape;
  /**
   * Bytes after a gzip file's gzip data. As inspectFile gives it, all bytes after the end of the stream, padding
   * included: such a file is then cut in pieces, the only way it is read, which gives the bytes that are not padding.
   */
  gzipTrailingBytes?: number;
}

/** Whether a gzip file's stream is whole and the file ends with it: DuckDB's readers can then read the file itself. */
export function gzipWhole(facts: Pick<FileFacts, 'gzipComplete' | 'gzipTrailingBytes'>): boolean {
  return facts.gzipComplete && !facts.gzipTrailingBytes;
}

/** How many lines a stretch of bytes holds and how long the longest is; a last line without LF counts. */
export interface LineShape {
  lines: number;
  longestLineBytes: number;
  /**
   * The numbers (from 1) of its empty lines, which DuckDB's JSON reader skips: lines of nothing, or of ASCII white
   * space alone (spaces, tabs, the CR of a CRLF line end), which the line-by-line path skips as blank too; undefined
   * when there are more than maxEmptyLinesKept, or when they were not counted.
   */
  emptyLines?: number[];
}

/**
 * Empty lines a LineCounter numbers; a stretch with more is left to readers that keep every line. Their numbers are
 * bound as one text (a million: ~0.12 s to take apart; as a list of numbers they took 2.1–2.2 s), where the
 * line-by-line path costs ~2 s more per 1M lines than DuckDB's JSON reader. A double-spaced export has one for each
 * line; the bound keeps the numbers of a piece of one-byte lines (128M of them) out of memory.
 */
export const maxEmptyLinesKept = 2_000_000;

/**
 * Whether bytes from..to of chunk (a line, or part of one: no LF among them) are white space alone, as DuckDB's JSON
 * reader skips a line and blank_line does: spaces, tabs, vertical tabs, form feeds and CRs.
 */
function blankOnly(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const byte = chunk[i]!;
    if (byte !== 0x20 && (byte < 0x09 || byte > 0x0d)) return false;
  }
  return true;
}

/**
 * Counts lines and measures the longest, chunk by chunk: one native byte search per line, and a look at its first
 * byte. A reader that skips blank lines (DuckDB's JSON reader) is checked against this count, so no line goes
 * missing unseen.
 */
export class LineCounter {
  private completed = 0;
  private longest = 0;
  /** bytes of the line still open at the end of the last chunk */
  private open = 0;
  /** whether the open line holds white space alone so far */
  private openBlank = true;
  private emptyLines: number[] | undefined = [];

  push(chunk: Buffer): void {
    let start = 0;
    for (let lf = chunk.indexOf(10); lf !== -1; lf = chunk.indexOf(10, start)) {
      const length = this.open + lf - start;
      if (length > this.longest) this.longest = length;
      // nearly every line starts with '{': blankOnly looks at that byte alone
      if (this.emptyLines && this.openBlank && blankOnly(chunk, start, lf)) this.noteEmpty(this.completed + 1);
      this.completed++;
      this.open = 0;
      this.openBlank = true;
      start = lf + 1;
    }
    if (start < chunk.length) {
      this.openBlank &&= blankOnly(chunk, start, chunk.length);
      this.open += chunk.length - start;
    }
  }

  private noteEmpty(line: number): void {
    if (this.emptyLines!.length < maxEmptyLinesKept) this.emptyLines!.push(line);
    else this.emptyLines = undefined;
  }

  get shape(): LineShape {
    const emptyLines = this.emptyLines?.slice();
    // a last line without LF of white space alone is one too (on the copy: more chunks may follow)
    if (emptyLines && this.open > 0 && this.openBlank) emptyLines.push(this.completed + 1);
    return {
      lines: this.completed + (this.open > 0 ? 1 : 0),
      longestLineBytes: Math.max(this.longest, this.open),
      ...(emptyLines && emptyLines.length <= maxEmptyLinesKept ? { emptyLines } : {}),
    };
  }
}

/**
 * Watches the line ends of a byte stream chunk by chunk. Chunks without a CR (every chunk of an LF file) cost one
 * native byte search; only chunks with a CR are looked at as text.
 */
class LineEndScan {
  private pendingCr = false;
  private crlf = false;
  private bareLf = false;
  private bareCr = false;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (!this.pendingCr && chunk.indexOf(13) === -1) {
      this.bareLf ||= chunk.indexOf(10) !== -1;
      return;
    }
    let text = (this.pendingCr ? '\r' : '') + chunk.toString('latin1');
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    this.crlf ||= text.includes('\r\n');
    this.bareCr ||= /\r(?!\n)/.test(text);
    this.bareLf ||= /(^|[^\r])\n/.test(text);
  }

  get needsFix(): boolean {
    return this.bareCr || this.pendingCr || (this.crlf && this.bareLf);
  }
}

/** Whether every byte of a file from `position` on is zero. */
async function zerosFrom(path: string, position: number): Promise<boolean> {
  for await (const chunk of createReadStream(path, { start: position }) as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte !== 0) return false;
  }
  return true;
}

/** Up to `length` bytes of a file from `position`. */
export async function readBytes(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The sha256 of the file's bytes as stored (compressed, for gzip), as inspectFile and the cut give it: all a file of
 * an ingested file's size needs before it is known to be one, and skipped.
 */
export async function hashFile(file: InputFile): Promise<string> {
  const { path } = file;
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes(file) })) hash.update(chunk as Buffer);
  } catch (error) {
    throw new CliError(`cannot read ${terminalSafe(path)}: ${(error as Error).message}`, ExitCode.failure, { cause: error });
  }
  return hash.digest('hex');
}

/**
 * How much of a file to read at once: 1 MB, or the whole file when it is smaller. A buffer of 1 MB for each of a
 * thousand small files costs more in garbage collection than reading them.
 */
function chunkBytes(file: InputFile): number {
  return Math.max(1, Math.min(1 << 20, file.size));
}

/**
 * The file's content hash, and for gzip whether its stream is whole, from one read of its bytes; `copy` is handed
 * each chunk of its lines (decompressed) on the way.
 */
export async function inspectFile(file: InputFile, gzip: boolean, copy?: (chunk: Buffer) => void): Promise<FileFacts> {
  const { path } = file;
  const hash = createHash('sha256');
  const lineEnds = new LineEndScan();
  const counter = new LineCounter();
  const scan = (chunk: Buffer) => {
    lineEnds.push(chunk);
    counter.push(chunk);
    copy?.(chunk);
  };
  const gunzip = gzip ? createGunzip() : undefined;
  let gzipComplete = true;
  // the stream ends where the gzip data does, perhaps before the file: then it takes no more, and never drains
  let gunzipEnded = false;
  const drained = gunzip
    ? new Promise<void>((resolve) => {
        gunzip.on('data', scan);
        gunzip.on('end', () => {
          gunzipEnded = true;
          resolve();
        });
        gunzip.on('error', () => {
          // bytes after the data that the stream took on after its end: bytesWritten below tells of them
          if (!gunzipEnded) gzipComplete = false;
          gunzipEnded = true;
          resolve();
        });
      })
    : Promise.resolve();
  const writeToGunzip = (chunk: Buffer) =>
    new Promise<void>((resolve) => {
      if (gunzip!.write(chunk)) return resolve();
      gunzip!.once('drain', resolve);
      void drained.then(() => resolve());
    });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes(file) })) {
      hash.update(chunk as Buffer);
      if (!gunzip) scan(chunk as Buffer);
      else if (!gunzipEnded) await writeToGunzip(chunk as Buffer);
    }
  } catch (error) {
    throw new CliError(`cannot read ${terminalSafe(path)}: ${(error as Error).message}`, ExitCode.failure, { cause: error });
  }
  gunzip?.end();
  await drained;
  // bytes after the gzip data, which DuckDB's reader refuses: the file is read by Node, which tells what they are
  const gzipTrailingBytes = gunzip && gzipComplete ? file.size - gunzip.bytesWritten : 0;
  return { sha256: hash.digest('hex'), gzipComplete, needsLineEndFix: lineEnds.needsFix, lines: counter.shape, ...(gzipTrailingBytes > 0 ? { gzipTrailingBytes } : {}) };
}

/**
 * Writes files one after another into `piece`, as the line reader reads each alone, while it inspects them (one read
 * of each): gzip decompressed, a leading byte-order mark left out, CRLF line ends as LF (DuckDB's reader would take
 * each CR of a piece that mixes CRLF and LF files as a line end of its own), and a line end after a last line that
 * has none. The piece is only right for files without lone CRs or a gzip stream cut short: the caller checks their
 * facts before it stages the piece. The writes are not waited for one by one: a batch is at most a piece.
 */
export async function inspectInto(files: readonly (InputFile & { detected: { gzip: boolean } })[], piece: string): Promise<FileFacts[]> {
  const output = createWriteStream(piece);
  let failed: Error | undefined;
  output.on('error', (error) => (failed ??= error));
  const facts: FileFacts[] = [];
  for (const file of files) {
    const lineEnds = new LfLineEnds();
    let first = true;
    let last = 10;
    facts.push(
      await inspectFile(file, file.detected.gzip, (chunk) => {
        if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
        first = false;
        chunk = lineEnds.fix(chunk);
        if (chunk.length === 0) return;
        last = chunk[chunk.length - 1]!;
        output.write(chunk);
      }),
    );
    const end = lineEnds.end();
    if (end.length > 0) output.write(end);
    if (last !== 10 || end.length > 0) output.write(Buffer.from('\n', 'latin1'));
  }
  await new Promise<void>((resolve, reject) => output.end((e?: Error | null) => (e ? reject(e) : resolve())));
  if (failed) throw new CliError(`cannot write ${piece}: ${failed.message}`, ExitCode.failure, { cause: failed });
  return facts;
}

/**
 * Line ends as LF, chunk by chunk: CRLF as LF, and a lone CR, which no line-based export means as a line end, as a
 * space. Chunks without a CR (every chunk of an LF file) pass as they are; a CR at a chunk's end waits for the next.
 */
class LfLineEnds {
  private pendingCr = false;

  fix(chunk: Buffer): Buffer {
    if (!this.pendingCr && chunk.indexOf(13) === -1) return chunk;
    let text = (this.pendingCr ? '\r' : '') + chunk.toString('latin1');
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    return Buffer.from(text.replace(/\r\n/g, '\n').replace(/\r/g, ' '), 'latin1');
  }

  /** What is left at the stream's end: a last CR, as a space. */
  end(): Buffer {
    return Buffer.from(this.pendingCr ? ' ' : '', 'latin1');
  }
}

/**
 * Whether the bytes of a CSV piece so far leave a quoted field open, so that a piece is not cut inside a record that
 * spans lines (a quoted field holding a line break: csv_records joins such records within a piece). A stray quote
 * turns the count the wrong way round until the next one; a piece then ends at the first line end past
 * `maxOvershootBytes` whatever the count, so that it is never left unbounded.
 */
class QuoteParity {
  private odd = false;

  reset(): void {
    this.odd = false;
  }

  push(chunk: Buffer): void {
    if (quoteCount(chunk, 0, chunk.length) % 2 === 1) this.odd = !this.odd;
  }

  /**
   * Where to cut `chunk`: the first line end at or after `from` with no quoted field open, or the first one at all
   * once the piece is `maxOvershootBytes` past its size (`overshoot`: how far past it the piece is at the chunk's
   * start); -1 to go on to the next chunk. The chunk's quotes up to the cut count towards the piece.
   */
  cutIn(chunk: Buffer, from: number, overshoot: number): number {
    let odd = this.odd;
    let counted = 0;
    for (let lf = chunk.indexOf(10, Math.max(0, from)); lf !== -1; lf = chunk.indexOf(10, lf + 1)) {
      if (quoteCount(chunk, counted, lf) % 2 === 1) odd = !odd;
      counted = lf;
      if (!odd || overshoot + lf >= maxOvershootBytes) return lf;
    }
    return -1;
  }
}

/** How far past its size a CSV piece may grow while a quoted field is open (a record spans at most 1,000 lines). */
const maxOvershootBytes = 1 << 20;

/** The quotes in bytes[from, to): a plain loop, 2.5 ms a MB of frames CSV here, where indexOf for each quote took 6.9 ms. */
function quoteCount(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (bytes[i] === 34) count++;
  return count;
}

/**
 * Cuts a file into plain pieces of about `pieceBytes` each, at line ends, decompressing gzip and turning CRLF into
 * LF and a lone CR, which no line-based export means as a line end, into a space: in every chunk when `fixLineEnds`
 * is true, in chunks that hold a CR when it is 'where-needed' (for a file not inspected yet: a CRLF file reads the
 * same either way). Each piece is handed to `use` as soon as it is complete and deleted after, so a file of any size
 * is staged in bounded memory and disk. Bytes are carried unchanged (latin1 in, latin1 out), so broken UTF-8 stays
 * broken. With `hash`, the file's bytes as stored (compressed, for gzip) go into it on the way, all of them even when
 * a gzip stream fails part way, so a file of a size never ingested needs no read of its own to hash it. Returns
 * whether a gzip stream was whole.
 */
export async function forEachPiece(
  path: string,
  options: { gzip: boolean; fixLineEnds: boolean | 'where-needed'; pieceBytes: number; dir: string; hash?: Hash; csv?: boolean },
  use: (piece: string, lines: LineShape, sourceBytesRead: number) => Promise<void>,
): Promise<{ gzipComplete: boolean; gzipTrailingBytes: number }> {
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const { hash } = options;
  // gzip: the compressed bytes as they flow into the decompressor; plain: each chunk as the loop below takes it
  let gzipBytesHashed = 0;
  const hashCompressed = (chunk: string | Buffer) => {
    hash!.update(chunk as Buffer);
    gzipBytesHashed += chunk.length;
  };
  if (hash && options.gzip) source.on('data', hashCompressed);
  const gunzip = options.gzip ? createGunzip() : undefined;
  // an error after the end of the gzip data (bytes after it, which the pipe goes on writing) is not the read's: the
  // bytes are looked at below
  gunzip?.on('error', () => undefined);
  const input = gunzip ? source.pipe(gunzip) : source;
  let gzipTrailingBytes = 0;
  // bytes after the gzip data: the decompressor fails there and drops what it had not passed on yet, so the data is
  // decompressed again from the start, up to where it ends, and taken on from where the first pass stopped
  async function* decompressed(): AsyncGenerator<Buffer> {
    let produced = 0;
    try {
      for await (const chunk of input as AsyncIterable<Buffer>) {
        produced += chunk.length;
        yield chunk;
      }
    } catch (error) {
      if (!options.gzip || !isTrailingDataError(error)) throw error;
      const { end, size } = await gzipDataEnd(path);
      // no whole member found where the decompressor read one: a stream that fails, taken as cut short there
      if (end === 0) throw error;
      gzipTrailingBytes = size - end;
      yield* gunzipRange(path, end, produced);
      return;
    }
    // the stream ended before the file: the bytes after the gzip data start with a NUL, which Node's gunzip takes
    // for padding and goes no further. Zeros alone are padding (gzip -d skips them too); anything else is not read
    const size = (await stat(path)).size;
    if (gunzip && gunzip.bytesWritten < size && !(await zerosFrom(path, gunzip.bytesWritten))) gzipTrailingBytes = size - gunzip.bytesWritten;
  }
  let index = 0;
  let piece = '';
  let output: WriteStream | undefined;
  let written = 0;
  let counter = new LineCounter();
  const lineEnds = new LfLineEnds();
  let gzipComplete = true;
  const quotes = new QuoteParity();
  const open = () => {
    piece = join(options.dir, `piece-${index++}.txt`);
    output = createWriteStream(piece);
    written = 0;
    counter = new LineCounter();
  };
  // the last byte of the file's lines written so far; -1 before the first
  let lastByte = -1;
  const write = (bytes: Buffer) =>
    new Promise<void>((resolve, reject) => {
      written += bytes.length;
      lastByte = bytes[bytes.length - 1]!;
      counter.push(bytes);
      output!.write(bytes, (e) => (e ? reject(e) : resolve()));
    });
  // what `use` threw: not a failure to read the file, so not caught as one below
  let useFailure: { error: unknown } | undefined;
  const finish = async () => {
    await new Promise<void>((resolve, reject) => output!.end((e?: Error | null) => (e ? reject(e) : resolve())));
    output = undefined;
    try {
      // how far into the file (compressed, for gzip) the piece reaches, for progress over the file's bytes
      await use(piece, counter.shape, source.bytesRead);
    } catch (error) {
      useFailure = { error };
      throw error;
    }
    await rm(piece, { force: true });
  };
  open();
  try {
    for await (let chunk of decompressed()) {
      if (hash && !options.gzip) hash.update(chunk);
      // a chunk without a CR reads the same either way: only one with one is changed
      if (options.fixLineEnds !== false) chunk = lineEnds.fix(chunk);
      // a piece ends at the first line end at or after pieceBytes (of a CSV file: outside a quoted field)
      while (written + chunk.length >= options.pieceBytes) {
        const cut = options.csv ? quotes.cutIn(chunk, options.pieceBytes - written - 1, written - options.pieceBytes) : chunk.indexOf(10, Math.max(0, options.pieceBytes - written - 1));
        if (cut < 0) break;
        await write(chunk.subarray(0, cut + 1));
        await finish();
        open();
        quotes.reset();
        chunk = chunk.subarray(cut + 1);
      }
      if (options.csv) quotes.push(chunk);
      if (chunk.length > 0) await write(chunk);
    }
  } catch (error) {
    if (useFailure) {
      source.destroy();
      throw useFailure.error;
    }
    // a gzip stream cut short: keep what was read, as DuckDB's own reader does
    if (!options.gzip) throw new CliError(`cannot read ${terminalSafe(path)}: ${(error as Error).message}`, ExitCode.failure, { cause: error });
    gzipComplete = false;
  }
  if (hash && options.gzip) {
    // a stream that fails part way stops reading the file: the hash takes the bytes the decompressor never got too
    source.off('data', hashCompressed);
    source.destroy();
    for await (const chunk of createReadStream(path, { start: gzipBytesHashed, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  }
  const end = lineEnds.end();
  if (end.length > 0) await write(end);
  // the line a stream is cut in is rejected: when it is cut at a line end (or before any byte), that line is empty
  if (!gzipComplete && (lastByte === -1 || lastByte === 10)) await write(Buffer.from('\n', 'latin1'));
  if (written > 0 || index === 1) await finish();
  else {
    await new Promise<void>((resolve) => output!.end(() => resolve()));
    await rm(piece, { force: true });
  }
  return { gzipComplete, gzipTrailingBytes };
}
