import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, fixture, query, runCli, tempDir } from '../ingest/helpers.js';

function inboxWith(...files: string[]): { dir: string; inbox: string; out: string; db: string } {
  const dir = tempDir();
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox);
  for (const file of files) copyFileSync(file, join(inbox, file.split('/').pop()!));
  return { dir, inbox, out: join(dir, 'out'), db: join(dir, 'faults.duckdb') };
}

const sample = join(fixture('..'), 'sample/fleet-3-days.jsonl.gz');

describe('nightly', () => {
  it('ingests the inbox, writes the window into DIR/<date>/ and points DIR/latest at it', async () => {
    const { inbox, out, db } = inboxWith(sample, fixture('frames.csv'));
    const run = runCli(['nightly', inbox, '--db', db, '--out', out, '--until', '2026-03-05T00:00:00Z']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const stages = run.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(stages[0]).toBe('ingest');
    expect(stages).toContain('window');
    expect(stages).toEqual(['ingest', 'window', 'exports', 'alerts', 'report', 'published']);
    expect(run.stdout).toContain('2 new file(s), 0 already ingested: 60,011 messages, 0 duplicates, 3 rejected lines');
    expect(run.stdout).toContain('2026-03-04T00:00:00.000Z to 2026-03-05T00:00:00.000Z (24h)');
    expect(readlinkSync(join(out, 'latest'))).toBe('2026-03-04');
    const files = readdirSync(join(out, '2026-03-04'));
    for (const file of ['report.html', 'alerts.json', 'episodes.csv', 'uptime.csv', 'lock_failures.csv']) expect(files).toContain(file);
    expect(run.stdout).toContain(join(out, '2026-03-04', 'report.html'));
    const alerts = JSON.parse(readFileSync(join(out, 'latest', 'alerts.json'), 'utf8'));
    expect(alerts.window).toEqual({ from: '2026-03-04T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z' });
    expect(Array.isArray(alerts.alerts)).toBe(true);
    // the report opens with the same alerts
    const report = readFileSync(join(out, 'latest', 'report.html'), 'utf8');
    expect(report).toContain('<section id="alerts"><h2>Alerts</h2>');
    expect(report).toContain(`>Alerts (${alerts.alerts.length})</a>`);
    expect(report).toContain('<caption>The same alerts, with the numbers behind each, are in alerts.json beside this report.</caption>');
    expect(readdirSync(out).filter((e) => e.startsWith('.'))).toEqual([]);
    expect(await query(db, 'select count(*) as files from files')).toEqual([{ files: 2 }]);
  });

  it('a second night ingests only the new files and replaces that date folder whole', () => {
    const { inbox, out, db } = inboxWith(sample);
    expect(runCli(['nightly', inbox, '--db', db, '--out', out]).status).toBe(0);
    copyFileSync(fixture('frames.csv'), join(inbox, 'frames.csv'));
    const again = runCli(['nightly', inbox, '--db', db, '--out', out]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('1 new file(s), 1 already ingested: 11 messages');
  });

  it('goes on when the reader of its output stops reading (| head -1): the night is published, no stack trace', async () => {
    const { inbox, out, db } = inboxWith(fixture('frames.csv'));
    const child = spawn(process.execPath, [cliPath, 'nightly', inbox, '--db', db, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    // closed before the first line is written: every write to it fails with EPIPE
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(existsSync(join(out, 'latest', 'report.html'))).toBe(true);
  });

  it('exits 3 when more lines were rejected than --max-rejects, and still publishes', () => {
    const { inbox, out, db } = inboxWith(fixture('frames.csv'));
    const run = runCli(['nightly', inbox, '--db', db, '--out', out, '--max-rejects', '2']);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('3 lines were rejected, more than --max-rejects 2');
    expect(existsSync(join(out, 'latest'))).toBe(true);
  });

  it('refuses to start while another run holds the output folder, and changes nothing', () => {
    const { inbox, out, db } = inboxWith(fixture('frames.csv'));
    mkdirSync(out);
    // this test process is alive, so its pid in the lock file stands for a run in progress
    writeFileSync(join(out, '.nightly.lock'), JSON.stringify({ pid: process.pid, started_at: '2026-11-23T02:30:00Z' }));
    const run = runCli(['nightly', inbox, '--db', db, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`another nightly run (pid ${process.pid}`);
    expect(existsSync(db)).toBe(false);
    expect(readdirSync(out)).toEqual(['.nightly.lock']);
  });

  it('two runs started together: one works, the other exits 1, and the result is whole', async () => {
    const { inbox, out, db } = inboxWith(sample, fixture('frames.csv'));
    const start = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [cliPath, 'nightly', inbox, '--db', db, '--out', out], { stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });
    const codes = (await Promise.all([start(), start()])).sort();
    expect(codes).toEqual([0, 1]);
    expect(await query(db, 'select count(*) as files, sum(messages) as messages from files')).toEqual([{ files: 2, messages: 60_011 }]);
    expect(readdirSync(join(out, 'latest'))).toContain('episodes.csv');
  });

  it('a run killed midway leaves the last complete folder; the next run completes the work', async () => {
    const { inbox, out, db } = inboxWith(fixture('frames.csv'));
    expect(runCli(['nightly', inbox, '--db', db, '--out', out]).status).toBe(0);
    const before = readlinkSync(join(out, 'latest'));
    copyFileSync(sample, join(inbox, 'fleet.jsonl.gz'));
    const child = spawn(process.execPath, [cliPath, 'nightly', inbox, '--db', db, '--out', out], { stdio: 'ignore' });
    // listening from the start: on a fast machine the run may be over before the kill
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 1200));
    child.kill('SIGKILL');
    await exited;
    // whatever the kill interrupted, latest still names a complete folder
    const latest = readlinkSync(join(out, 'latest'));
    expect([before, '2026-03-05']).toContain(latest);
    expect(readdirSync(join(out, latest))).toContain('episodes.csv');
    const rerun = runCli(['nightly', inbox, '--db', db, '--out', out]);
    expect(rerun.status).toBe(0);
    expect(readlinkSync(join(out, 'latest'))).toBe('2026-03-05');
    expect(readdirSync(out).filter((e) => e.startsWith('.'))).toEqual([]);
    expect(await query(db, 'select count(*) as files from files')).toEqual([{ files: 2 }]);
  });

  it('exits 2 on a bad --window or --until, naming the option', () => {
    expect(runCli(['nightly', '/tmp', '--window', '2h']).status).toBe(2);
    const until = runCli(['nightly', '/tmp', '--until', 'tomorrow']);
    expect([until.status, until.stderr.split('\n')[0]]).toEqual([2, "error: --until: 'tomorrow' is not a date or time; use an ISO 8601 date or time in UTC, e.g. 2026-03-01 or 2026-03-01T08:00:00Z"]);
  });

  it('refuses an --until more than a day from now, and makes nothing', () => {
    const { dir, inbox, out, db } = inboxWith(fixture('frames.csv'));
    const run = runCli(['nightly', inbox, '--db', db, '--out', out, '--until', '2099-01-01']);
    expect(run.status).toBe(2);
    // yesterday's date as the run saw it (a test run across midnight sees two)
    expect(run.stderr.split('\n')[0]).toMatch(
      /^error: --until 2099-01-01 ends the window at 2099-01-02T00:00:00\.000Z, more than a day from now: a night reports what has happened\. Pass the day to report, e\.g\. --until \d{4}-\d{2}-\d{2} for yesterday\.$/,
    );
    expect(readdirSync(dir)).toEqual(['inbox']);
  });

  it('refuses an output folder inside the inbox, whose files the next night would read as logs, and makes nothing', () => {
    const { dir, inbox, db } = inboxWith(fixture('frames.csv'));
    const run = runCli(['nightly', inbox, '--db', db, '--out', join(inbox, 'out')]);
    expect([run.status, run.stderr.split('\n')[0]]).toEqual([
      2,
      `error: --out ${join(inbox, 'out')} is inside the inbox ${inbox}: the next night would read its own CSV exports and alerts.json as logs. Put the output folder outside the inbox.`,
    ]);
    expect(readdirSync(dir)).toEqual(['inbox']);
    expect(readdirSync(inbox)).toEqual(['frames.csv']);
  });

  it('on an empty inbox: a first night fails and leaves nothing behind, a later night publishes the window of what is stored', () => {
    const { dir, inbox, out, db } = inboxWith();
    const first = runCli(['nightly', inbox, '--db', db, '--out', out]);
    expect([first.status, first.stderr.split('\n')[0]]).toEqual([
      1,
      `error: no data in the database after ingesting ${inbox}: put exported logs in the inbox first (looked for .jsonl .ndjson .json .csv .tsv .log .txt and their .gz)`,
    ]);
    expect(readdirSync(dir)).toEqual(['inbox']);
    // a night's files, then moved out of the inbox (as some setups do): the next night has nothing new, and still reports
    copyFileSync(fixture('frames.csv'), join(inbox, 'frames.csv'));
    expect(runCli(['nightly', inbox, '--db', db, '--out', out]).status).toBe(0);
    rmSync(join(inbox, 'frames.csv'));
    const quiet = runCli(['nightly', inbox, '--db', db, '--out', out]);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout.split('\n')[0]).toBe('ingest     0 new file(s), 0 already ingested: 0 messages, 0 duplicates, 0 rejected lines');
    expect(readdirSync(out).sort()).toEqual(['2026-03-03', 'latest']);
  });

  it('says so when a night replaces a folder that held another window ending on the same day', () => {
    const { inbox, out, db } = inboxWith(fixture('frames.csv'));
    expect(runCli(['nightly', inbox, '--db', db, '--out', out, '--until', '2026-03-03T12:00:00Z']).status).toBe(0);
    const again = runCli(['nightly', inbox, '--db', db, '--out', out, '--until', '2026-03-03T18:00:00Z']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(
      `warning    ${join(out, '2026-03-03')} held the window 2026-03-02T12:00:00.000Z to 2026-03-03T12:00:00.000Z, which this night's replaces (its window ends on the same day). ` +
        "To keep one folder per day whatever the lag of the exports, pass --until with the UTC day each night reports (yesterday's date, e.g. --until 2026-03-02).",
    );
    // the same window again replaces it without a word
    expect(runCli(['nightly', inbox, '--db', db, '--out', out, '--until', '2026-03-03T18:00:00Z']).stdout).not.toContain('warning');
  });

  it('says what is in the way when --out names a file', () => {
    const { dir, inbox, db } = inboxWith(fixture('frames.csv'));
    writeFileSync(join(dir, 'report.html'), '');
    const run = runCli(['nightly', inbox, '--db', db, '--out', join(dir, 'report.html')]);
    expect([run.status, run.stderr.split('\n')[0]]).toEqual([1, `error: cannot create the output folder ${join(dir, 'report.html')}: a file is in the way. Name another --out.`]);
  });

  it('names a missing inbox as the inbox, and makes nothing', () => {
    const { dir, db, out } = inboxWith(fixture('frames.csv'));
    const missing = join(dir, 'no-such-inbox');
    const run = runCli(['nightly', missing, '--db', db, '--out', out]);
    expect([run.status, run.stderr]).toEqual([1, `error: no inbox folder ${missing}: create it, or name the folder the export job fills.\n`]);
    expect([existsSync(db), existsSync(out)]).toEqual([false, false]);
  });

  it('skips a file in the inbox that is no log, says which and why, and still ingests and publishes the rest', async () => {
    const { inbox, out, db } = inboxWith(fixture('frames.csv'));
    writeFileSync(join(inbox, 'README.txt'), 'Exported by CSMS nightly\n');
    writeFileSync(join(inbox, 'archive.csv.gz'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    const run = runCli(['nightly', inbox, '--db', db, '--out', out]);
    expect([run.status, run.stderr]).toEqual([0, '']);
    const warnings = run.stdout.split('\n').filter((line) => line.startsWith('warning'));
    const skipped = ' Skipped, as it will be every night it stays in the inbox; if it is a log, move it out and ingest it with ocpp-faults ingest FILE --format FORMAT.';
    expect(warnings).toEqual([
      `warning    cannot recognise the format of ${join(inbox, 'README.txt')}: it is none of ocpp-jsonl, frames-csv, status-csv and steve-log.${skipped}`,
      `warning    ${join(inbox, 'archive.csv.gz')} is a zip archive, and only gzip is read: decompress it first (unzip FILE), or leave it out of the inputs. Skipped, as it will be every night it stays in the inbox.`,
    ]);
    expect(run.stdout).toContain('1 new file(s), 0 already ingested: 11 messages');
    expect(readlinkSync(join(out, 'latest'))).toBe('2026-03-03');
    expect(await query(db, 'select count(*) as files from files')).toEqual([{ files: 1 }]);
    // ingest still refuses such a file: a run given it by name or folder must not leave it out unsaid
    const ingest = runCli(['ingest', inbox, '--db', join(inbox, '..', 'other.duckdb')]);
    expect([ingest.status, ingest.stderr.split('\n')[0]]).toEqual([1, `error: cannot recognise the format of ${join(inbox, 'README.txt')}.`]);
  });

  it('warns when the window holds no data, and still publishes the night', () => {
    const { inbox, out, db } = inboxWith(fixture('frames.csv'));
    const run = runCli(['nightly', inbox, '--db', db, '--out', out, '--until', '2026-06-01']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "warning    no data in the window: the database holds 2026-03-03T09:00:00.000Z to 2026-03-03T09:36:00.200Z; this night's report and exports are empty. Is the export that brings the logs late, or --until wrong?",
    );
  });
});
