import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, vi } from 'vitest';
import { Database } from '../../src/db/database.js';
import { ingestFiles, type IngestResult } from '../../src/ingest/ingest.js';
import type { IngestConfig } from '../../src/ingest/config.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const fixture = (name: string) => join(repoRoot, 'fixtures/ingest', name);
export const cliPath = join(repoRoot, 'dist/src/cli.js');

const tempDirs: string[] = [];

// a full run of the suites made ~200 folders, half a GB of them, that stayed in the temporary folder
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder in the temporary folder, removed when the test file is done. */
export function tempDir(prefix = 'ocpp-faults-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with colour and TTY behaviour off. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): CliRun {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    timeout: options.timeoutMs ?? 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Rows of a query against a database file, opened read-only so the CLI can open it again afterwards. */
export async function query<T = Record<string, unknown>>(dbPath: string, sql: string): Promise<T[]> {
  const db = await Database.open(dbPath, { readOnly: true });
  try {
    return (await db.all(sql)) as T[];
  } finally {
    db.close();
  }
}

/** Lines in a file as a reader counts them: newline-terminated lines, plus a last line without one. */
export function countLines(path: string): number {
  const bytes = readFileSync(path);
  let lines = 0;
  for (const byte of bytes) if (byte === 0x0a) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) lines++;
  return lines;
}

const storedTableQueries = {
  messages: 'select * exclude (payload), payload::varchar as payload from messages order by file_id, line_no',
  status_notifications: 'select * from status_notifications order by file_id, line_no',
  transactions: 'select * from transactions order by all',
  remote_commands: 'select * exclude (request), request::varchar as request from remote_commands order by all',
  station_boots: 'select * from station_boots order by all',
  rejects: 'select * from rejects order by file_id, line_no',
  files: 'select * exclude (ingested_at) from files order by file_id',
};

/** Every column of every table an ingest fills, in a stable order across files, for comparing two ingests. */
export async function storedTables(db: Database): Promise<Record<keyof typeof storedTableQueries, Record<string, unknown>[]>> {
  const out = {} as Record<keyof typeof storedTableQueries, Record<string, unknown>[]>;
  for (const [name, sql] of Object.entries(storedTableQueries)) out[name as keyof typeof storedTableQueries] = await db.all(sql);
  return out;
}

/**
 * Ingests `inputs` in one run into `db` (a fresh one unless given), zone-less times read in `tz`, and returns the
 * result, what was stored, and how many pieces took the JSON reader path and the line-by-line path.
 */
export async function ingestTraced(inputs: string[], config: Partial<IngestConfig> = {}, given?: Database, tz = 'UTC') {
  const traced: string[] = [];
  vi.stubEnv('OCPP_FAULTS_TRACE', '1');
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    traced.push(String(chunk));
    return true;
  });
  const db = given ?? (await Database.open(':memory:'));
  try {
    const result: IngestResult = await ingestFiles(db, inputs, { format: 'auto', tz, strict: false, config });
    return {
      result,
      stored: await storedTables(db),
      messages: await db.all<{ file_id: number; line_no: number; unique_id: string; action: string | null }>(
        'select file_id, line_no, unique_id, action from messages order by file_id, line_no',
      ),
      traced,
      directPieces: traced.filter((line) => line.startsWith('[trace] ingest/parse_jsonl_direct ')).length,
      linePieces: traced.filter((line) => line.startsWith('[trace] ingest/parse_jsonl ')).length,
    };
  } finally {
    spy.mockRestore();
    vi.unstubAllEnvs();
    if (!given) db.close();
  }
}
