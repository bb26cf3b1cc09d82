import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliPath, tempDir } from '../ingest/helpers.js';
import { fixtureLogs, repoRoot, withoutGeneratedLine } from './helpers.js';

/** `ocpp-faults report` as a user runs it: the built CLI, spawned (asynchronously, so the test worker stays responsive). */

function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', CI: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('ocpp-faults report', () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = tempDir('ocpp-faults-report-');
    db = join(dir, 'faults.duckdb');
    const ingest = await run(['ingest', ...fixtureLogs(), '--db', db]);
    expect(ingest.status, ingest.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the page and says where, with its size and what is in it', async () => {
    const out = join(dir, 'nested', 'report.html');
    const result = await run(['report', '--db', db, '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Report written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+(\\.\\d)? KB; \\d+ error episodes on \\d+ stations, \\d+ station sections\\)\\.\\n$`));
    expect(result.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  test('--out naming a folder is a usage error that gives the file name to use', async () => {
    const result = await run(['report', '--db', db, '--out', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`error: --out ${dir} is a folder: name the HTML file to write, e.g. --out ${join(dir, 'report.html')}\n`);
    expect(existsSync(`${dir}.partial`)).toBe(false);
  });

  test('the page does not depend on the time zone of the machine that wrote it', async () => {
    const utc = join(dir, 'utc.html');
    const auckland = join(dir, 'auckland.html');
    expect((await run(['report', '--db', db, '--out', utc, '--from', '2026-03-02'], { TZ: 'UTC' })).status).toBe(0);
    expect((await run(['report', '--db', db, '--out', auckland, '--from', '2026-03-02'], { TZ: 'Pacific/Auckland', LANG: 'de_DE.UTF-8' })).status).toBe(0);
    expect(withoutGeneratedLine(readFileSync(auckland, 'utf8'))).toBe(withoutGeneratedLine(readFileSync(utc, 'utf8')));
  });

  test('opens with the alerts of the window, narrowed with --station to that station', async () => {
    const out = join(dir, 'alerts.html');
    expect((await run(['report', '--db', db, '--out', out, '--station', 'CP-FAIL'])).status).toBe(0);
    const page = readFileSync(out, 'utf8');
    const section = page.slice(page.indexOf('<section id="alerts">'), page.indexOf('</section>', page.indexOf('<section id="alerts">')));
    // report writes no alerts.json beside the page, so the page does not point at one
    expect(section).toContain('<caption>ocpp-faults nightly writes the same alerts, with the numbers behind each, to alerts.json beside its report.</caption>');
    const rows = [...section.matchAll(/<tr>(.*?)<\/tr>/gs)].slice(1).map((row) =>
      [...row[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].slice(0, 4).map((cell) => cell[1]!.replace(/<[^>]+>/g, '').trim()),
    );
    expect(rows).toEqual([
      ['lock mechanism suspected', 'CP-FAIL', '1', 'ConnectorLockFailure'],
      ['uptime below target', 'CP-FAIL', '1', 'ConnectorLockFailure'],
      ['chronic station', 'CP-FAIL', '1', 'ConnectorLockFailure'],
    ]);
  });

  test('--station narrows the report; an unknown station says which ids exist', async () => {
    const out = join(dir, 'one.html');
    const ok = await run(['report', '--db', db, '--out', out, '--station', 'CP-FAIL']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/4 error episodes on 1 station, 1 station section\)/);
    const unknown = await run(['report', '--db', db, '--out', out, '--station', 'cp-fail']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^error: no station 'cp-fail' in .*exactly as logged/);
  });

  test("a station id's newline cannot forge a line of the unknown --station message", async () => {
    const hostile = join(dir, 'hostile.duckdb');
    const log = join(dir, 'hostile.jsonl');
    const frame = (station: string, id: string) =>
      JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', chargeBoxId: station, direction: 'in', message: [2, id, 'Heartbeat', {}] });
    writeFileSync(log, `${frame('A\nerror: forged\u202e', 'h1')}\n${frame('CP-1', 'h2')}\n`);
    expect((await run(['ingest', log, '--db', hostile])).status).toBe(0);
    const unknown = await run(['report', '--db', hostile, '--out', join(dir, 'hostile.html'), '--station', 'x\ny']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe(
      `error: no station 'x\\ny' in ${hostile}: --station takes a station id exactly as logged (case and spaces count), ` +
        `e.g. 'A\\nerror: forged\\u202e', 'CP-1'\n`,
    );
  });

  test('a window with no faults is a report, not an error', async () => {
    const out = join(dir, 'future.html');
    const result = await run(['report', '--db', db, '--out', out, '--from', '2030-01-01']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/no faults in this window/);
    expect(readFileSync(out, 'utf8')).toContain('No data in this window');
  });

  test('usage errors exit 2 and say what to do; a missing database exits 1', async () => {
    const badTime = await run(['report', '--db', db, '--from', 'yesterday']);
    expect(badTime.status).toBe(2);
    expect(badTime.stderr).toMatch(/--from: 'yesterday' is not a date or time; use an ISO 8601 date/);
    const reversed = await run(['report', '--db', db, '--from', '2026-03-05', '--to', '2026-03-01']);
    expect(reversed.status).toBe(2);
    const missing = await run(['report', '--db', join(dir, 'nope.duckdb')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no database at .*nope\.duckdb: run 'ocpp-faults ingest/);
    const unwritable = await run(['report', '--db', db, '--out', join(dir, 'faults.duckdb', 'x.html')]);
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toMatch(/cannot write the report to .*--out/s);
  });
});
