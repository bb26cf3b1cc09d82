import { mkdtemp, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CliError, errorFirstLine, ExitCode } from '../errors.js';
import { formatBytes } from '../tty.js';

/**
 * Disk an ingest run needs, per byte of (uncompressed) input, measured on the bench's 10M file of 1.8 GB: its staged
 * rows wait in DuckDB's temporary folder until the run commits (1.54 GB at the peak, 0.84x), and the database grows
 * by its stored messages (333 MB, 0.18x).
 */
export const stagingBytesPerInputByte = 0.85;
export const databaseBytesPerInputByte = 0.2;

/** Where a run writes: its database file, DuckDB's temporary folder and the folder Node cuts pieces into. */
export interface RunPlaces {
  database: string;
  /** DuckDB's temp_directory (by default `<db>.tmp`) */
  staging: string;
  pieces: string;
}

/**
 * The file system holding `path`, or the one it would be on once made (that of its nearest folder that exists): its
 * device number, and the bytes free there to an unprivileged writer.
 */
async function fileSystemOf(path: string): Promise<{ device: bigint; free: number } | undefined> {
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      const [info, fs] = await Promise.all([stat(at, { bigint: true }), statfs(at)]);
      return { device: info.dev, free: fs.bavail * fs.bsize };
    } catch {
      if (dirname(at) === at) return undefined;
    }
  }
}

/** Bytes free on the file system that holds `path` (or would hold it). */
export async function freeBytes(path: string): Promise<number | undefined> {
  return (await fileSystemOf(path))?.free;
}

/** Each place with what was free on its file system, as aligned rows. */
async function describePlaces(places: RunPlaces): Promise<string[]> {
  const named: [string, string][] = [
    ['database', places.database],
    ['staging', places.staging],
    ['pieces', places.pieces],
  ];
  const width = Math.max(...named.map(([, path]) => path.length));
  const lines: string[] = [];
  for (const [role, path] of named) {
    const free = await freeBytes(path);
    lines.push(`  ${role.padEnd(9)} ${path.padEnd(width)}  ${free === undefined ? 'unknown' : formatBytes(free)}`);
  }
  return lines;
}

/** The input of a run, in bytes as stored: plain files, and gzip files (whose unpacked size is not known ahead). */
export interface RunInput {
  plainBytes: number;
  gzipBytes: number;
}

function inputNeeds({ plainBytes, gzipBytes }: RunInput): string[] {
  // nothing listed yet: the disk filled while standard input or a pipe was being copied, before the run began
  if (plainBytes === 0 && gzipBytes === 0) {
    return ['Standard input and named pipes are copied whole into the pieces folder before the run reads them: the copy', 'needs as much room as the stream, and the run then needs its own room as for a file.'];
  }
  const staging = formatBytes(plainBytes * stagingBytesPerInputByte);
  const database = formatBytes(plainBytes * databaseBytesPerInputByte);
  const input = gzipBytes === 0 ? `${formatBytes(plainBytes)} of input` : `${formatBytes(plainBytes)} of plain input`;
  return [
    `This run's ${input} needs about ${staging} for staging (${stagingBytesPerInputByte}x; kept until it commits, removed when it`,
    `ends) and ${database} more for the database (${databaseBytesPerInputByte}x)` +
      (gzipBytes === 0 ? '.' : `, its ${formatBytes(gzipBytes)} of gzip files that much of their unpacked size more.`),
  ];
}

/**
 * The error a run that met a full disk fails with: what was written, that nothing was stored, how much room a run
 * takes, what is free where it writes, and what to do.
 */
export async function outOfDiskSpace(error: unknown, places: RunPlaces, input: RunInput): Promise<CliError> {
  const message = [
    `the disk is full: ${errorFirstLine(error)}`,
    'Nothing was stored: the database is as it was before this run.',
    ...inputNeeds(input),
    'Free space where it wrote, when it stopped:',
    ...(await describePlaces(places)),
    'Free some space there, give --temp-dir a folder on a disk with more room, or ingest fewer files per run.',
  ].join('\n');
  return new CliError(message, ExitCode.failure, { cause: error });
}

/**
 * A run's own folder inside the folder --temp-dir names: DuckDB's temporary files (`staging`) and the pieces Node cuts
 * go there, and the whole folder is removed when the run ends.
 */
export class RunTempFolder {
  private constructor(
    readonly path: string,
    readonly staging: string,
  ) {}

  static async create(parent: string): Promise<RunTempFolder> {
    const folder = resolve(parent);
    let info;
    try {
      info = await stat(folder);
    } catch {
      throw new CliError(`--temp-dir ${folder}: no such folder. Create it, or name a folder that exists.`, ExitCode.failure);
    }
    if (!info.isDirectory()) throw new CliError(`--temp-dir ${folder}: not a folder. Name a folder (the run makes its own inside it).`, ExitCode.failure);
    const path = await mkdtemp(join(folder, 'ocpp-faults-run-'));
    return new RunTempFolder(path, join(path, 'staging'));
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}

/** What a place on a file system is expected to take, and what is free on that file system. */
export interface PlaceNeed {
  role: 'staging' | 'database';
  path: string;
  bytes: number;
  /** the file system holding it (stat's device number of the nearest existing folder) */
  device: bigint;
  free: number;
}

/**
 * A warning when the disk a run writes to looks too small for what its input is expected to take (needs on one file
 * system add up), else undefined. Only staging past the memory limit reaches the disk, so a run of less input than
 * `inMemoryBytes` is never warned about.
 */
export function diskWarning(needs: readonly PlaceNeed[], input: RunInput, inMemoryBytes: number): string | undefined {
  if (input.plainBytes <= inMemoryBytes) return undefined;
  const short = needs.filter((need) => {
    const together = needs.filter((other) => other.device === need.device).reduce((sum, other) => sum + other.bytes, 0);
    return together > need.free;
  });
  if (short.length === 0) return undefined;
  const wants = needs.map((need) => `${formatBytes(need.bytes)} for ${need.role === 'staging' ? 'staging' : 'the database'} in ${need.path}`).join(' and ');
  // one per disk, by the first place on it
  const frees = short.filter((need, i) => short.findIndex((other) => other.device === need.device) === i).map((need) => `${formatBytes(need.free)} is free on the disk of ${need.path}`).join(', ');
  return (
    `this run's ${formatBytes(input.plainBytes)} of input may need about ${wants}, and only ${frees}. ` +
    'If the disk fills, the run stops and stores nothing: free space, or give --temp-dir a folder on a disk with more room.'
  );
}

/** The warning for a run about to write its input to these places, when their disks look too small. */
export async function checkDiskRoom(places: RunPlaces, input: RunInput, inMemoryBytes: number): Promise<string | undefined> {
  const needs: PlaceNeed[] = [];
  for (const [role, path, bytes] of [
    ['staging', places.staging, input.plainBytes * stagingBytesPerInputByte],
    ['database', places.database, input.plainBytes * databaseBytesPerInputByte],
  ] as const) {
    const fileSystem = await fileSystemOf(path);
    // a file system that cannot be asked is left to fail, if it does, with its own message
    if (fileSystem === undefined) return undefined;
    needs.push({ role, path, bytes, ...fileSystem });
  }
  return diskWarning(needs, input, inMemoryBytes);
}
