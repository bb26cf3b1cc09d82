import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Database } from '../../src/db/database.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const fixture = (name: string) => join(repoRoot, 'fixtures/ingest', name);
export const cliPath = join(repoRoot, 'dist/src/cli.js');

export function tempDir(prefix = 'ocpp-faults-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
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
