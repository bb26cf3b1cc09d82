import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { duckdb } from '../../src/db/duckdb.js';
import { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrations.js';
import { CliError } from '../../src/errors.js';
import { summaryCommand, formatSummary, summaryJson } from '../../src/commands/summary.js';
import { exportCommand } from '../../src/commands/export.js';
import { buildSummary } from '../../src/analysis/summary.js';
import type { Output } from '../../src/tty.js';
import { commands, statuses, transactions } from '../analysis/helpers.js';

let dir: string;
let dbPath: string;

function recorder(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), interactive: false };
}

async function run(command: ReturnType<typeof summaryCommand>, args: string[]): Promise<void> {
  await command.exitOverride().parseAsync(args, { from: 'user' });
}

async function errorOf(work: Promise<unknown>): Promise<CliError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ocpp-faults-commands-'));
  dbPath = join(dir, 'fleet.duckdb');
  const db = await Database.open(dbPath);
  await migrate(db);
  await transactions(db, [{ connector: 1, id: 42, start: '09:00', stop: '10:00' }]);
  await statuses(db, [
    { at: '10:00:05', connector: 1, status: 'Finishing' },
    { at: '10:00:30', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
    { at: '10:30:00', connector: 1, status: 'Available' },
    ...[11, 13, 15].flatMap((h) => [
      { at: `${h}:00`, connector: 2, status: 'Faulted', code: 'GroundFailure' },
      { at: `${h}:30`, connector: 2, status: 'Available' },
    ]),
    { at: '16:00', connector: 1, status: 'Faulted', code: 'Error' },
    { at: '16:01', connector: 1, status: 'Available' },
  ]);
  await commands(db, [{ connector: 1, action: 'UnlockConnector', at: '10:05', outcome: 'Unlocked' }]);
  db.close();
}, 30_000);
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('summary', { timeout: 30_000 }, () => {
  test('--json prints one JSON object with the window, top codes, chronic stations, lock failures and data quality', async () => {
    const output = recorder();
    await run(summaryCommand(output), ['--db', dbPath, '--json']);
    expect(output.stdout).toHaveLength(1);
    const json = JSON.parse(output.stdout[0]!);
    expect(Object.keys(json)).toEqual(['window', 'totals', 'top_codes', 'chronic_stations', 'lock_failures', 'remediation', 'data_quality']);
    expect(json.window).toMatchObject({ window_start: '2026-03-02T10:00:05.000Z', window_end: '2026-03-02T16:01:00.000Z', requested_from: null });
    expect(json.totals).toMatchObject({ episodes: 5, stations_affected: 1, chronic_stations: 1 });
    expect(json.top_codes.map((c: { error_code: string }) => c.error_code)).toEqual(['GroundFailure', 'ConnectorLockFailure', 'Error']);
    expect(json.chronic_stations).toEqual([expect.objectContaining({ station_id: 'CP-1', chronic_code_list: 'GroundFailure', last_seen: '2026-03-02T16:00:00.000Z' })]);
    expect(json.lock_failures).toEqual({ lock_failures: 1, stuck_lock: 1, driver_misuse: 0, undetermined: 0, mechanism_suspected_connectors: 0 });
    expect(json.remediation).toMatchObject({ stuck_locks: 1, freed_by_unlock: 0, with_unlock_attempt: 1 });
    expect(json.data_quality).toEqual([expect.objectContaining({ finding: 'unknown_error_code', count: 1, stations: 1 })]);
  });

  test('the tables show the same data as --json', async () => {
    const db = await Database.open(dbPath, { readOnly: true });
    const summary = await buildSummary(db, {});
    db.close();
    const text = formatSummary(summary);
    expect(text).toContain('Window 2026-03-02T10:00:05.000Z to 2026-03-02T16:01:00.000Z (6.01 h): 5 error episodes (0 still open) on 1 station, 2.01 h Faulted.');
    expect(text).toMatch(/Top error codes\nerror code +episodes +share/);
    expect(text).toMatch(/GroundFailure +3 +60\.0%/);
    expect(text).toMatch(/Top chronic stations\nfleet rank +station/);
    expect(text).toMatch(/stuck_lock +1/);
    expect(text).toMatch(/unknown_error_code +1 +1 +0/);
    expect(summaryJson(summary)['top_codes']).toHaveLength(3);
  });

  test('median and MTTR seconds are whole seconds, so the column lines up', () => {
    const summary = {
      window: { window_start: new Date('2026-03-02T00:00:00Z'), window_end: new Date('2026-03-03T00:00:00Z'), window_h: 24 },
      totals: { episodes: 3, open_episodes: 0, stations_affected: 2, downtime_h: 1 },
      top_codes: [
        { error_code: 'PowerMeterFailure', episodes: 2, share: 0.6667, faulted_episodes: 2, stations: 2, median_duration_s: 2913.5, downtime_h: 1.62, expected_commonality: 'Frequent', observed_commonality: 'Low', differs: true },
        { error_code: 'OverVoltage', episodes: 1, share: 0.3333, faulted_episodes: 1, stations: 1, median_duration_s: 131, downtime_h: 0.04, expected_commonality: 'Frequent', observed_commonality: 'Low', differs: true },
      ],
      chronic_stations: [{ rank: 1, station_id: 'CP-1', episodes: 3, downtime_h: 1, chronic_code_list: 'OverVoltage', mttr_s: 4989.88, last_seen: new Date('2026-03-02T12:00:00Z') }],
      lock_failures: { stuck_lock: 0, driver_misuse: 0, undetermined: 0 },
      remediation: {},
      data_quality: [],
    };
    const lines = formatSummary(summary).split('\n');
    expect(lines.find((l) => l.startsWith('PowerMeterFailure'))).toMatch(/ 2 +2 +2,914 +1\.62 /);
    expect(lines.find((l) => l.startsWith('OverVoltage'))).toMatch(/ 1 +1 +131 +0\.04 /);
    expect(lines.find((l) => l.includes('CP-1'))).toMatch(/OverVoltage +4,990 +2026-03-02T12:00:00\.000Z/);
  });

  test('--from/--to narrow the window', async () => {
    const output = recorder();
    await run(summaryCommand(output), ['--db', dbPath, '--json', '--from', '2026-03-02T12:00', '--to', '2026-03-02T14:00Z']);
    const json = JSON.parse(output.stdout[0]!);
    expect(json.window).toMatchObject({ requested_from: '2026-03-02T12:00:00.000Z', window_start: '2026-03-02T12:00:00.000Z', window_end: '2026-03-02T14:00:00.000Z' });
    expect(json.totals.episodes).toBe(1);
  });

  test('a bad --from is a usage error with exit code 2 that names the format', async () => {
    const error = await errorOf(run(summaryCommand(recorder()), ['--db', dbPath, '--from', '2026-3-1']));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe("--from: '2026-3-1' is not a date or time; use an ISO 8601 date or time in UTC, e.g. 2026-03-01 or 2026-03-01T08:00:00Z");
  });

  test('a missing database is a clear error, not a new empty file', async () => {
    const error = await errorOf(run(summaryCommand(recorder()), ['--db', join(dir, 'nope.duckdb')]));
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^no database at .*nope\.duckdb: run 'ocpp-faults ingest/);
    expect(await readdir(dir)).toEqual(['fleet.duckdb']);
  });

  test('a SQLite file as --db is named as one, and nothing is fetched from the network to read it', async () => {
    const sqlite = join(dir, 'other-tool.db');
    await writeFile(sqlite, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080)]));
    const error = await errorOf(run(summaryCommand(recorder()), ['--db', sqlite]));
    expect(error.exitCode).toBe(1);
    // DuckDB had tried to download its SQLite extension and failed with that download's error
    expect(error.message).toBe(`cannot open database ${sqlite}: it is a SQLite database, not a DuckDB file\nCheck the --db path points at an ocpp-faults DuckDB file.`);
  });

  test('a DuckDB file of another tool is named as not ours, with no advice to write our tables into it', async () => {
    const other = join(dir, 'other-tool.duckdb');
    const instance = await duckdb.DuckDBInstance.create(other);
    const connection = await instance.connect();
    await connection.run('create table readings (x integer)');
    connection.closeSync();
    instance.closeSync();
    const error = await errorOf(run(summaryCommand(recorder()), ['--db', other]));
    expect([error.exitCode, error.message]).toEqual([1, `${other} is not an ocpp-faults database (no schema): give --db the file 'ocpp-faults ingest' wrote, or ingest logs into a new one.`]);
  });

  test('a window wholly after or before the data is an empty window at its bound, and says where the data is', async () => {
    const note = 'No data in the window: the database holds 2026-03-02T10:00:05.000Z to 2026-03-02T16:01:00.000Z. Choose --from and --to within that.';
    for (const [args, at] of [
      [['--from', '2027-01-01'], '2027-01-01T00:00:00.000Z'],
      [['--to', '2025-01-01'], '2025-01-02T00:00:00.000Z'],
    ] as const) {
      const output = recorder();
      await run(summaryCommand(output), ['--db', dbPath, ...args]);
      expect(output.stdout[0]!.split('\n').slice(0, 2)).toEqual([`Window ${at} to ${at} (0.00 h): 0 error episodes (0 still open) on 0 stations, 0.00 h Faulted.`, note]);
    }
  });

  test('an empty database is an error that says what to run, for summary and export alike, and nothing is written', async () => {
    const empty = join(dir, 'empty.duckdb');
    const db = await Database.open(empty);
    await migrate(db);
    db.close();
    const message = `the database ${empty} holds no data yet: run 'ocpp-faults ingest <files> --db ${empty}' first`;
    const output = recorder();
    for (const json of [[], ['--json']]) {
      const error = await errorOf(run(summaryCommand(output), ['--db', empty, ...json]));
      expect([error.exitCode, error.message]).toEqual([1, message]);
    }
    const exported = join(dir, 'out');
    const error = await errorOf(run(exportCommand(output), [exported, '--db', empty]));
    expect([error.exitCode, error.message]).toEqual([1, message]);
    expect(output.stdout).toEqual([]);
    expect(await readdir(dir)).toEqual(['empty.duckdb', 'fleet.duckdb']);
  });

  test('read-only: two summaries can hold the database at once', async () => {
    const first = await Database.open(dbPath, { readOnly: true });
    try {
      const output = recorder();
      await run(summaryCommand(output), ['--db', dbPath, '--json']);
      expect(JSON.parse(output.stdout[0]!).totals.episodes).toBe(5);
    } finally {
      first.close();
    }
  });
});

describe('export', { timeout: 30_000 }, () => {
  test('writes one file per table in the chosen format and lists them', async () => {
    const out = join(dir, 'out');
    const output = recorder();
    await run(exportCommand(output), [out, '--db', dbPath, '--format', 'parquet', '--from', '2026-03-02']);
    expect((await readdir(out)).sort()).toEqual(
      ['commonality', 'data_quality', 'data_quality_models', 'episodes', 'lock_connectors', 'lock_failures', 'models', 'recurrence', 'remediation', 'remediation_fleet', 'stations', 'uptime'].map((n) => `${n}.parquet`),
    );
    expect(output.stdout.join('\n')).toMatch(/episodes +5 /);
  });

  test('csv is the default format', async () => {
    const out = join(dir, 'csv');
    await run(exportCommand(recorder()), [out, '--db', dbPath]);
    expect(await readdir(out)).toContain('lock_failures.csv');
  });

  test('a bad --to is a usage error with exit code 2', async () => {
    const error = await errorOf(run(exportCommand(recorder()), [join(dir, 'x'), '--db', dbPath, '--to', 'tomorrow']));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('--to');
  });
});
