import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { collectReportData } from '../../src/report/data.js';
import { runResult } from '../../src/analysis/results.js';
import { renderReport } from '../../src/report/render.js';
import { boots, freshDb, normalise, statuses, t, transactions } from '../analysis/helpers.js';

/** The report's own aggregate queries (queries/report/*.sql) on a few hand-made rows. */

let db: Database;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

const allData = { from: null, to: null };
const pick = (rows: Record<string, unknown>[], columns: string[]) => rows.map((r) => Object.fromEntries(columns.map((c) => [c, normalise(r[c])])));

/**
 * CP-A (two connectors) runs firmware 1.0 on 2 March and 2.0 from 3 March 00:00 until its data ends on 4 March
 * 00:00: one fault and two sessions on 1.0, two faults and one session on 2.0. CP-B (one connector, another make)
 * has one fault and no session in its one day of data.
 */
async function twoMakes(): Promise<void> {
  await boots(db, [
    { station: 'CP-A', at: '03-02 00:00', vendor: 'V', model: 'M', firmware: '1.0' },
    { station: 'CP-A', at: '03-03 00:00', vendor: 'V', model: 'M', firmware: '2.0' },
    { station: 'CP-B', at: '03-02 00:00', vendor: 'W', model: 'N', firmware: '9' },
  ]);
  await statuses(db, [
    { station: 'CP-A', at: '03-02 00:00', connector: 1, status: 'Available' },
    { station: 'CP-A', at: '03-02 00:00', connector: 2, status: 'Available' },
    { station: 'CP-A', at: '03-02 10:00', connector: 1, status: 'Faulted', code: 'GroundFailure' },
    { station: 'CP-A', at: '03-02 10:30', connector: 1, status: 'Available' },
    { station: 'CP-A', at: '03-03 10:00', connector: 2, status: 'Faulted', code: 'OverVoltage' },
    { station: 'CP-A', at: '03-03 10:10', connector: 2, status: 'Available' },
    { station: 'CP-A', at: '03-03 12:00', connector: 2, status: 'Faulted', code: 'OverVoltage' },
    { station: 'CP-A', at: '03-03 12:10', connector: 2, status: 'Available' },
    { station: 'CP-A', at: '03-04 00:00', connector: 1, status: 'Available' },
    { station: 'CP-B', at: '03-02 00:00', connector: 1, status: 'Available' },
    { station: 'CP-B', at: '03-02 12:00', connector: 1, status: 'Faulted', code: 'OtherError' },
    { station: 'CP-B', at: '03-02 13:00', connector: 1, status: 'Available' },
    { station: 'CP-B', at: '03-03 00:00', connector: 1, status: 'Available' },
  ]);
  await transactions(db, [
    { station: 'CP-A', connector: 1, id: 1, start: '03-02 14:00', stop: '03-02 15:00' },
    { station: 'CP-A', connector: 1, id: 2, start: '03-02 16:00', stop: '03-02 17:00' },
    { station: 'CP-A', connector: 1, id: 3, start: '03-03 14:00', stop: '03-03 15:00' },
  ]);
}

describe('report queries', () => {
  test('faults per vendor, model and firmware count per 100 sessions and per connector-day of the firmware that ran', async () => {
    await twoMakes();
    const data = await collectReportData(db, { window: allData });
    const columns = ['vendor', 'model', 'firmware_version', 'stations', 'connector_days', 'sessions', 'episodes', 'episodes_per_100_sessions', 'episodes_per_connector_day'];
    expect(pick(data.models.rows, columns)).toEqual([
      { vendor: 'V', model: 'M', firmware_version: '2.0', stations: 1, connector_days: 2, sessions: 1, episodes: 2, episodes_per_100_sessions: 200, episodes_per_connector_day: 1 },
      { vendor: 'W', model: 'N', firmware_version: '9', stations: 1, connector_days: 1, sessions: 0, episodes: 1, episodes_per_100_sessions: null, episodes_per_connector_day: 1 },
      { vendor: 'V', model: 'M', firmware_version: '1.0', stations: 1, connector_days: 2, sessions: 2, episodes: 1, episodes_per_100_sessions: 50, episodes_per_connector_day: 0.5 },
    ]);
  });

  test('the models export is the same table over every station, every column worked out', async () => {
    await twoMakes();
    const rows = (await runResult(db, 'models')).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normalise(v)])));
    const columns = ['vendor', 'model', 'firmware_version', 'stations', 'stations_affected', 'connector_days', 'sessions', 'episodes', 'faulted_episodes', 'lock_failures', 'stuck_locks', 'downtime_h', 'episodes_per_100_sessions', 'episodes_per_connector_day', 'downtime_share'];
    const row = (...values: unknown[]) => Object.fromEntries(columns.map((c, i) => [c, values[i]]));
    expect(rows).toEqual([
      // two 10 min OverVoltage episodes on 2.0: 1/3 h down in 2 connector-days (48 h)
      row('V', 'M', '2.0', 1, 1, 2, 1, 2, 2, 0, 0, 0.333, 200, 1, 0.00694),
      row('W', 'N', '9', 1, 1, 1, 0, 1, 1, 0, 0, 1, null, 1, 0.04167),
      row('V', 'M', '1.0', 1, 1, 2, 2, 1, 1, 0, 0, 0.5, 50, 0.5, 0.01042),
    ]);
    const data = await collectReportData(db, { window: allData });
    expect(data.models.rows.map((r) => Object.fromEntries(columns.map((c) => [c, normalise(r[c])])))).toEqual(rows);
  });

  test('the previous window counts only as far as the data reaches, and the page says how far', async () => {
    await twoMakes();
    // 36 h from 2 March 12:00; the 36 h before start on 1 March 00:00, and the data covers their last 12 h
    const data = await collectReportData(db, { window: { from: t('03-02 12:00'), to: t('03-04 00:00') } });
    expect(pick(data.headline, ['figure', 'current', 'previous', 'change', 'previous_coverage']).slice(0, 2)).toEqual([
      { figure: 'episodes', current: 3, previous: 1, change: 2, previous_coverage: 0.3333 },
      { figure: 'stations_affected', current: 2, previous: 1, change: 1, previous_coverage: 0.3333 },
    ]);
    const page = await renderReport(data, { generatedAt: new Date(0), version: 'test' });
    expect(page).toContain('The data covers only 33% of the previous window');
  });

  test('a window longer than 92 days is shown per week, weeks starting on Monday, empty weeks included', async () => {
    await statuses(db, [
      { station: 'CP-W', at: '2026-01-05T10:00:00Z', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { station: 'CP-W', at: '2026-01-05T10:05:00Z', connector: 1, status: 'Available' },
      { station: 'CP-W', at: '2026-01-07T10:00:00Z', connector: 1, status: 'Faulted', code: 'OverVoltage' },
      { station: 'CP-W', at: '2026-01-07T10:05:00Z', connector: 1, status: 'Available' },
      { station: 'CP-W', at: '2026-04-22T10:00:00Z', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { station: 'CP-W', at: '2026-04-22T10:05:00Z', connector: 1, status: 'Available' },
    ]);
    const data = await collectReportData(db, { window: allData });
    expect(data.window.bucket).toBe('week');
    expect(data.buckets).toHaveLength(16);
    for (const b of data.buckets) expect((b['bucket_start'] as Date).getUTCDay()).toBe(1);
    expect(pick([data.buckets[0]!, data.buckets[1]!, data.buckets[15]!], ['bucket_index', 'bucket_start', 'episodes', 'previous_episodes'])).toEqual([
      { bucket_index: 0, bucket_start: '2026-01-05T00:00:00.000Z', episodes: 2, previous_episodes: null },
      { bucket_index: 1, bucket_start: '2026-01-12T00:00:00.000Z', episodes: 0, previous_episodes: null },
      { bucket_index: 15, bucket_start: '2026-04-20T00:00:00.000Z', episodes: 1, previous_episodes: null },
    ]);
    expect(pick(data.trend, ['bucket_start', 'error_code', 'episodes'])).toEqual([
      { bucket_start: '2026-01-05T00:00:00.000Z', error_code: 'GroundFailure', episodes: 1 },
      { bucket_start: '2026-01-05T00:00:00.000Z', error_code: 'OverVoltage', episodes: 1 },
      { bucket_start: '2026-04-20T00:00:00.000Z', error_code: 'GroundFailure', episodes: 1 },
    ]);
    const page = await renderReport(data, { generatedAt: new Date(0), version: 'test' });
    expect(page).toContain('Episodes per week (weeks start on Monday, UTC)');
  });

  test('an --to end is exclusive: the day it opens is not a bucket, and the previous window lines up day by day', async () => {
    await twoMakes();
    const window = { from: t('03-03 00:00'), to: t('03-04 00:00') };
    const daily = await collectReportData(db, { window, limits: { hourlyMaxDays: 0 } });
    expect(daily.window.bucket).toBe('day');
    expect(pick(daily.buckets, ['bucket_start', 'episodes', 'previous_episodes'])).toEqual([
      { bucket_start: '2026-03-03T00:00:00.000Z', episodes: 2, previous_episodes: 2 },
    ]);
  });

  test('a window of up to three days is shown per hour, lined up hour by hour with the previous one', async () => {
    await twoMakes();
    const data = await collectReportData(db, { window: { from: t('03-03 00:00'), to: t('03-04 00:00') } });
    expect(data.window.bucket).toBe('hour');
    expect(data.buckets).toHaveLength(24);
    const busy = data.buckets.filter((b) => Number(b['episodes']) > 0 || Number(b['previous_episodes']) > 0);
    expect(pick(busy, ['bucket_index', 'bucket_start', 'episodes', 'previous_episodes'])).toEqual([
      { bucket_index: 10, bucket_start: '2026-03-03T10:00:00.000Z', episodes: 1, previous_episodes: 1 },
      { bucket_index: 12, bucket_start: '2026-03-03T12:00:00.000Z', episodes: 1, previous_episodes: 1 },
    ]);
  });
});
