import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/db/database.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { diskWarning, outOfDiskSpace } from '../../src/ingest/disk.js';
import { isOutOfDiskSpace } from '../../src/errors.js';
import { CliError } from '../../src/errors.js';
import { fixture, runCli, tempDir } from './helpers.js';

/** What DuckDB 1.5 said when its temporary file met a full tmpfs (seen with a 10M ingest onto an 800 MB one). */
const duckdbFull = 'IO Error: Could not write file "/mnt/small/f.duckdb.tmp/duckdb_temp_storage_S64K-0.tmp": No space left on device';

describe('a full disk', () => {
  it('is told from other failures, whichever write met it', () => {
    const nodeFull = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(isOutOfDiskSpace(new Error(duckdbFull))).toBe(true);
    expect(isOutOfDiskSpace(nodeFull)).toBe(true);
    expect(isOutOfDiskSpace(new Error('a piece could not be staged', { cause: nodeFull }))).toBe(true);
    expect(isOutOfDiskSpace(new Error('IO Error: Could not read file "/x.jsonl": Permission denied'))).toBe(false);
    expect(isOutOfDiskSpace(new Error('Out of Memory Error: could not allocate block of size 256.0 KiB'))).toBe(false);
    expect(isOutOfDiskSpace('No space left on device')).toBe(false);
  });

  it('fails the run with what it needed, what was free where it wrote, and what to do', async () => {
    const dir = tempDir();
    const error = await outOfDiskSpace(new Error(`${duckdbFull}\nmore detail`), { database: join(dir, 'f.duckdb'), staging: join(dir, 'f.duckdb.tmp'), pieces: dir }, { plainBytes: 1_000_000_000, gzipBytes: 0 });
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    const lines = error.message.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `the disk is full: ${duckdbFull}`,
      'Nothing was stored: the database is as it was before this run.',
      "This run's 953.7 MB of input needs about 810.6 MB for staging (0.85x; kept until it commits, removed when it",
      'ends) and 190.7 MB more for the database (0.2x).',
      'Free space where it wrote, when it stopped:',
    ]);
    // the database file and staging folder do not exist: their folder's file system is the one they would be on
    const width = join(dir, 'f.duckdb.tmp').length;
    expect(lines[5]).toMatch(new RegExp(`^  database  ${join(dir, 'f.duckdb').padEnd(width)}  \\d+\\.\\d (MB|GB|TB)$`));
    expect(lines[6]).toMatch(new RegExp(`^  staging   ${join(dir, 'f.duckdb.tmp')}  \\d+\\.\\d (MB|GB|TB)$`));
    expect(lines[7]).toMatch(new RegExp(`^  pieces    ${dir.padEnd(width)}  \\d+\\.\\d (MB|GB|TB)$`));
    expect(lines.slice(8)).toEqual(['Free some space there, give --temp-dir a folder on a disk with more room, or ingest fewer files per run.']);
  });

  it("counts gzip input apart, since its unpacked size is not known ahead", async () => {
    const dir = tempDir();
    const error = await outOfDiskSpace(new Error(duckdbFull), { database: join(dir, 'f.duckdb'), staging: join(dir, 'f.duckdb.tmp'), pieces: dir }, { plainBytes: 2 * 1024 ** 3, gzipBytes: 512 * 1024 ** 2 });
    expect(error.message.split('\n').slice(2, 4)).toEqual([
      "This run's 2.0 GB of plain input needs about 1.7 GB for staging (0.85x; kept until it commits, removed when it",
      'ends) and 409.6 MB more for the database (0.2x), its 512.0 MB of gzip files that much of their unpacked size more.',
    ]);
  });
});

describe('--temp-dir', () => {
  it("holds the pieces a file is cut into while it is staged, and nothing once the run ends", async () => {
    const temp = tempDir();
    const seen = new Set<string>();
    const db = await Database.open(':memory:');
    try {
      const result = await ingestFiles(db, [fixture('jsonl-mixed.jsonl')], {
        format: 'auto',
        tz: 'UTC',
        strict: false,
        config: { pieceBytes: 300 },
        tempDir: temp,
        onProgress: () => {
          for (const run of readdirSync(temp)) for (const piece of readdirSync(join(temp, run))) seen.add(`${run.replace(/-\w+$/, '-*')}/${piece}`);
        },
      });
      expect(result.files_ingested).toBe(1);
    } finally {
      db.close();
    }
    const folders = new Set([...seen].map((entry) => entry.split('/')[0]));
    const pieces = new Set([...seen].map((entry) => /^ocpp-faults-\*\/piece-(\d+)\.txt(\.staged)?$/.exec(entry)?.[1]));
    expect([...folders]).toEqual(['ocpp-faults-*']);
    // every entry is a piece; the fixture's ~3 KB cut at 300 bytes makes about ten
    expect(pieces.has(undefined)).toBe(false);
    expect(pieces.size).toBeGreaterThan(5);
    expect(readdirSync(temp)).toEqual([]);
  });

  it("is where DuckDB writes out what does not fit in memory", async () => {
    const temp = tempDir();
    const db = await Database.open(':memory:', { tempDirectory: join(temp, 'staging') });
    try {
      expect(await db.all("select current_setting('temp_directory') as path")).toEqual([{ path: join(temp, 'staging') }]);
    } finally {
      db.close();
    }
  });

  it('ingest: a run makes its own folder in it and removes it when it ends', () => {
    const temp = tempDir();
    const db = join(tempDir(), 'f.duckdb');
    const run = runCli(['ingest', fixture('jsonl-mixed.jsonl'), '--db', db, '--temp-dir', temp, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).files_ingested).toBe(1);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('ingest: a folder that is not there is refused before the database is touched', () => {
    const db = join(tempDir(), 'f.duckdb');
    const missing = join(tempDir(), 'no-such-folder');
    const run = runCli(['ingest', fixture('jsonl-mixed.jsonl'), '--db', db, '--temp-dir', missing]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: --temp-dir ${missing}: no such folder. Create it, or name a folder that exists.\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('nightly: the ingest keeps its staging in a folder of its own there, removed when the night ends', () => {
    const temp = tempDir();
    const work = tempDir();
    const run = runCli(['nightly', fixture('.'), '--db', join(work, 'f.duckdb'), '--out', join(work, 'out'), '--temp-dir', temp, '--max-rejects', '1000000']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  });
});

describe('the disk room a run looks for before it reads', () => {
  const GB = 1024 ** 3;
  const MB = 1024 ** 2;
  const input = { plainBytes: GB, gzipBytes: 0 };
  const staging = { role: 'staging', path: '/data/f.duckdb.tmp', bytes: 0.85 * GB, device: 1n } as const;
  const database = { role: 'database', path: '/data/f.duckdb', bytes: 0.2 * GB, device: 1n } as const;

  it('adds up what staging and the database take on one disk', () => {
    // 0.85 GB + 0.2 GB = 1.05 GB on a disk with 1 GB free
    expect(diskWarning([{ ...staging, free: GB }, { ...database, free: GB }], input, 384 * MB)).toBe(
      "this run's 1.0 GB of input may need about 870.4 MB for staging in /data/f.duckdb.tmp and 204.8 MB for the database in /data/f.duckdb, " +
        'and only 1.0 GB is free on the disk of /data/f.duckdb.tmp. If the disk fills, the run stops and stores nothing: free space, or give --temp-dir a folder on a disk with more room.',
    );
    expect(diskWarning([{ ...staging, free: 1.1 * GB }, { ...database, free: 1.1 * GB }], input, 384 * MB)).toBeUndefined();
  });

  it('names only the disk that is short when staging is elsewhere (--temp-dir)', () => {
    const warning = diskWarning([{ ...staging, path: '/big/run/staging', device: 2n, free: 10 * GB }, { ...database, free: 100 * MB }], input, 384 * MB);
    expect(warning).toContain('and only 100.0 MB is free on the disk of /data/f.duckdb. ');
    expect(diskWarning([{ ...staging, path: '/big/run/staging', device: 2n, free: 10 * GB }, { ...database, free: 300 * MB }], input, 384 * MB)).toBeUndefined();
  });

  it('says nothing of a run whose staging fits in memory', () => {
    expect(diskWarning([{ ...staging, free: 0 }, { ...database, free: 0 }], { plainBytes: 300 * MB, gzipBytes: 0 }, 384 * MB)).toBeUndefined();
  });
});

describe('a disk that fills while standard input is copied', () => {
  it('says the copy needs the room, not that the input needs none', async () => {
    const dir = tempDir();
    const nodeFull = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = await outOfDiskSpace(nodeFull, { database: join(dir, 'f.duckdb'), staging: join(dir, 'run', 'staging'), pieces: join(dir, 'run') }, { plainBytes: 0, gzipBytes: 0 });
    expect(error.message.split('\n').slice(0, 4)).toEqual([
      'the disk is full: ENOSPC: no space left on device, write',
      'Nothing was stored: the database is as it was before this run.',
      'Standard input and named pipes are copied whole into the pieces folder before the run reads them: the copy',
      'needs as much room as the stream, and the run then needs its own room as for a file.',
    ]);
  });
});
