import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/** The built CLI (`npm test` compiles first), run as a user would, with colour and TTY behaviour off. */
const repoRoot = resolve(import.meta.dirname, '../..');
const cliPath = join(repoRoot, 'dist/src/cli.js');
const env = { ...process.env, NO_COLOR: '1', CI: '1' };

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: 'utf8', env, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliAsync(args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('close', (status) => done({ status, stdout }));
  });
}

let dir: string;
let db: string;
beforeAll(() => {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build first (npm test runs tsc before vitest)`);
  dir = mkdtempSync(join(tmpdir(), 'ocpp-faults-cli-'));
  db = join(dir, 'fleet.duckdb');
  const logs = readdirSync(join(repoRoot, 'fixtures/analysis')).filter((f) => f.endsWith('.jsonl')).map((f) => join(repoRoot, 'fixtures/analysis', f));
  const ingest = cli(['ingest', ...logs, '--db', db, '--json']);
  expect(ingest.status, ingest.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('summary and export from the command line', { timeout: 60_000 }, () => {
  test('summary --json prints one JSON object about the ingested scenarios', () => {
    const run = cli(['summary', '--db', db, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.lock_failures).toEqual({ lock_failures: 11, stuck_lock: 4, driver_misuse: 7, undetermined: 0, mechanism_suspected_connectors: 1 });
    expect(json.top_codes[0]).toMatchObject({ error_code: 'ConnectorLockFailure', episodes: 9 });
  });

  test('summary prints aligned tables', () => {
    const run = cli(['summary', '--db', db]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Window /);
    expect(run.stdout).toContain('Top error codes');
    expect(run.stdout).toContain('Lock failures');
  });

  test('export writes CSV files with the hostile info neutralised', () => {
    const out = join(dir, 'csv');
    const run = cli(['export', out, '--db', db, '--from', '2026-03-02', '--to', '2026-03-02']);
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(out)).toContain('episodes.csv');
    const episodes = parse(readFileSync(join(out, 'episodes.csv')), { columns: true }) as Record<string, string>[];
    expect(episodes.filter((e) => e['station_id'] === 'CP-HOSTILE').map((e) => e['info'])).toEqual([
      `'=HYPERLINK("http://x","y")`,
      '<script>alert(1)</script>',
      '</script><img src=x onerror=alert(1)>',
    ]);
  });

  test('a bad --from exits 2 with a message that says what format to use', () => {
    const run = cli(['summary', '--db', db, '--from', 'last week']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("error: --from: 'last week' is not a date or time; use an ISO 8601 date or time in UTC");
  });

  test('an unknown --format exits 2', () => {
    expect(cli(['export', join(dir, 'x'), '--db', db, '--format', 'xlsx']).status).toBe(2);
  });

  test('several summaries and exports can read the database at once (read-only)', async () => {
    const runs = await Promise.all([
      cliAsync(['summary', '--db', db, '--json']),
      cliAsync(['summary', '--db', db, '--json']),
      cliAsync(['export', join(dir, 'parallel'), '--db', db, '--format', 'arrow']),
    ]);
    expect(runs.map((r) => r.status)).toEqual([0, 0, 0]);
  }, 120_000);

  test('an export or report folder the file system refuses is an error, not a hang', () => {
    const exported = cli(['export', '/proc/ocpp-faults-test/out', '--db', db]);
    expect([exported.status, exported.stderr.split('\n')[0]]).toEqual([1, "error: cannot create the export directory /proc/ocpp-faults-test/out: ENOENT: no such file or directory, mkdir '/proc/ocpp-faults-test'"]);
    const report = cli(['report', '--db', db, '--out', '/proc/ocpp-faults-test/report.html']);
    expect([report.status, report.stderr.split('\n')[0]]).toEqual([1, "error: cannot write the report to /proc/ocpp-faults-test/report.html: ENOENT: no such file or directory, mkdir '/proc/ocpp-faults-test'"]);
  });

  test('a file that cannot be written is named with what to check, and the folder keeps the last export whole', () => {
    const out = join(dir, 'blocked');
    expect(cli(['export', out, '--db', db, '--from', '2026-03-02', '--to', '2026-03-02']).status).toBe(0);
    const before = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    // a folder where the third file's temporary copy would go makes its write fail
    mkdirSync(join(out, 'recurrence.csv.partial'));
    const run = cli(['export', out, '--db', db]);
    expect(run.status).toBe(1);
    expect(run.stderr.split('\n').slice(0, 1)).toEqual([expect.stringMatching(new RegExp(`^error: cannot write ${join(out, 'recurrence.csv')}: `))]);
    expect(run.stderr.split('\n')[1]).toBe(`Check that ${out} can be written to.`);
    // no file of the failed export, and none of its temporary copies: only the folder in the way
    expect(readdirSync(out).sort()).toEqual([...Object.keys(before), 'recurrence.csv.partial'].sort());
    for (const [file, text] of Object.entries(before)) expect([file, readFileSync(join(out, file), 'utf8')]).toEqual([file, text]);
  });
});
