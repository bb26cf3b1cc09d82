import { mkdtemp, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CliError, ExitCode } from '../errors.js';
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
 * Whether an error is the disk running full: Node's ENOSPC, or DuckDB's IO Error for a write that failed with it
 * ('Could not write file "...": No space left on device'), from whichever write met the full disk.
 */
export function isOutOfDiskSpace(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC' || /No space left on device/i.test(e.message)) return true;
  }
  return false;
}

/** Bytes free to an unprivileged writer on the file system holding `path` (or its folder, when it does not exist yet). */
export async function freeBytes(path: string): Promise<number | undefined> {
  for (const candidate of [path, dirname(path)]) {
    try {
      const fs = await statfs(candidate);
      return fs.bavail * fs.bsize;
    } catch {
      // not there (yet): its folder's file system is the one it would be on
    }
  }
  return undefined;
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
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const message = [
    `the disk is full: ${detail}`,
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
