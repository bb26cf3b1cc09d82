import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cliPath, fixture, query, repoRoot, tempDir } from './helpers.js';

/** The CLI with `input` on its standard input and its own TMPDIR, so that what it leaves there can be seen. */
function ingestStdin(input: Buffer | string, args: string[], tmp = tempDir()) {
  const run = spawnSync(process.execPath, [cliPath, 'ingest', ...args], { cwd: repoRoot, input, encoding: 'utf8', env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1', CI: '1' } });
  return { status: run.status, stderr: run.stderr, json: run.status === 0 && args.includes('--json') ? JSON.parse(run.stdout) : undefined, stdout: run.stdout, tmp };
}

/** jsonl-mixed.jsonl's 18 lines, as formats.test.ts works them out line by line. */
const mixedCounts = { files_ingested: 1, files_skipped: 0, messages: 10, status_notifications: 3, duplicates: 1, rejected: 6, skipped_lines: 1 };
const mixedRejectLines = [11, 12, 13, 14, 15, 16];

describe('an input that can be read only once', () => {
  it('- reads standard input, which the run names (stdin), and leaves no copy behind', async () => {
    const db = join(tempDir(), 'f.duckdb');
    const run = ingestStdin(readFileSync(fixture('jsonl-mixed.jsonl')), ['-', '--db', db, '--json']);
    expect(run.stderr).toBe('');
    const { rejects, ...counts } = run.json;
    expect(counts).toEqual({ ...mixedCounts, stored: true });
    expect(rejects.map((r: { file: string; line: number }) => [r.file, r.line])).toEqual(mixedRejectLines.map((line) => ['(stdin)', line]));
    expect(await query(db, 'select path, lines, messages, rejected from files')).toEqual([{ path: '(stdin)', lines: 18, messages: 10, rejected: 6 }]);
    expect(readdirSync(run.tmp)).toEqual([]);
  });

  it('stores what the file itself stores, gzip included, beside files named with it', async () => {
    const fromFile = join(tempDir(), 'file.duckdb');
    const fromStdin = join(tempDir(), 'stdin.duckdb');
    const steve = fixture('steve.log');
    const file = ingestStdin('', [steve, '--db', fromFile, '--json']);
    const stdin = ingestStdin(gzipSync(readFileSync(steve)), ['-', fixture('frames.csv'), '--db', fromStdin, '--json']);
    expect(stdin.stderr).toBe('');
    expect(stdin.json.files_ingested).toBe(2);
    const rows = 'select station_id, received_at, direction, message_type, unique_id, action, payload::varchar as payload, line_no from messages where file_id = 1 order by line_no';
    expect(await query(fromStdin, rows)).toEqual(await query(fromFile, rows));
    expect((await query(fromStdin, rows)).length).toBe(file.json.messages);
    expect(await query(fromStdin, 'select path, format from files order by file_id')).toEqual([
      { path: '(stdin)', format: 'steve-log' },
      { path: fixture('frames.csv'), format: 'frames-csv' },
    ]);
  });

  it('the same bytes piped again are skipped by their sha256, and no stat of a copy is kept', async () => {
    const db = join(tempDir(), 'f.duckdb');
    const bytes = readFileSync(fixture('jsonl-mixed.jsonl'));
    expect(ingestStdin(bytes, ['-', '--db', db, '--json']).json.files_ingested).toBe(1);
    const again = ingestStdin(bytes, ['-', '--db', db, '--json']);
    expect([again.json.files_ingested, again.json.files_skipped, again.json.messages]).toEqual([0, 1, 0]);
    expect(again.stdout).not.toContain('ocpp-faults-streams');
    expect(await query(db, 'select count(*)::int as n from seen_files')).toEqual([{ n: 0 }]);
  });

  it('a named pipe (as <(zcat day.jsonl.gz) makes) is read once, by its own name', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'export.pipe');
    execFileSync('mkfifo', [fifo]);
    const db = join(dir, 'f.duckdb');
    const child = spawn(process.execPath, [cliPath, 'ingest', fifo, '--db', db, '--json'], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // opening a pipe for writing waits for its reader, the CLI (off the test's thread, so a hang times out)
    await writeFile(fifo, readFileSync(fixture('jsonl-mixed.jsonl')));
    const status = await new Promise((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const { rejects, ...counts } = JSON.parse(stdout);
    expect(counts).toEqual({ ...mixedCounts, stored: true });
    expect(rejects.map((r: { file: string; line: number }) => [r.file, r.line])).toEqual(mixedRejectLines.map((line) => [fifo, line]));
  });
});
