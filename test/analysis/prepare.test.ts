import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { freshDb, rows, statuses, t } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

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
});
