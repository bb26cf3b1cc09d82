import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { CliError } from '../errors.js';
import { terminalSafe } from '../tty.js';
import { readBytes } from './files.js';
import { gunzipRange, gzipDataEnd, isTrailingDataError } from './gzip.js';

export const formats = ['ocpp-jsonl', 'frames-csv', 'status-csv', 'steve-log'] as const;
export type Format = (typeof formats)[number];

export interface CsvLayout {
  delimiter: string;
  /** 1-based line number of the header row */
  headerLine: number;
  /** header names as written */
  columns: string[];
}

export interface Detected {
  format: Format;
  gzip: boolean;
  csv?: CsvLayout;
  /** ocpp-jsonl: the keys DuckDB's JSON reader is to read (jsonLinesKeys) */
  jsonKeys?: JsonLinesKeys;
}

/**
 * The keys of an ocpp-jsonl line, each group in the order a line's value is taken (the first present wins), as
 * parse_jsonl takes them line by line. Case matters, as it does to DuckDB's JSON reader.
 */
export const jsonKeyAliases = {
  time: ['timestamp', 'receivedAt', 'received_at', 'time', 'ts'],
  station: ['chargeBoxId', 'chargePointId', 'stationId', 'station_id', 'identity', 'charge_box_id', 'charge_point_id'],
  frame: ['message', 'frame', 'msg'],
} as const;

/**
 * What DuckDB's JSON reader reads of a JSON-lines file: of each group of jsonKeyAliases, the keys up to the last one
 * its first lines use. Every key before it is read too, so that a line holding two of them yields the value that
 * the line-by-line path takes, and a line using a later key yields none, which sends the file down that path.
 * `framesAsText`: some first line sends its frame as a JSON string holding the array, so frames are read as JSON
 * texts and parsed, not as arrays (which reads a string as null).
 */
export interface JsonLinesKeys {
  time: string[];
  station: string[];
  frame: string[];
  framesAsText: boolean;
}

/** The keys of jsonKeyAliases that the JSON-object lines among `lines` use (see JsonLinesKeys). */
export function jsonLinesKeys(lines: readonly string[]): JsonLinesKeys {
  const last = { time: 0, station: 0, frame: 0 };
  let framesAsText = false;
  for (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const object = value as Record<string, unknown>;
    for (const group of ['time', 'station', 'frame'] as const) {
      jsonKeyAliases[group].forEach((key, i) => {
        if (key in object) last[group] = Math.max(last[group], i);
      });
    }
    const frames = jsonKeyAliases.frame.map((key) => object[key]);
    if (!frames.some(Array.isArray) && frames.some((f) => typeof f === 'string')) framesAsText = true;
  }
  return {
    time: jsonKeyAliases.time.slice(0, last.time + 1),
    station: jsonKeyAliases.station.slice(0, last.station + 1),
    frame: jsonKeyAliases.frame.slice(0, last.frame + 1),
    framesAsText,
  };
}

const sniffBytes = 64 * 1024;

export async function isGzip(path: string): Promise<boolean> {
  const magic = await readBytes(path, 0, 2);
  return magic.length === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

/** A file's first lines as text, and whether the file goes on past them (the last line may then be cut). */
interface Head {
  text: string;
  /** its first bytes as read (decompressed), for the magic numbers of other compressions */
  start: Buffer;
  cut: boolean;
  /** a gzip stream that ends short of its end: the head is all that could be read */
  gzipCut?: boolean;
}

/**
 * The first `limit` bytes of a file, decompressed when it is gzip; a truncated gzip yields what could be read, and
 * a gzip with bytes after its data the head of its data.
 */
async function readHead(path: string, gzip: boolean, limit: number): Promise<Head> {
  const chunks: Buffer[] = [];
  let size = 0;
  const source = createReadStream(path, gzip ? {} : { start: 0, end: limit - 1 });
  const stream = gzip ? source.pipe(createGunzip()) : source;
  const take = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    return size >= limit;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) if (take(chunk)) break;
  } catch (error) {
    if (!gzip) throw error;
    if (!isTrailingDataError(error)) return headOf(chunks, limit, { gzipCut: true });
    for await (const chunk of gunzipRange(path, (await gzipDataEnd(path)).end, size)) if (take(chunk)) break;
  } finally {
    source.destroy();
  }
  return headOf(chunks, limit, {});
}

function headOf(chunks: Buffer[], limit: number, { gzipCut }: { gzipCut?: boolean }): Head {
  const bytes = Buffer.concat(chunks);
  const text = bytes.subarray(0, limit).toString('utf8').replace(/^\uFEFF/, '');
  // what a gzip stream cut short gave ends where it was cut, inside a line or not
  return { text, start: bytes.subarray(0, 8), cut: bytes.length >= limit || gzipCut === true, gzipCut };
}

/** Compressions other than gzip, by the magic number a file starts with, and how to undo each. */
const otherCompressions: { what: string; magic: readonly (number | readonly number[])[]; undo: string }[] = [
  { what: 'zstd-compressed', magic: [0x28, 0xb5, 0x2f, 0xfd], undo: 'zstd -d FILE' },
  { what: 'xz-compressed', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], undo: 'xz -d FILE' },
  // BZh, the block size 1-9, and the first block's magic number (pi's digits 3141 in BCD)
  { what: 'bzip2-compressed', magic: [0x42, 0x5a, 0x68, [0x31, 0x39], 0x31, 0x41], undo: 'bunzip2 FILE' },
  { what: 'a zip archive', magic: [0x50, 0x4b, 0x03, 0x04], undo: 'unzip FILE' },
];

/** Why a file's head is compressed data rather than text, with what to do; undefined for text. */
function compressedHead(start: Buffer, gzip: boolean, path: string): string | undefined {
  const startsWith = (magic: readonly (number | readonly number[])[]) =>
    magic.every((byte, i) => (typeof byte === 'number' ? start[i] === byte : start[i]! >= byte[0]! && start[i]! <= byte[1]!));
  const shown = terminalSafe(path);
  if (gzip && startsWith([0x1f, 0x8b])) return `${shown} is gzip inside gzip: decompress it once (gunzip -c FILE > FILE.once.gz), or leave it out of the inputs.`;
  const other = otherCompressions.find(({ magic }) => startsWith(magic));
  if (!other) return undefined;
  return `${shown} is ${other.what}${gzip ? ' inside gzip' : ''}, and only gzip is read: decompress it first (${other.undo}), or leave it out of the inputs.`;
}

/**
 * UTF-16 (every other byte of ASCII text is NUL; its byte-order mark decodes to U+FFFD twice) or not text at all. A
 * stray NUL in a line of a UTF-8 log is that line's problem, rejected with it: the file is still read.
 */
function notUtf8Text(head: string): boolean {
  if (head.startsWith('\uFFFD\uFFFD') && head.slice(2, 6).includes('\u0000')) return true;
  let nul = 0;
  for (let i = head.indexOf('\u0000'); i !== -1; i = head.indexOf('\u0000', i + 1)) nul++;
  return nul > head.length / 10;
}

/** A first line can be longer than the sniff window (a 3 MB DataTransfer): the head then grows until a line ends. */
const longestHeadBytes = 8 * 1024 * 1024;

async function readLinesHead(path: string, gzip: boolean): Promise<Head> {
  for (let limit = sniffBytes; ; limit = Math.min(limit * 8, longestHeadBytes)) {
    const head = await readHead(path, gzip, limit);
    if (!head.cut || head.gzipCut || head.text.includes('\n') || limit >= longestHeadBytes) return head;
  }
}

/** Header names compared without case, spaces, dashes or underscores: chargeBoxId = charge_box_id. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export const csvColumnAliases = {
  time: ['timestamp', 'time', 'ts', 'receivedat', 'receivedtime', 'received', 'datetime', 'date', 'createdat', 'eventtime'],
  station: ['id', 'chargeboxid', 'stationid', 'station', 'chargepointid', 'identity', 'cpid', 'chargerid', 'evseid'],
  action: ['action', 'messageaction'],
  direction: ['direction', 'dir'],
  frame: ['msg', 'message', 'frame', 'rawmessage', 'payload', 'ocppmessage'],
} as const;

export const statusColumnAliases = {
  station: ['chargeboxid', 'stationid', 'station', 'chargepointid', 'identity', 'cpid', 'chargerid', 'id'],
  connector: ['connectorid', 'connector', 'connectorno', 'connectornumber'],
  status: ['status', 'connectorstatus'],
  error: ['errorcode', 'error'],
  info: ['info', 'errorinfo'],
  vendor: ['vendorid', 'vendor'],
  vendorError: ['vendorerrorcode', 'vendorerror'],
  reported: ['statustimestamp', 'timestamp', 'reportedat', 'statustime', 'time'],
  received: ['receivedat', 'receivedtime', 'received', 'receivetime', 'createdat', 'insertedat'],
} as const;

/** 1-based position of the first column whose name is one of the aliases, in alias order; 0 when absent. */
export function findColumn(columns: readonly string[], aliases: readonly string[], exclude: readonly number[] = []): number {
  const names = columns.map(normaliseName);
  for (const alias of aliases) {
    const index = names.findIndex((name, i) => name === alias && !exclude.includes(i + 1));
    if (index >= 0) return index + 1;
  }
  return 0;
}

/**
 * The columns a CSV file's format reads whose name its header gives more than once, each as the name and the
 * columns that carry it: the first is read, the others are not.
 */
export function repeatedColumns(layout: CsvLayout, format: Format): { name: string; columns: number[] }[] {
  const aliases: Record<string, readonly string[]> = format === 'frames-csv' ? csvColumnAliases : format === 'status-csv' ? statusColumnAliases : {};
  const names = layout.columns.map(normaliseName);
  const read = new Set(Object.values(aliases).map((group) => findColumn(layout.columns, group)));
  return [...read]
    .filter((column) => column > 0)
    .sort((a, b) => a - b)
    .map((column) => ({ name: layout.columns[column - 1]!, columns: names.flatMap((name, i) => (name === names[column - 1] ? [i + 1] : [])) }))
    .filter(({ columns }) => columns.length > 1);
}

const candidateDelimiters = [',', ';', '\t', '|'];

/** The delimiter a header line uses: the candidate that splits it into the most fields outside quotes. */
function sniffDelimiter(header: string): string {
  let best = ',';
  let bestCount = 0;
  for (const delimiter of candidateDelimiters) {
    let count = 0;
    let quoted = false;
    for (const ch of header) {
      if (ch === '"') quoted = !quoted;
      else if (ch === delimiter && !quoted) count++;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

function csvLayout(lines: string[]): CsvLayout | undefined {
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) return undefined;
  const header = lines[headerIndex]!.replace(/\r$/, '');
  const delimiter = sniffDelimiter(header);
  let columns: string[];
  try {
    const rows = parse(header, { delimiter, relax_column_count: true }) as string[][];
    columns = (rows[0] ?? []).map((c) => c.trim());
  } catch {
    return undefined;
  }
  if (columns.length < 2) return undefined;
  return { delimiter, headerLine: headerIndex + 1, columns };
}

export function looksLikeFramesCsv(layout: CsvLayout): boolean {
  const { columns } = layout;
  return findColumn(columns, csvColumnAliases.frame) > 0 && findColumn(columns, csvColumnAliases.station) > 0 && findColumn(columns, csvColumnAliases.time) > 0;
}

export function looksLikeStatusCsv(layout: CsvLayout): boolean {
  const { columns } = layout;
  return (
    findColumn(columns, statusColumnAliases.station) > 0 &&
    findColumn(columns, statusColumnAliases.status) > 0 &&
    findColumn(columns, statusColumnAliases.error) > 0 &&
    findColumn(columns, statusColumnAliases.connector) > 0
  );
}

const steveLine = /^\[\s*\w+\s*\]\s+\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d/;

function looksLikeJsonLine(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
    return ['message', 'frame', 'msg'].some((key) => key in value);
  } catch {
    return false;
  }
}

/** A JSON key that holds a frame in ocpp-jsonl (its aliases too), as text: for JSON that cannot be parsed line by line. */
const messageKey = /"(message|frame|msg)"\s*:/;

/**
 * What to do with messages written as JSON, but not one object a line: one array of them (an API's export), or
 * objects spread over several lines (pretty-printed). jq turns either into JSON lines.
 */
function jsonNotInLines(head: string): string | undefined {
  const start = head.trimStart();
  if (!messageKey.test(head)) return undefined;
  if (start.startsWith('[')) return "It looks like one JSON array of messages; ocpp-jsonl takes one JSON object a line: jq -c '.[]' FILE > FILE.jsonl\n";
  if (start.startsWith('{')) return 'It looks like JSON objects written over several lines; ocpp-jsonl takes one a line: jq -c . FILE > FILE.jsonl\n';
  return undefined;
}

/** The first 50 lines of a head that are not blank; a head of a file that goes on may end inside a line, which is left out. */
function headSample({ text: head, cut }: Head): { lines: string[]; complete: string[]; sample: string[] } {
  const lines = head.split('\n');
  const complete = cut && lines.length > 1 ? lines.slice(0, -1) : lines;
  const sample = complete.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').slice(0, 50);
  return { lines, complete, sample };
}

/** Decides a file's format from its first lines. */
function detectFromHead(head: Head): Omit<Detected, 'gzip'> | undefined {
  const { lines, complete, sample } = headSample(head);
  const { cut } = head;
  if (sample.length === 0) return undefined;
  const first = sample[0]!;
  // any of the first lines: the first may be a broken one (bytes that are not UTF-8, a line cut short)
  if (sample.slice(0, 10).some(looksLikeJsonLine)) return { format: 'ocpp-jsonl', jsonKeys: jsonLinesKeys(sample) };
  // a first line longer than the longest head: known by its keys
  if (first.trimStart().startsWith('{') && cut && lines.length === 1 && messageKey.test(first)) return { format: 'ocpp-jsonl', jsonKeys: jsonLinesKeys([]) };
  if (head.text.includes('WebSocketLogger') || (steveLine.test(first) && /\[chargeBoxId=/.test(head.text))) return { format: 'steve-log' };
  const layout = csvLayout(complete);
  if (layout) {
    if (looksLikeStatusCsv(layout) && !looksLikeFramesCsv(layout)) return { format: 'status-csv', csv: layout };
    if (looksLikeFramesCsv(layout)) return { format: 'frames-csv', csv: layout };
  }
  return undefined;
}

/**
 * A file the run cannot take as it is: `problem` says why without advice on options, and `formatMayRead` whether
 * --format could read it (a log in a shape auto cannot tell) or not (compressed otherwise, not UTF-8).
 */
export class UnreadableFile extends CliError {
  constructor(
    message: string,
    readonly problem: string,
    readonly formatMayRead = false,
  ) {
    super(message);
  }
}

/** The format of the file at `readPath`; messages name it `path` (a stream's copy by the name the user gave). */
export async function detectFormat(readPath: string, requested: Format | 'auto', path = readPath): Promise<Detected> {
  const gzip = await isGzip(readPath);
  const head = await readLinesHead(readPath, gzip);
  const compressed = compressedHead(head.start, gzip, path);
  if (compressed) throw new UnreadableFile(compressed, compressed);
  if (notUtf8Text(head.text)) {
    const problem =
      `${terminalSafe(path)} does not read as UTF-8 text (UTF-16, or not text at all?). ` +
      'Export it as UTF-8 (for UTF-16: iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8), or leave it out of the inputs.';
    throw new UnreadableFile(problem, problem);
  }
  if (requested !== 'auto') {
    if (requested === 'frames-csv' || requested === 'status-csv') {
      const layout = csvLayout(head.text.split('\n'));
      if (!layout) throw new CliError(`${terminalSafe(path)}: no CSV header found; a ${requested} file starts with a header row.`);
      return { format: requested, gzip, csv: layout };
    }
    if (requested === 'ocpp-jsonl') return { format: requested, gzip, jsonKeys: jsonLinesKeys(headSample(head).sample) };
    // read as a SteVe log, another format's lines would all be skipped as not frames: no error, nothing stored, and
    // the file known as ingested, so that reading it right later would skip it as a copy
    const seen = detectFromHead(head);
    if (seen && seen.format !== 'steve-log') {
      throw new CliError(
        `${terminalSafe(path)} looks like ${seen.format}, not a SteVe log as --format steve-log says: every line would be skipped as not a frame. ` +
          `Pass --format auto (or ${seen.format}), or leave the file out of a SteVe run.`,
      );
    }
    return { format: requested, gzip };
  }
  if (head.text.trim() === '') return { format: 'ocpp-jsonl', gzip, jsonKeys: jsonLinesKeys([]) };
  const detected = detectFromHead(head);
  if (!detected && head.gzipCut) {
    const problem = `cannot recognise the format of ${terminalSafe(path)}: its gzip stream is cut short before its first lines end, so too little of it is left to tell.`;
    throw new UnreadableFile(
      `${problem}\nPass --format to store what is left (the line it is cut in is then rejected), or leave the file out of the inputs.`,
      problem,
      true,
    );
  }
  if (!detected) {
    const hint = jsonNotInLines(head.text) ?? '';
    throw new UnreadableFile(
      `cannot recognise the format of ${terminalSafe(path)}.\n` +
        hint +
        'Expected one of: ocpp-jsonl (JSON lines with timestamp, chargeBoxId, direction, message), ' +
        'frames-csv (CSV with timestamp, id, action, msg), status-csv (CSV with station, connectorId, status, errorCode, ...), ' +
        "steve-log (SteVe's steve.log). Pass --format to say which.",
      `cannot recognise the format of ${terminalSafe(path)}: it is none of ocpp-jsonl, frames-csv, status-csv and steve-log.${hint ? ` ${hint.trim()}` : ''}`,
      true,
    );
  }
  return { ...detected, gzip };
}
