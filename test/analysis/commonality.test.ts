import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { freshDb, rows, statuses, t, type StatusRow } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

/** An episode of `code` from `at` lasting `minutes`, on its own connector so episodes never touch. */
function episode(at: string, code: string, minutes: number, options: Partial<StatusRow> = {}): StatusRow[] {
  const end = new Date(Date.parse(t(at)) + minutes * 60_000).toISOString();
  return [
    { at, connector: 1, status: 'Faulted', code, ...options },
    { at: end, connector: 1, status: 'Available', station: options.station },
  ];
}

describe('commonality', { timeout: 30_000 }, () => {
  test('each code gets its share, faulted episodes, spread, durations and the brief beside the observation', async () => {
    await statuses(db, [
      ...episode('10:00', 'GroundFailure', 1),
      ...episode('11:00', 'GroundFailure', 2),
      ...episode('12:00', 'GroundFailure', 10, { station: 'CP-2', status: 'SuspendedEVSE' }),
      ...episode('13:00', 'ConnectorLockFailure', 3),
      ...episode('14:00', 'Error', 5),
    ]);
    const all = await rows(db, 'commonality', [
      'error_code', 'episodes', 'share', 'faulted_episodes', 'stations', 'connectors', 'median_duration_s', 'p90_duration_s', 'downtime_h',
      'expected_commonality', 'observed_commonality', 'differs',
    ]);
    expect(all.slice(0, 4)).toEqual([
      // 3 of 5 episodes; p90 of 60, 120, 600 s = 120 + 0.8 * 480; downtime is Faulted time only (1 + 2 min)
      { error_code: 'GroundFailure', episodes: 3, share: 0.6, faulted_episodes: 2, stations: 2, connectors: 2, median_duration_s: 120, p90_duration_s: 504,
        downtime_h: 0.05, expected_commonality: 'Frequent', observed_commonality: 'Very Frequently', differs: true },
      { error_code: 'ConnectorLockFailure', episodes: 1, share: 0.2, faulted_episodes: 1, stations: 1, connectors: 1, median_duration_s: 180, p90_duration_s: 180,
        downtime_h: 0.05, expected_commonality: 'Very Frequently', observed_commonality: 'Very Frequently', differs: false },
      // a code outside OCPP 1.6 has no expectation to differ from
      { error_code: 'Error', episodes: 1, share: 0.2, faulted_episodes: 1, stations: 1, connectors: 1, median_duration_s: 300, p90_duration_s: 300,
        downtime_h: 300 / 3600, expected_commonality: null, observed_commonality: 'Very Frequently', differs: null },
      { error_code: 'EVCommunicationError', episodes: 0, share: 0, faulted_episodes: 0, stations: 0, connectors: 0, median_duration_s: null, p90_duration_s: null,
        downtime_h: 0, expected_commonality: 'Low', observed_commonality: 'Low', differs: false },
    ].map((r) => ({ ...r, downtime_h: Math.round(r.downtime_h * 1e6) / 1e6 })));
    // every OCPP 1.6 code but NoError is listed, plus the unknown one
    expect(all.map((r) => r['error_code']).sort()).toEqual([
      'ConnectorLockFailure', 'EVCommunicationError', 'Error', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'OtherError',
      'OverCurrentFailure', 'OverVoltage', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'WeakSignal',
    ]);
    expect(all.find((r) => r['error_code'] === 'OverVoltage')).toMatchObject({ episodes: 0, expected_commonality: 'Frequent', observed_commonality: 'Low', differs: true });
  });

  test('a code between the two share thresholds is Frequent', async () => {
    const many: StatusRow[] = [];
    for (let i = 0; i < 19; i++) many.push(...episode(`03-${String(3 + i).padStart(2, '0')} 10:00`, 'OtherError', 1));
    many.push(...episode('03-02 10:00', 'ReaderFailure', 1)); // 1 of 20 = 0.05
    await statuses(db, many);
    expect((await rows(db, 'commonality', ['error_code', 'share', 'observed_commonality'])).slice(0, 2)).toEqual([
      { error_code: 'OtherError', share: 0.95, observed_commonality: 'Very Frequently' },
      { error_code: 'ReaderFailure', share: 0.05, observed_commonality: 'Frequent' },
    ]);
  });

  test('a window with no episodes gives every code zero episodes and no observed level', async () => {
    await statuses(db, [{ at: '10:00', connector: 1, status: 'Available' }]);
    const all = await rows(db, 'commonality', ['episodes', 'share', 'observed_commonality', 'differs']);
    expect(all).toHaveLength(15);
    expect(all[0]).toEqual({ episodes: 0, share: null, observed_commonality: null, differs: null });
  });
});

describe('recurrence', { timeout: 30_000 }, () => {
  test('three episodes of a code on one connector within seven days make it chronic there', async () => {
    await statuses(db, [
      ...episode('03-01 10:00', 'GroundFailure', 10),
      ...episode('03-01 20:00', 'GroundFailure', 10),
      ...episode('03-05 10:00', 'GroundFailure', 10),
      ...episode('03-20 10:00', 'GroundFailure', 10),
    ]);
    expect(
      await rows(db, 'recurrence', [
        'station_id', 'connector_id', 'error_code', 'episodes', 'first_seen', 'last_seen', 'distinct_days', 'median_gap_h', 'repeats_within_24h', 'mttr_s', 'mtbf_h', 'chronic',
      ]),
    ).toEqual([
      {
        station_id: 'CP-1', connector_id: 1, error_code: 'GroundFailure', episodes: 4, first_seen: t('03-01 10:00'), last_seen: t('03-20 10:00'), distinct_days: 3,
        // gaps from each end to the next start: 9 h 50 min, 85 h 50 min, 359 h 50 min
        median_gap_h: 85.833, repeats_within_24h: 1, mttr_s: 600,
        // the data spans 03-01 10:00 to 03-20 10:10 = 456 h 10 min, over 4 episodes
        mtbf_h: 114.042, chronic: true,
      },
    ]);
  });

  test('an episode that started before the window counts in the episodes but not in recurrence', async () => {
    await statuses(db, [
      { at: '03-01 00:00', connector: 1, status: 'Available' },
      // runs from the day before into the window
      ...episode('03-01 23:00', 'GroundFailure', 120),
      ...episode('03-02 10:00', 'GroundFailure', 10),
      // after the window
      ...episode('03-03 10:00', 'GroundFailure', 10),
      // a code whose only episode runs on from before the window has no recurrence row
      { at: '03-01 00:00', connector: 2, status: 'Available' },
      ...episode('03-01 22:00', 'OverVoltage', 180, { connector: 2 }),
    ]);
    const window = { from: t('03-02 00:00'), to: t('03-03 00:00') };
    expect(await rows(db, 'episodes', ['connector_id', 'error_code', 'started_at'], { window })).toEqual([
      { connector_id: 1, error_code: 'GroundFailure', started_at: t('03-01 23:00') },
      { connector_id: 1, error_code: 'GroundFailure', started_at: t('03-02 10:00') },
      { connector_id: 2, error_code: 'OverVoltage', started_at: t('03-01 22:00') },
    ]);
    expect(
      await rows(db, 'recurrence', [
        'connector_id', 'error_code', 'episodes', 'first_seen', 'last_seen', 'distinct_days', 'median_gap_h', 'repeats_within_24h', 'mttr_s', 'mtbf_h', 'chronic', 'max_episodes_in_chronic_window',
      ], { window }),
    ).toEqual([
      {
        connector_id: 1, error_code: 'GroundFailure', episodes: 1, first_seen: t('03-02 10:00'), last_seen: t('03-02 10:00'), distinct_days: 1, median_gap_h: null,
        repeats_within_24h: 0, mttr_s: 600, mtbf_h: 24, chronic: false, max_episodes_in_chronic_window: 1,
      },
    ]);
  });

  test('episodes a week or more apart are not chronic', async () => {
    await statuses(db, [
      ...episode('03-01 10:00', 'PowerMeterFailure', 10),
      ...episode('03-08 10:00', 'PowerMeterFailure', 10),
      ...episode('03-15 10:00', 'PowerMeterFailure', 10),
    ]);
    expect(await rows(db, 'recurrence', ['episodes', 'repeats_within_24h', 'chronic', 'max_episodes_in_chronic_window'])).toEqual([
      { episodes: 3, repeats_within_24h: 0, chronic: false, max_episodes_in_chronic_window: 2 },
    ]);
  });

  test('the chronic rule is configurable', async () => {
    await statuses(db, [...episode('03-01 10:00', 'OtherError', 1), ...episode('03-02 10:00', 'OtherError', 1)]);
    expect(await rows(db, 'recurrence', ['chronic'], { config: { chronicMinEpisodes: 2 } })).toEqual([{ chronic: true }]);
    expect(await rows(db, 'recurrence', ['chronic'])).toEqual([{ chronic: false }]);
  });

  test('stations are ranked by downtime, then chronic codes, then episodes', async () => {
    await statuses(db, [
      // CP-A: one hour of downtime, nothing chronic
      ...episode('03-01 10:00', 'GroundFailure', 60, { station: 'CP-A' }),
      // CP-B: half an hour of downtime over three episodes in a day: chronic
      ...episode('03-01 10:00', 'OtherError', 10, { station: 'CP-B' }),
      ...episode('03-01 12:00', 'OtherError', 10, { station: 'CP-B' }),
      ...episode('03-01 14:00', 'OtherError', 10, { station: 'CP-B' }),
      // CP-C: one hour of downtime and chronic
      ...episode('03-01 10:00', 'UnderVoltage', 20, { station: 'CP-C' }),
      ...episode('03-01 12:00', 'UnderVoltage', 20, { station: 'CP-C' }),
      ...episode('03-01 14:00', 'UnderVoltage', 20, { station: 'CP-C' }),
      // CP-D: no downtime (not Faulted)
      ...episode('03-01 10:00', 'EVCommunicationError', 60, { station: 'CP-D', status: 'SuspendedEVSE' }),
    ]);
    expect(await rows(db, 'stations', ['rank', 'station_id', 'episodes', 'downtime_h', 'chronic', 'chronic_code_list', 'mttr_s', 'top_code'])).toEqual([
      { rank: 1, station_id: 'CP-C', episodes: 3, downtime_h: 1, chronic: true, chronic_code_list: 'UnderVoltage', mttr_s: 1200, top_code: 'UnderVoltage' },
      { rank: 2, station_id: 'CP-A', episodes: 1, downtime_h: 1, chronic: false, chronic_code_list: null, mttr_s: 3600, top_code: 'GroundFailure' },
      { rank: 3, station_id: 'CP-B', episodes: 3, downtime_h: 0.5, chronic: true, chronic_code_list: 'OtherError', mttr_s: 600, top_code: 'OtherError' },
      { rank: 4, station_id: 'CP-D', episodes: 1, downtime_h: 0, chronic: false, chronic_code_list: null, mttr_s: 3600, top_code: 'EVCommunicationError' },
    ]);
  });
});
