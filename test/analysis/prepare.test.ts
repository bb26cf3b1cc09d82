import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { narrowToStations } from '../../src/analysis/results.js';
import { freshDb, rows, statuses, t } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

/** The temp tables DuckDB holds for episodes (one a window kept; the plain name is a view), with the ids it gave them. */
async function episodeTables(): Promise<Record<string, number>> {
  const tables = await db.all<{ name: string; id: number }>(
    `select table_name as name, table_oid as id from duckdb_tables() where temporary and table_name like 'episodes%' order by name`,
  );
  return Object.fromEntries(tables.map((r) => [r.name, r.id]));
}

/** CP-1: GroundFailure 10:00-10:10; CP-2: HighTemperature 11:00-11:30. */
async function faultOnEachOfTwoStations(): Promise<void> {
  await statuses(db, [
    { at: '10:00', station: 'CP-1', connector: 1, status: 'Faulted', code: 'GroundFailure' },
    { at: '10:10', station: 'CP-1', connector: 1, status: 'Available' },
    { at: '11:00', station: 'CP-2', connector: 1, status: 'Faulted', code: 'HighTemperature' },
    { at: '11:30', station: 'CP-2', connector: 1, status: 'Available' },
  ]);
}

/** The id DuckDB gave the temp table status_changes when it was last created (create or replace gives a new one). */
async function statusChangesId(): Promise<number> {
  const row = await db.one<{ id: number }>(`select table_oid as id from duckdb_tables() where table_name = 'status_changes' and temporary`);
  return row.id;
}

describe('the analysis prepared for one window after another, as report and nightly do', { timeout: 30_000 }, () => {
  test('builds the status changes, which read no window, once; and again when the data change', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Available' },
      { at: '10:05', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { at: '10:20', connector: 1, status: 'Available' },
    ]);
    const columns = ['error_code', 'started_at', 'duration_s'];
    const groundFailure = { error_code: 'GroundFailure', started_at: t('10:05'), duration_s: 900 };

    expect(await rows(db, 'episodes', columns)).toEqual([groundFailure]);
    const built = await statusChangesId();
    expect(await rows(db, 'episodes', columns, { window: { from: t('09:00'), to: t('10:04') } })).toEqual([]);
    expect(await rows(db, 'episodes', columns, { window: { from: t('10:00'), to: t('10:30') } })).toEqual([groundFailure]);
    expect(await statusChangesId()).toBe(built);

    await statuses(db, [
      { at: '10:30', connector: 1, status: 'Faulted', code: 'HighTemperature' },
      { at: '10:40', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'episodes', columns, { window: { from: t('10:00'), to: t('10:30') } })).toEqual([groundFailure]);
    expect(await statusChangesId()).not.toBe(built);
    expect(await rows(db, 'episodes', columns)).toEqual([groundFailure, { error_code: 'HighTemperature', started_at: t('10:30'), duration_s: 600 }]);
  });

  test('keeps the last two windows: going back to one reuses its tables; a third drops the oldest', async () => {
    await faultOnEachOfTwoStations();
    const columns = ['station_id', 'error_code', 'duration_s'];
    const first = { window: { from: t('09:00'), to: t('10:30') } };
    const second = { window: { from: t('10:30'), to: t('12:00') } };
    const groundFailure = { station_id: 'CP-1', error_code: 'GroundFailure', duration_s: 600 };
    const highTemperature = { station_id: 'CP-2', error_code: 'HighTemperature', duration_s: 1800 };

    expect(await rows(db, 'episodes', columns, first)).toEqual([groundFailure]);
    expect(await rows(db, 'episodes', columns, second)).toEqual([highTemperature]);
    const both = await episodeTables();
    expect(Object.keys(both)).toHaveLength(2);
    expect(await rows(db, 'episodes', columns, first)).toEqual([groundFailure]);
    expect(await rows(db, 'episodes', columns, second)).toEqual([highTemperature]);
    expect(await episodeTables()).toEqual(both);

    expect(await rows(db, 'episodes', columns)).toEqual([groundFailure, highTemperature]);
    const after = await episodeTables();
    expect(Object.keys(after)).toHaveLength(2);
    // the second window's table is kept, the first one's dropped
    expect(Object.entries(after).filter(([name, id]) => both[name] === id)).toHaveLength(1);
  });

  test('a window narrowed to some stations is not reused: the next call for it gets every station again', async () => {
    await faultOnEachOfTwoStations();
    await db.run(`create temp table only_cp2 as select 'CP-2' as station_id`);
    const columns = ['station_id', 'error_code'];
    const window = { window: { from: t('09:00'), to: t('12:00') } };
    const every = [
      { station_id: 'CP-1', error_code: 'GroundFailure' },
      { station_id: 'CP-2', error_code: 'HighTemperature' },
    ];

    expect(await rows(db, 'episodes', columns, window)).toEqual(every);
    await narrowToStations(db, ['episodes'], 'only_cp2');
    expect(await rows(db, 'episodes', columns, window)).toEqual([every[1]]);
    expect(await rows(db, 'episodes', columns)).toEqual(every);
    expect(await rows(db, 'episodes', columns, window)).toEqual(every);
  });
});
