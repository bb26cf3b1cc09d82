import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { cliPath, fixture, query, repoRoot, runCli, tempDir } from './helpers.js';

const counts = (dbPath: string) =>
  query(dbPath, `select (select count(*) from files) as files, (select count(*) from messages) as messages,
                        (select count(*) from status_notifications) as statuses, (select count(*) from rejects) as rejects`);

describe('the ocpp-faults program', () => {
  // npx and a global install run the bin file itself, so the build must leave it executable (a stale npx cache
  // entry for the same folder does not set the mode again, and the shell then says "Permission denied")
  it('runs as a program of its own, as npx and npm install -g call it', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
    expect(pkg.bin['ocpp-faults']).toBe('dist/src/cli.js');
    const run = spawnSync(cliPath, ['--version'], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });
});

describe('ingest command', () => {
  it('reads a directory: every supported file below it, gzip included, each format detected', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'nested'));
    copyFileSync(fixture('frames.csv'), join(dir, 'frames.csv'));
    copyFileSync(fixture('status.csv'), join(dir, 'nested/status.csv'));
    writeFileSync(join(dir, 'nested/steve.log.gz'), gzipSync(readFileSync(fixture('steve.log'))));
    writeFileSync(join(dir, 'notes.md'), 'not a log');
    const db = join(dir, 'db.duckdb');
    const run = runCli(['ingest', dir, '--db', db, '--json', '--tz', 'Europe/Berlin']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ files_ingested: 3, files_skipped: 0, messages: 11 + 5 + 5, duplicates: 1, rejected: 3 + 3 + 1, skipped_lines: 1 + 2 + 4 });
    expect(await query(db, `select format from files order by path`)).toEqual([{ format: 'frames-csv' }, { format: 'status-csv' }, { format: 'steve-log' }]);
  });

  it('skips a file it has ingested before and counts nothing for it', async () => {
    const db = join(tempDir(), 'db.duckdb');
    expect(runCli(['ingest', fixture('frames.csv'), '--db', db]).status).toBe(0);
    const again = runCli(['ingest', fixture('frames.csv'), '--db', db, '--json']);
    expect(JSON.parse(again.stdout)).toEqual({
      files_ingested: 0, files_skipped: 1, messages: 0, status_notifications: 0, duplicates: 0, rejected: 0, skipped_lines: 0, rejects: [], stored: true,
    });
    expect(await counts(db)).toEqual([{ files: 1, messages: 11, statuses: 2, rejects: 3 }]);
  });

  it('ingests a file of an ingested file’s size but other content, mixed line ends and all', async () => {
    const dir = tempDir();
    const line = (station: string, id: string) =>
      JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', chargeBoxId: station, direction: 'in', message: [2, id, 'Heartbeat', {}] });
    const a = `${line('CP-1', 'xa')}\n${line('CP-1', 'xb')}\n`;
    // one id a character shorter makes room for the CR of a CRLF line end
    const b = `${line('CP-2', 'x')}\r\n${line('CP-2', 'xb')}\n`;
    expect(Buffer.byteLength(b)).toBe(Buffer.byteLength(a));
    writeFileSync(join(dir, 'a.jsonl'), a);
    writeFileSync(join(dir, 'b.jsonl'), b);
    const db = join(dir, 'db.duckdb');
    expect(JSON.parse(runCli(['ingest', join(dir, 'a.jsonl'), '--db', db, '--json']).stdout)).toMatchObject({ files_ingested: 1, messages: 2 });
    expect(JSON.parse(runCli(['ingest', join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), '--db', db, '--json']).stdout)).toMatchObject({
      files_ingested: 1, files_skipped: 1, messages: 2, duplicates: 0, rejected: 0,
    });
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(await query(db, 'select sha256, lines, messages from files order by file_id')).toEqual([
      { sha256: sha256(a), lines: 2, messages: 2 },
      { sha256: sha256(b), lines: 2, messages: 2 },
    ]);
    expect(await query(db, `select station_id, unique_id, line_no from messages order by station_id, line_no`)).toEqual([
      { station_id: 'CP-1', unique_id: 'xa', line_no: 1 },
      { station_id: 'CP-1', unique_id: 'xb', line_no: 2 },
      { station_id: 'CP-2', unique_id: 'x', line_no: 1 },
      { station_id: 'CP-2', unique_id: 'xb', line_no: 2 },
    ]);
  });

  it('stores a message once when exports overlap, but keeps a re-sent status at a new time', async () => {
    const dir = tempDir();
    const line = (t: string, id: string) =>
      JSON.stringify({ timestamp: t, chargeBoxId: 'CP-9', direction: 'in', message: [2, id, 'StatusNotification', { connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted' }] });
    writeFileSync(join(dir, 'a.jsonl'), [line('2026-03-02T10:00:00Z', 'x'), line('2026-03-02T10:01:00Z', 'x')].join('\n') + '\n');
    // the overlap repeats 10:01 exactly (with other spacing in the frame), and the charger re-sends the same status at 10:02
    writeFileSync(
      join(dir, 'b.jsonl'),
      [
        '{"timestamp":"2026-03-02T10:01:00Z","chargeBoxId":"CP-9","direction":"in","message":[2, "x", "StatusNotification", {"connectorId": 1, "errorCode": "GroundFailure", "status": "Faulted"}]}',
        line('2026-03-02T10:02:00Z', 'x'),
      ].join('\n') + '\n',
    );
    const db = join(dir, 'db.duckdb');
    expect(JSON.parse(runCli(['ingest', join(dir, 'a.jsonl'), '--db', db, '--json']).stdout)).toMatchObject({ messages: 2, duplicates: 0 });
    expect(JSON.parse(runCli(['ingest', join(dir, 'b.jsonl'), '--db', db, '--json']).stdout)).toMatchObject({ messages: 1, duplicates: 1 });
    expect(await counts(db)).toEqual([{ files: 2, messages: 3, statuses: 3, rejects: 0 }]);
  });

  it('with --strict stores nothing when a line is rejected, and exits 3', async () => {
    const db = join(tempDir(), 'db.duckdb');
    const run = runCli(['ingest', fixture('frames.csv'), '--db', db, '--strict', '--json']);
    expect(run.status).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ files_ingested: 1, rejected: 3, stored: false });
    expect(run.stderr).toContain('nothing was stored');
    // the database did not exist before the run, and does not after it
    expect(existsSync(db)).toBe(false);
    expect(runCli(['ingest', fixture('steve.log'), '--db', db, '--strict']).status).toBe(3);
    expect(existsSync(db)).toBe(false);
  });

  it('a run that fails leaves no database it created, and an existing one as it was', async () => {
    const dir = tempDir();
    const db = join(dir, 'new.duckdb');
    const missing = runCli(['ingest', join(dir, 'nonexist.jsonl'), '--db', db]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`error: no such file or directory: ${join(dir, 'nonexist.jsonl')}\n`);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(`${db}.wal`)).toBe(false);
    expect(runCli(['ingest', fixture('status.csv'), '--db', db]).status).toBe(0);
    expect(runCli(['ingest', join(dir, 'nonexist.jsonl'), '--db', db]).status).toBe(1);
    expect(await counts(db)).toEqual([{ files: 1, messages: 0, statuses: 5, rejects: 3 }]);
  });

  it('keeps the lines of a gzip file cut short and rejects its incomplete last line', async () => {
    const dir = tempDir();
    const gz = gzipSync(readFileSync(fixture('jsonl-mixed.jsonl')));
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, gz.subarray(0, gz.length - 20));
    const run = runCli(['ingest', cut, '--db', join(dir, 'db.duckdb'), '--json']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    // the cut falls inside line 18 (the last): lines 1-17 are taken as from the whole file
    expect(json).toMatchObject({ messages: 9, duplicates: 1, skipped_lines: 1, rejected: 7 });
    expect(json.rejects.at(-1)).toEqual({ file: cut, line: 18, reason: 'gzip stream cut short: the last line is incomplete' });
  });

  it('rolls back every file of the run, earlier ones included, when the run does not complete', async () => {
    const dir = tempDir();
    const db = join(dir, 'db.duckdb');
    expect(runCli(['ingest', fixture('status.csv'), '--db', db]).status).toBe(0);
    // a.jsonl is clean; frames.csv, later in the same run, has rejected lines
    const clean = join(dir, 'a.jsonl');
    writeFileSync(clean, JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'h', 'Heartbeat', {}] }) + '\n');
    expect(runCli(['ingest', clean, '--db', join(dir, 'other.duckdb'), '--strict']).status).toBe(0);
    const run = runCli(['ingest', clean, fixture('frames.csv'), '--db', db, '--strict', '--json']);
    expect(run.status).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ files_ingested: 2, stored: false });
    expect(await counts(db)).toEqual([{ files: 1, messages: 0, statuses: 5, rejects: 3 }]);
  });

  it('says which formats it expected when it cannot recognise a file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mystery.txt'), 'hello\nworld\n');
    const run = runCli(['ingest', join(dir, 'mystery.txt'), '--db', join(dir, 'db.duckdb')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot recognise the format of');
    expect(run.stderr).toContain('mystery.txt');
    expect(run.stderr).toMatch(/ocpp-jsonl.*frames-csv.*status-csv.*steve-log/s);
  });

  it('writes a new database file in the storage format of DuckDB 1.3, and leaves an older file in its own', async () => {
    const dir = tempDir();
    const storageVersion = (db: string) =>
      query<{ tags: string }>(db, `select tags['storage_version'] as tags from duckdb_databases() where not internal and path is not null`);
    const fresh = join(dir, 'fresh.duckdb');
    expect(runCli(['ingest', fixture('frames.csv'), '--db', fresh]).status).toBe(0);
    expect(await storageVersion(fresh)).toEqual([{ tags: 'v1.3.0+' }]);

    const older = join(dir, 'older.duckdb');
    const instance = await DuckDBInstance.create(older);
    instance.closeSync();
    expect(runCli(['ingest', fixture('frames.csv'), '--db', older]).status).toBe(0);
    expect(await storageVersion(older)).toEqual([{ tags: 'v1.0.0+' }]);
    expect(await counts(older)).toEqual(await counts(fresh));
  });

  it('exits 2 on usage errors', () => {
    expect(runCli(['ingest']).status).toBe(2);
    expect(runCli(['ingest', fixture('steve.log'), '--format', 'xml']).status).toBe(2);
    const tz = runCli(['ingest', fixture('steve.log'), '--tz', 'Mars/Olympus']);
    expect(tz.status).toBe(2);
    expect(tz.stderr).toContain("unknown time zone 'Mars/Olympus'");
  });

  it('exits 1 on a missing input, with the path in the message', () => {
    const run = runCli(['ingest', '/nonexistent/exports', '--db', join(tempDir(), 'db.duckdb')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no such file or directory: /nonexistent/exports');
  });

  it('exits 1 on a --db in a folder that does not exist, naming the folder, and creates nothing', () => {
    const dir = tempDir();
    const run = runCli(['ingest', fixture('status.csv'), '--db', join(dir, 'no-such-folder', 'db.duckdb')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: no folder ${join(dir, 'no-such-folder')} for the database ${join(dir, 'no-such-folder', 'db.duckdb')}: ` +
        'create it, or give --db a path in a folder that exists\n',
    );
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
  });

  it('refuses to write a database another process holds, and harms nothing', async () => {
    const dir = tempDir();
    const db = join(dir, 'db.duckdb');
    expect(runCli(['ingest', fixture('status.csv'), '--db', db]).status).toBe(0);
    const holder = await DuckDBInstance.create(db);
    try {
      const run = runCli(['ingest', fixture('frames.csv'), '--db', db]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('database in use by another process');
    } finally {
      holder.closeSync();
    }
    expect(await counts(db)).toEqual([{ files: 1, messages: 0, statuses: 5, rejects: 3 }]);
  });

  it('summary and export while an ingest holds the database say so and exit 1, without a stack trace', async () => {
    const dir = tempDir();
    const db = join(dir, 'db.duckdb');
    expect(runCli(['ingest', fixture('status.csv'), '--db', db]).status).toBe(0);
    const holder = await DuckDBInstance.create(db);
    try {
      for (const args of [['summary'], ['export', join(dir, 'out')]]) {
        const run = runCli([...args, '--db', db]);
        expect(run.status).toBe(1);
        expect(run.stderr).toContain('database in use by another process');
        expect(run.stderr).toContain('Wait for that run to finish');
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      holder.closeSync();
    }
  });

  it('after a SIGKILL mid-ingest, the next run gives the same result as an uninterrupted one', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 150_000; i++) {
      const t = new Date(Date.UTC(2026, 2, 2) + i * 1000).toISOString();
      lines.push(JSON.stringify({ timestamp: t, chargeBoxId: `CP-${i % 50}`, direction: 'in', message: [2, `h${i}`, 'Heartbeat', {}] }));
    }
    writeFileSync(big, lines.join('\n') + '\n');
    const clean = join(dir, 'clean.duckdb');
    expect(runCli(['ingest', big, '--db', clean]).status).toBe(0);

    const killed = join(dir, 'killed.duckdb');
    // killed once the messages are written and before the commit, whatever the machine's speed: the trace says when
    const child = spawn(process.execPath, [cliPath, 'ingest', big, '--db', killed], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, OCPP_FAULTS_TRACE: '1' },
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ingest/insert_messages')) child.kill('SIGKILL');
    });
    expect(await exited).toBeNull();
    expect(child.signalCode).toBe('SIGKILL');
    const after = await counts(killed).catch(() => [{ files: 0, messages: 0, statuses: 0, rejects: 0 }]);
    // nothing of the run is there
    expect(after[0]).toMatchObject({ files: 0, messages: 0 });
    expect(runCli(['ingest', big, '--db', killed]).status).toBe(0);
    expect(await counts(killed)).toEqual(await counts(clean));
  }, 120_000);
});

describe('a wait that never ends', () => {
  it('ends the command with exit 1 and says so, where Node would stop with exit 13 and no word', () => {
    const dir = tempDir();
    // a read of one file that never gives a byte nor ends, holding nothing open: Node's event loop runs empty
    const preload = join(dir, 'hang.mjs');
    writeFileSync(
      preload,
      `import { createRequire, syncBuiltinESMExports } from 'node:module';
import { Readable } from 'node:stream';
const fs = createRequire(import.meta.url)('node:fs');
const original = fs.createReadStream;
fs.createReadStream = (path, options) => (String(path).endsWith('.hang.jsonl') ? new Readable({ read() {} }) : original(path, options));
syncBuiltinESMExports();
`,
    );
    const log = join(dir, 'day.hang.jsonl');
    writeFileSync(log, JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', chargeBoxId: 'CP-1', direction: 'in', message: [2, 'h', 'Heartbeat', {}] }) + '\n');
    const run = spawnSync(process.execPath, ['--import', preload, cliPath, 'ingest', log, '--db', join(dir, 'db.duckdb')], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'error: the command stopped before it finished, waiting on work that can no longer complete (a bug in ocpp-faults). ' +
        'An ingest stores nothing then. Run it again with --debug, and report it with the command and the files it read.\n',
    );
  });
});
