import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tableFromIPC } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { exportResults } from '../../src/export/export.js';
import { neutraliseFormula, writeCsv } from '../../src/export/csv.js';
import { describeTable, columnKind } from '../../src/export/columns.js';
import { exportedResults, materialiseResult, runResult, type ResultName } from '../../src/analysis/results.js';
import { commands, freshDb, statuses, transactions } from '../analysis/helpers.js';

let db: Database;
let dir: string;
beforeEach(async () => {
  db = await freshDb();
  dir = await mkdtemp(join(tmpdir(), 'ocpp-faults-export-'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const hostile = ['=HYPERLINK("http://x","y")', '<script>alert(1)</script>', '+1+2', '-5', '@SUM(A1)', '\tTAB', '\rCR', 'a, "quoted"\nsecond line'];

async function someFaults(): Promise<void> {
  await transactions(db, [{ connector: 1, id: 42, start: '09:00', stop: '10:00' }]);
  const rows = hostile.flatMap((info, i) => [
    { at: `1${i}:00`, connector: 2, status: 'Faulted', code: 'OtherError', info, vendorErrorCode: i === 3 ? '-5' : undefined },
    { at: `1${i}:10`, connector: 2, status: 'Available' },
  ]);
  await statuses(db, [
    ...rows,
    { at: '10:00:05', connector: 1, status: 'Finishing' },
    { at: '10:00:30', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
    { at: '10:30:00', connector: 1, status: 'Available' },
    { at: '10:31', connector: 0, status: 'Charging', code: 'Error' },
  ]);
  await commands(db, [{ connector: 1, action: 'UnlockConnector', at: '10:05', outcome: 'UnlockFailed' }]);
}

const contracts: Record<string, string[]> = {
  episodes: ['station_id', 'connector_id', 'error_code', 'status', 'started_at', 'ended_at', 'duration_s', 'open', 'notifications', 'info', 'vendor_id', 'vendor_error_code'],
  commonality: ['error_code', 'episodes', 'share', 'faulted_episodes', 'stations', 'connectors', 'median_duration_s', 'p90_duration_s', 'downtime_h', 'expected_commonality', 'observed_commonality'],
  recurrence: ['station_id', 'connector_id', 'error_code', 'episodes', 'first_seen', 'last_seen', 'distinct_days', 'median_gap_h', 'repeats_within_24h', 'mttr_s', 'mtbf_h', 'chronic'],
  lock_failures: ['station_id', 'connector_id', 'started_at', 'ended_at', 'duration_s', 'classification', 'reason', 'transaction_id', 'unlock_attempts', 'unlock_result', 'reset_attempts', 'vendor_error_code'],
  lock_connectors: ['station_id', 'connector_id', 'lock_failures', 'stuck_lock', 'driver_misuse', 'undetermined', 'plug_in_attempts', 'successful_sessions', 'mechanism_suspected'],
};

/** A cell as the export contract says it must read back. */
function expectedCell(kind: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (kind === 'text') return /^([\t\r]|[ \t\r\n]*[=+\-@])/.test(String(value)) ? `'${String(value)}` : String(value);
  return String(value);
}

describe('CSV export', { timeout: 30_000 }, () => {
  test('a hostile info round-trips through CSV neutralised, and every other cell reads back to its value', async () => {
    await someFaults();
    const files = await exportResults(db, dir, { format: 'csv' });
    expect(files.map((f) => f.name)).toEqual([...exportedResults]);
    expect((await readdir(dir)).sort()).toEqual([...exportedResults].map((n) => `${n}.csv`).sort());

    const episodes = parse(await readFile(join(dir, 'episodes.csv')), { columns: true }) as Record<string, string>[];
    const infos = episodes.filter((e) => e['connector_id'] === '2').map((e) => e['info']);
    expect(infos).toEqual([
      `'=HYPERLINK("http://x","y")`, '<script>alert(1)</script>', `'+1+2`, `'-5`, `'@SUM(A1)`, `'\tTAB`, `'\rCR`, 'a, "quoted"\nsecond line',
    ]);
    expect(episodes.find((e) => e['info'] === `'-5`)?.['vendor_error_code']).toBe(`'-5`);

    for (const name of exportedResults) {
      const table = await materialiseResult(db, name);
      const columns = await describeTable(db, table);
      const rows = await runResult(db, name);
      const parsed = parse(await readFile(join(dir, `${name}.csv`)), { columns: true }) as Record<string, string>[];
      expect(Object.keys(parsed[0] ?? Object.fromEntries(columns.map((c) => [c.name, ''])))).toEqual(columns.map((c) => c.name));
      expect(parsed).toHaveLength(rows.length);
      parsed.forEach((cells, i) => {
        for (const c of columns) {
          const kind = columnKind(c.type);
          const value = rows[i]![c.name];
          if (kind === 'float' || kind === 'integer' || kind === 'bigint') {
            expect(cells[c.name] === '' ? null : Number(cells[c.name]), `${name}.${c.name}`).toBe(value === null ? null : Number(value));
          } else {
            expect(cells[c.name], `${name}.${c.name}`).toBe(expectedCell(kind, value));
          }
        }
      });
    }
  });

  test('the contract columns come first, in order; times are ISO UTC ending in Z and booleans true/false', async () => {
    await someFaults();
    await exportResults(db, dir, { format: 'csv' });
    for (const [name, contract] of Object.entries(contracts)) {
      const [header] = parse(await readFile(join(dir, `${name}.csv`)), { to: 1 }) as string[][];
      expect(header!.slice(0, contract.length), name).toEqual(contract);
    }
    const episodes = parse(await readFile(join(dir, 'episodes.csv')), { columns: true }) as Record<string, string>[];
    for (const e of episodes) {
      expect(e['started_at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(['true', 'false']).toContain(e['open']);
    }
    const locks = parse(await readFile(join(dir, 'lock_failures.csv')), { columns: true }) as Record<string, string>[];
    expect(locks).toEqual([
      expect.objectContaining({ classification: 'stuck_lock', transaction_id: '42', unlock_attempts: '1', unlock_result: 'UnlockFailed', started_at: '2026-03-02T10:00:30.000Z' }),
    ]);
  });

  test('a negative number in a numeric column stays a number; the same text in a text column is neutralised', async () => {
    await db.run(`create temp table t as select -3.5::double as skew_s, -7::bigint as n, '-3.5' as note, cast(null as varchar) as empty, '' as blank`);
    await writeCsv(db, 't', join(dir, 't.csv'));
    expect(await readFile(join(dir, 't.csv'), 'utf8')).toBe(`skew_s,n,note,empty,blank\n-3.5,-7,'-3.5,,""\n`);
  });

  test('a formula after leading spaces or line breaks is neutralised too; text with a formula sign further in is not', async () => {
    await db.run(
      `create temp table f as select * from (values (1, ' =1+1'), (2, '  +A1'), (3, e'\\n=cmd|x'), (4, e' \\t@SUM(A1)'), (5, ' plain'), (6, 'a=b'), (7, ' ')) v(n, s)`,
    );
    await writeCsv(db, 'f', join(dir, 'f.csv'));
    const cells = (parse(await readFile(join(dir, 'f.csv')), { columns: true }) as Record<string, string>[]).map((r) => r['s']);
    expect(cells).toEqual([`' =1+1`, `'  +A1`, `'\n=cmd|x`, `' \t@SUM(A1)`, ' plain', 'a=b', ' ']);
    expect([' =1+1', '\r\n-2', ' plain', 'a=b', '\tx'].map(neutraliseFormula)).toEqual([`' =1+1`, `'\r\n-2`, ' plain', 'a=b', `'\tx`]);
  });
});

describe('Parquet and Arrow exports', { timeout: 30_000 }, () => {
  test('Parquet files keep the types and values', async () => {
    await someFaults();
    const files = await exportResults(db, dir, { format: 'parquet' });
    expect(files.find((f) => f.name === 'episodes')?.rows).toBe(hostile.length + 2);
    const back = await db.all(`select * from read_parquet('${join(dir, 'episodes.parquet')}')`);
    expect(back).toEqual(await runResult(db, 'episodes'));
    const types = await db.all<{ column_name: string; column_type: string }>(`describe select * from read_parquet('${join(dir, 'episodes.parquet')}')`);
    expect(types.find((t) => t.column_name === 'started_at')?.column_type).toBe('TIMESTAMP WITH TIME ZONE');
  });

  test('every Parquet file has the column types of its result: no count read back as a float', async () => {
    await someFaults();
    const files = await exportResults(db, dir, { format: 'parquet' });
    const typesOf = async (sql: string) => (await db.all<{ column_name: string; column_type: string }>(`describe ${sql}`)).map((t) => `${t.column_name} ${t.column_type}`);
    for (const file of files) {
      await materialiseResult(db, file.name as ResultName, {});
      // DuckDB's Parquet writer stores HUGEINT (what sum() of integers gives) as DOUBLE
      expect([file.name, await typesOf(`select * from read_parquet('${join(dir, `${file.name}.parquet`)}')`)]).toEqual([file.name, await typesOf(`select * from result_${file.name}`)]);
      expect([file.name, (await typesOf(`select * from result_${file.name}`)).filter((t) => t.endsWith('HUGEINT'))]).toEqual([file.name, []]);
    }
  });

  test('Arrow files use the IPC file format with typed columns', async () => {
    await someFaults();
    await exportResults(db, dir, { format: 'arrow', results: ['episodes', 'lock_failures'] });
    const bytes = await readFile(join(dir, 'episodes.arrow'));
    expect(bytes.subarray(0, 6).toString()).toBe('ARROW1');
    const table = tableFromIPC(bytes);
    const fields = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(fields).toMatchObject({ station_id: 'Utf8', connector_id: 'Int32', started_at: 'Timestamp<MILLISECOND, UTC>', duration_s: 'Float64', open: 'Bool', notifications: 'Int64' });
    const expected = await runResult(db, 'episodes');
    expect(table.numRows).toBe(expected.length);
    const first = table.get(0)!.toJSON();
    expect(first['station_id']).toBe(expected[0]!['station_id']);
    expect(first['started_at']).toBe((expected[0]!['started_at'] as Date).getTime());
    expect(first['info']).toBe(expected[0]!['info']);
  });
});

describe('an empty window', { timeout: 30_000 }, () => {
  test('a database with no data exports every table with its header and no rows', async () => {
    const files = await exportResults(db, dir, { format: 'csv' });
    expect(files.map((f) => [f.name, f.rows])).toEqual(
      exportedResults.map((n) => [n, n === 'commonality' ? 15 : n === 'remediation_fleet' ? 1 : 0]),
    );
    const [header] = parse(await readFile(join(dir, 'episodes.csv')), { to: 1 }) as string[][];
    expect(header!.slice(0, 3)).toEqual(['station_id', 'connector_id', 'error_code']);
  });

  test('a window after the data has no episodes, even open ones', async () => {
    await statuses(db, [{ at: '10:00', connector: 1, status: 'Faulted', code: 'GroundFailure' }]);
    expect(await runResult(db, 'episodes', { window: { from: '2026-04-01T00:00:00.000Z', to: null } })).toEqual([]);
    expect(await runResult(db, 'episodes')).toHaveLength(1);
  });
});
