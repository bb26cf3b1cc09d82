import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { commands, freshDb, rows, statuses, t } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

/** The day of 2026-03-02 (UTC) as the window. */
const day = { window: { from: t('00:00'), to: t('03-03 00:00') } };

const figures = ['station_id', 'connector_id', 'window_minutes', 'faulted_min', 'unavailable_min', 'offline_min', 'outage_min', 'excluded_min', 'uptime_pct', 'below_target'];
const outageColumns = ['connector_id', 'started_at', 'ended_at', 'minutes', 'cause', 'faulted_min', 'unavailable_min', 'offline_min', 'error_codes', 'station_wide', 'open'];

/**
 * Messages from station CP-1 every `everyMin` minutes from `from` to `to` (both included), leaving out the times
 * strictly inside each [start, end] gap: the station's heartbeats.
 */
async function heartbeats(from: string, to: string, gaps: [string, string][] = [], everyMin = 5, station = 'CP-1'): Promise<void> {
  const cut = gaps.map(([a, b]) => `(received_at > cast('${t(a)}' as timestamptz) and received_at < cast('${t(b)}' as timestamptz))`).join(' or ');
  await db.run(
    `insert into messages
     select $station, received_at, 'in', 2, 'hb', 'Heartbeat', '{}', null, null, 0, 1, 0
     from (select unnest(generate_series(cast($from as timestamptz), cast($to as timestamptz), to_minutes(cast($every as bigint)))) as received_at)
     where not (${cut || 'false'})`,
    { station, from: t(from), to: t(to), every: everyMin },
  );
}

/** The heartbeat interval the central system gave the station when it booted. */
async function bootedWith(at: string, intervalS: number, status = 'Accepted'): Promise<void> {
  await db.run(`insert into station_boots values ('CP-1', cast($at as timestamptz), 'V', 'M', '1.0', null, $status, $interval)`, {
    at: t(at),
    status,
    interval: intervalS,
  });
}

describe('uptime', { timeout: 30_000 }, () => {
  test('a connector Faulted 30 minutes in a 24 h window has 97.92 % uptime', async () => {
    await statuses(db, [
      { at: '00:00', connector: 1, status: 'Available' },
      { at: '10:00', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { at: '10:30', connector: 1, status: 'Available' },
      { at: '03-03 00:00', connector: 1, status: 'Available' },
    ]);
    // (1440 - 30) / 1440 * 100 = 97.9166...
    expect(await rows(db, 'uptime', [...figures, 'outages', 'offline_tracked'], day)).toEqual([
      {
        station_id: 'CP-1', connector_id: 1, window_minutes: 1440, faulted_min: 30, unavailable_min: 0, offline_min: 0, outage_min: 30, excluded_min: 0,
        uptime_pct: 97.92, below_target: false, outages: 1, offline_tracked: false,
      },
    ]);
    expect(await rows(db, 'uptime_outages', outageColumns, day)).toEqual([
      {
        connector_id: 1, started_at: t('10:00'), ended_at: t('10:30'), minutes: 30, cause: 'faulted', faulted_min: 30, unavailable_min: 0, offline_min: 0,
        error_codes: 'GroundFailure', station_wide: false, open: false,
      },
    ]);
  });

  test('connector 0 Faulted takes every connector of the station down, and overlapping faults count once', async () => {
    await statuses(db, [
      { at: '00:00', connector: 1, status: 'Available' },
      { at: '00:00', connector: 2, status: 'Available' },
      { at: '10:00', connector: 0, status: 'Faulted', code: 'InternalError' },
      { at: '10:10', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { at: '10:20', connector: 0, status: 'Available' },
      { at: '10:40', connector: 1, status: 'Available' },
      { at: '03-03 00:00', connector: 2, status: 'Available' },
    ]);
    // connector 1: 10:00-10:20 (station) and 10:10-10:40 (its own) = 10:00-10:40, 40 min; connector 2: 20 min
    expect(await rows(db, 'uptime', ['connector_id', 'faulted_min', 'outage_min', 'uptime_pct'], day)).toEqual([
      { connector_id: 1, faulted_min: 40, outage_min: 40, uptime_pct: 97.22 },
      { connector_id: 2, faulted_min: 20, outage_min: 20, uptime_pct: 98.61 },
    ]);
    expect(await rows(db, 'uptime_outages', outageColumns, day)).toEqual([
      {
        connector_id: 1, started_at: t('10:00'), ended_at: t('10:40'), minutes: 40, cause: 'faulted', faulted_min: 40, unavailable_min: 0, offline_min: 0,
        error_codes: 'GroundFailure, InternalError', station_wide: true, open: false,
      },
      {
        connector_id: 2, started_at: t('10:00'), ended_at: t('10:20'), minutes: 20, cause: 'faulted', faulted_min: 20, unavailable_min: 0, offline_min: 0,
        error_codes: 'InternalError', station_wide: true, open: false,
      },
    ]);
    expect(await rows(db, 'uptime_stations', ['station_id', 'ports', 'faulted_port_min', 'outage_port_min', 'uptime_pct', 'min_uptime_pct', 'worst_connector_id', 'ports_below_target'], day)).toEqual([
      // (97.2222 + 98.6111) / 2 = 97.9166...
      { station_id: 'CP-1', ports: 2, faulted_port_min: 60, outage_port_min: 60, uptime_pct: 97.92, min_uptime_pct: 97.22, worst_connector_id: 1, ports_below_target: 0 },
    ]);
  });

  test('connector 0 Unavailable takes the station down too, as unavailable minutes', async () => {
    await statuses(db, [
      { at: '00:00', connector: 1, status: 'Available' },
      { at: '00:00', connector: 2, status: 'Available' },
      { at: '14:00', connector: 0, status: 'Unavailable' },
      { at: '14:15', connector: 0, status: 'Available' },
      { at: '15:00', connector: 2, status: 'Unavailable' },
      { at: '15:05', connector: 2, status: 'Available' },
      { at: '03-03 00:00', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'uptime', ['connector_id', 'faulted_min', 'unavailable_min', 'outage_min', 'outages'], day)).toEqual([
      { connector_id: 1, faulted_min: 0, unavailable_min: 15, outage_min: 15, outages: 1 },
      { connector_id: 2, faulted_min: 0, unavailable_min: 20, outage_min: 20, outages: 2 },
    ]);
  });

  test('an offline gap longer than the heartbeat interval plus the grace counts from when the heartbeat was due; a shorter one does not', async () => {
    await statuses(db, [{ at: '00:00', connector: 1, status: 'Available' }]);
    await bootedWith('00:00', 300);
    // 06:00 -> 06:06 is 360 s = 300 s interval + 60 s grace: not longer, so not offline;
    // 12:00 -> 12:30 is longer: offline from 12:05 (the missed heartbeat) to 12:30, 25 min
    await heartbeats('00:00', '03-03 00:00', [['06:00', '06:06'], ['12:00', '12:30']]);
    await heartbeats('06:06', '06:06');
    expect(await rows(db, 'uptime', ['offline_min', 'outage_min', 'uptime_pct', 'offline_tracked'], day)).toEqual([
      { offline_min: 25, outage_min: 25, uptime_pct: 98.26, offline_tracked: true },
    ]);
    expect(await rows(db, 'uptime_outages', ['started_at', 'ended_at', 'minutes', 'cause', 'open'], day)).toEqual([
      { started_at: t('12:05'), ended_at: t('12:30'), minutes: 25, cause: 'offline', open: false },
    ]);
    // the grace only decides whether a gap counts, not how long: with 120 s the 6-minute gap is still not offline
    // and the 30-minute one still counts from 12:05
    expect(await rows(db, 'uptime', ['offline_min'], { ...day, config: { offlineGraceS: 120 } })).toEqual([{ offline_min: 25 }]);
  });

  test('the heartbeat interval is the one the station was last given (boot or ChangeConfiguration), else its own spacing (300 s here)', async () => {
    await statuses(db, [{ at: '00:00', connector: 1, status: 'Available' }]);
    await heartbeats('00:00', '03-03 00:00', [['04:00', '04:30'], ['12:00', '12:30'], ['20:00', '20:30']]);
    // no boot known before 04:00: 300 s, offline 04:05-04:30 = 25 min
    await bootedWith('08:00', 900);
    // 900 s from the 08:00 boot: offline 12:15-12:30 = 15 min (a rejected boot's interval is a retry wait, not a heartbeat)
    await bootedWith('10:00', 60, 'Pending');
    await commands(db, [{ action: 'ChangeConfiguration', at: '16:00', outcome: 'Accepted' }]);
    await db.run(`update remote_commands set request = '{"key":"HeartbeatInterval","value":"600"}' where action = 'ChangeConfiguration'`);
    // 600 s from 16:00: offline 20:10-20:30 = 20 min
    expect(await rows(db, 'uptime_outages', ['started_at', 'ended_at', 'minutes'], day)).toEqual([
      { started_at: t('04:05'), ended_at: t('04:30'), minutes: 25 },
      { started_at: t('12:15'), ended_at: t('12:30'), minutes: 15 },
      { started_at: t('20:10'), ended_at: t('20:30'), minutes: 20 },
    ]);
  });

  test('a station given no interval in the data keeps the spacing of its own heartbeats; one it was given wins', async () => {
    // hourly heartbeats, none at 11:00 and 12:00, and no boot in the export: the interval is the hour the station
    // keeps (the first quartile of its 22 gaps), so only 10:00 -> 13:00 is offline, from 11:00, 120 min. With 300 s
    // every hour would be 55 min offline
    await statuses(db, [{ at: '00:00', connector: 1, status: 'Available' }]);
    await heartbeats('00:00', '03-03 00:00', [['10:00', '13:00']], 60);
    expect(await rows(db, 'uptime_outages', ['started_at', 'ended_at', 'minutes', 'cause'], day)).toEqual([
      { started_at: t('11:00'), ended_at: t('13:00'), minutes: 120, cause: 'offline' },
    ]);
    expect(await rows(db, 'uptime', ['offline_min', 'uptime_pct'], day)).toEqual([{ offline_min: 120, uptime_pct: 91.67 }]);
    // booted with 300 s: 21 hourly gaps of 55 min and the 3 h one from 10:05, 175 min
    await bootedWith('00:00', 300);
    expect(await rows(db, 'uptime', ['offline_min'], day)).toEqual([{ offline_min: 21 * 55 + 175 }]);
  });

  test('a short heartbeat interval makes short gaps count', async () => {
    await statuses(db, [{ at: '00:00', connector: 1, status: 'Available' }]);
    await bootedWith('00:00', 60);
    // every minute; 10:00 -> 10:03 is 180 s > 60 s + 60 s: offline 10:01-10:03; 14:00 -> 14:02 is 120 s: not offline
    await heartbeats('00:00', '03-03 00:00', [['10:00', '10:03'], ['14:00', '14:02']], 1);
    expect(await rows(db, 'uptime_outages', ['started_at', 'ended_at', 'minutes', 'cause'], day)).toEqual([
      { started_at: t('10:01'), ended_at: t('10:03'), minutes: 2, cause: 'offline' },
    ]);
  });

  test('overlapping Faulted and offline minutes count once', async () => {
    await statuses(db, [
      { at: '00:00', connector: 1, status: 'Available' },
      { at: '10:00', connector: 1, status: 'Faulted', code: 'PowerSwitchFailure' },
      { at: '10:30', connector: 1, status: 'Available' },
    ]);
    // silent from 09:55 to 10:45: offline 10:00-10:45; Faulted 10:00-10:30 lies inside it
    await heartbeats('00:00', '03-03 00:00', [['09:55', '10:45']]);
    // (1440 - 45) / 1440 * 100 = 96.875
    expect(await rows(db, 'uptime', figures, day)).toEqual([
      {
        station_id: 'CP-1', connector_id: 1, window_minutes: 1440, faulted_min: 30, unavailable_min: 0, offline_min: 45, outage_min: 45, excluded_min: 0,
        uptime_pct: 96.88, below_target: true,
      },
    ]);
    expect(await rows(db, 'uptime_outages', outageColumns, day)).toEqual([
      {
        connector_id: 1, started_at: t('10:00'), ended_at: t('10:45'), minutes: 45, cause: 'offline', faulted_min: 30, unavailable_min: 0, offline_min: 45,
        error_codes: 'PowerSwitchFailure', station_wide: false, open: false,
      },
    ]);
  });

  test('a station silent at the end of the data is offline until then, an outage still open', async () => {
    await statuses(db, [{ at: '00:00', connector: 1, status: 'Available' }]);
    await heartbeats('00:00', '22:00');
    await heartbeats('00:00', '03-03 00:00', [], 5, 'CP-2');
    expect(await rows(db, 'uptime_outages', ['started_at', 'ended_at', 'minutes', 'cause', 'open', 'clipped_end'], day)).toEqual([
      { started_at: t('22:05'), ended_at: null, minutes: 115, cause: 'offline', open: true, clipped_end: false },
    ]);
  });

  test('the window cuts outages: real times stay, minutes count inside the window', async () => {
    await statuses(db, [
      { at: '03-01 22:00', connector: 1, status: 'Faulted', code: 'OverVoltage' },
      { at: '01:00', connector: 1, status: 'Available' },
      { at: '23:00', connector: 1, status: 'Faulted', code: 'OverVoltage' },
      { at: '03-03 02:00', connector: 1, status: 'Faulted', code: 'OverVoltage' },
    ]);
    expect(await rows(db, 'uptime_outages', ['started_at', 'ended_at', 'minutes', 'full_minutes', 'open', 'clipped_start', 'clipped_end'], day)).toEqual([
      { started_at: t('03-01 22:00'), ended_at: t('01:00'), minutes: 60, full_minutes: 180, open: false, clipped_start: true, clipped_end: false },
      { started_at: t('23:00'), ended_at: null, minutes: 60, full_minutes: 180, open: true, clipped_start: false, clipped_end: true },
    ]);
    expect(await rows(db, 'uptime', ['window_minutes', 'faulted_min', 'uptime_pct'], day)).toEqual([{ window_minutes: 1440, faulted_min: 120, uptime_pct: 91.67 }]);
  });

  test('exactly at the target is below it: NEVI requires more than 97 %', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Available' },
      { at: '10:50', connector: 1, status: 'Unavailable' },
      { at: '10:53', connector: 1, status: 'Available' },
      { at: '11:40', connector: 1, status: 'Available' },
    ]);
    // 3 of 100 minutes down: exactly 97 %
    expect(await rows(db, 'uptime', ['window_minutes', 'uptime_pct', 'below_target'])).toEqual([{ window_minutes: 100, uptime_pct: 97, below_target: true }]);
    expect(await rows(db, 'uptime', ['below_target'], { config: { uptimeTargetPct: 96.5 } })).toEqual([{ below_target: false }]);
  });

  test('EVCommunicationError faults are excluded minutes only when configured', async () => {
    await statuses(db, [
      { at: '00:00', connector: 1, status: 'Available' },
      { at: '09:00', connector: 1, status: 'Faulted', code: 'EVCommunicationError' },
      { at: '09:20', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { at: '09:30', connector: 1, status: 'Available' },
      { at: '03-03 00:00', connector: 1, status: 'Available' },
    ]);
    const cols = ['faulted_min', 'outage_min', 'excluded_min', 'uptime_pct'];
    // (1440 - 30) / 1440 = 97.92 %; with the 20 EVCommunicationError minutes excluded (1440 - 10) / 1440 = 99.31 %
    expect(await rows(db, 'uptime', cols, day)).toEqual([{ faulted_min: 30, outage_min: 30, excluded_min: 0, uptime_pct: 97.92 }]);
    const excluded = { ...day, config: { uptimeExcludeEvCommunicationError: true } };
    expect(await rows(db, 'uptime', cols, excluded)).toEqual([{ faulted_min: 30, outage_min: 30, excluded_min: 20, uptime_pct: 99.31 }]);
    expect(await rows(db, 'uptime_outages', ['minutes', 'excluded_min', 'error_codes'], excluded)).toEqual([
      { minutes: 30, excluded_min: 20, error_codes: 'EVCommunicationError, GroundFailure' },
    ]);
  });

  test('ports are the connectors > 0 seen for the station, in notifications or transactions; a port never down is 100 %', async () => {
    await statuses(db, [
      { at: '00:00', connector: 0, status: 'Available' },
      { at: '00:00', connector: 1, status: 'Available' },
      { at: '03-03 00:00', connector: 1, status: 'Available' },
    ]);
    await db.run(`insert into transactions values ('CP-1', 3, 1, 'TAG', cast($at as timestamptz), null, null, 0, null, 'u', 'Accepted')`, { at: t('12:00') });
    expect(await rows(db, 'uptime', ['connector_id', 'outage_min', 'uptime_pct', 'below_target', 'outages'], day)).toEqual([
      { connector_id: 1, outage_min: 0, uptime_pct: 100, below_target: false, outages: 0 },
      { connector_id: 3, outage_min: 0, uptime_pct: 100, below_target: false, outages: 0 },
    ]);
  });

  test('an empty database has no ports and no outages', async () => {
    expect(await rows(db, 'uptime', figures)).toEqual([]);
    expect(await rows(db, 'uptime_outages', outageColumns)).toEqual([]);
    expect(await rows(db, 'uptime_stations', ['station_id'])).toEqual([]);
  });
});
