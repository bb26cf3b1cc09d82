import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { buildAlerts, previousWindow, type Alert } from '../../src/analysis/alerts.js';
import type { AnalysisWindow } from '../../src/analysis/window.js';
import { commands, freshDb, messages, statuses, t, transactions, type StatusRow } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await freshDb();
  // the data spans both days: 2026-03-01 (the baseline) and 2026-03-02 (the window alerted on)
  await statuses(db, [
    { at: '03-01 00:00', station: 'ANCHOR', connector: 1, status: 'Available' },
    { at: '03-03 00:00', station: 'ANCHOR', connector: 1, status: 'Available' },
  ]);
});
afterEach(() => db.close());

const secondDay: AnalysisWindow = { from: t('03-02 00:00'), to: t('03-03 00:00') };
const firstDay: AnalysisWindow = { from: t('03-01 00:00'), to: t('03-02 00:00') };

const alerts = (window: AnalysisWindow, config = {}) => buildAlerts(db, { window, config });
const kinds = (list: Alert[]) => list.map((a) => [a.kind, a.station_id, a.connector_id, a.error_code]);

/** An error episode of `minutes` on a connector, starting at `at`. */
function fault(at: string, minutes: number, code: string, station = 'CP-1', connector = 1): StatusRow[] {
  const end = new Date(Date.parse(t(at)) + minutes * 60_000).toISOString();
  return [
    { at, station, connector, status: 'Faulted', code },
    { at: end, station, connector, status: 'Available' },
  ];
}

/** A plug-in attempt on connector 1 at `at` that fails with a 10-second lock failure. */
function failedPlugIn(at: string, station = 'CP-1'): StatusRow[] {
  const s = (seconds: number) => new Date(Date.parse(t(at)) + seconds * 1000).toISOString();
  return [
    { at: s(0), station, connector: 1, status: 'Available' },
    { at: s(60), station, connector: 1, status: 'Preparing' },
    { at: s(70), station, connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
    { at: s(80), station, connector: 1, status: 'Available' },
  ];
}

describe('the previous window', () => {
  test('has the same length and ends where the window starts', () => {
    expect(previousWindow({ from: t('03-02 00:00'), to: t('03-03 00:00') })).toEqual({ from: t('03-01 00:00'), to: t('03-02 00:00') });
    expect(previousWindow({ from: t('03-08 00:00'), to: t('03-15 00:00') })).toEqual({ from: t('03-01 00:00'), to: t('03-08 00:00') });
    expect(() => previousWindow({ from: t('03-02 00:00'), to: t('03-02 00:00') })).toThrow(/must end after it starts/);
  });
});

describe('alerts', { timeout: 60_000 }, () => {
  test('a station that became chronic in the window', async () => {
    await statuses(db, [...fault('03-02 10:00', 5, 'GroundFailure'), ...fault('03-02 12:00', 5, 'GroundFailure'), ...fault('03-02 14:00', 5, 'GroundFailure')]);
    const list = await alerts(secondDay);
    expect(list).toEqual([
      {
        kind: 'chronic_station',
        station_id: 'CP-1',
        connector_id: 1,
        error_code: 'GroundFailure',
        message:
          'CP-1 became chronic (not in the previous window): GroundFailure on connector 1, 3 episodes within 7 days — plan a technician visit to find the root cause',
        evidence: {
          chronic: [
            {
              connector_id: 1, error_code: 'GroundFailure', episodes: 3, max_episodes_in_chronic_window: 3, first_seen: t('03-02 10:00'), last_seen: t('03-02 14:00'),
              repeats_within_24h: 2, downtime_h: 0.25,
            },
          ],
          chronic_min_episodes: 3,
          chronic_window_days: 7,
        },
      },
    ]);
    // the baseline day has nothing to alert on
    expect(await alerts(firstDay)).toEqual([]);
  });

  test('a station already chronic in the previous window does not alert again', async () => {
    await statuses(db, [...fault('03-01 10:00', 5, 'GroundFailure'), ...fault('03-01 12:00', 5, 'GroundFailure'), ...fault('03-01 14:00', 5, 'GroundFailure')]);
    await statuses(db, [...fault('03-02 10:00', 5, 'GroundFailure'), ...fault('03-02 12:00', 5, 'GroundFailure'), ...fault('03-02 14:00', 5, 'GroundFailure')]);
    expect(kinds(await alerts(firstDay))).toEqual([['chronic_station', 'CP-1', 1, 'GroundFailure']]);
    expect(await alerts(secondDay)).toEqual([]);
  });

  test('a stuck lock still open at the window end, with the next step to try', async () => {
    await transactions(db, [{ connector: 1, id: 42, start: '03-02 09:00', stop: '03-02 11:00' }]);
    await statuses(db, [
      { at: '03-02 09:00', connector: 1, status: 'Charging' },
      { at: '03-02 11:00:02', connector: 1, status: 'Finishing' },
      { at: '03-02 11:00:30', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
    ]);
    await commands(db, [{ connector: 1, action: 'UnlockConnector', at: '03-02 11:10', outcome: 'UnlockFailed' }]);
    const list = await alerts(secondDay);
    // the lock also keeps the port down for 13 hours, so its uptime alerts too (after it: stuck locks come first)
    expect(kinds(list)).toEqual([
      ['stuck_lock_open', 'CP-1', 1, 'ConnectorLockFailure'],
      ['uptime_below_target', 'CP-1', 1, 'ConnectorLockFailure'],
    ]);
    expect(list[0]!.message).toBe(
      'CP-1 connector 1: cable locked since 2026-03-02 11:00 UTC, 13 h at the window end — remote unlock tried (UnlockFailed); send a Reset. ' +
        'Raised 30 s after transaction 42 stopped, cable not yet removed; remote unlock: UnlockFailed; still open after 13 h',
    );
    expect(list[0]!.evidence).toMatchObject({
      started_at: t('03-02 11:00:30'), open_s: 46770, transaction_id: 42, transaction_state: 'stopped', unlock_attempts: 1, unlock_result: 'UnlockFailed', reset_attempts: 0,
    });
    expect(await alerts(firstDay)).toEqual([]);
  });

  test('a stuck lock that ended inside the window does not alert; one that ended after the window end does', async () => {
    await transactions(db, [{ connector: 1, id: 42, start: '03-02 09:00', stop: '03-02 11:00' }]);
    await statuses(db, [
      { at: '03-02 09:00', connector: 1, status: 'Charging' },
      { at: '03-02 11:00:02', connector: 1, status: 'Finishing' },
      { at: '03-02 11:00:30', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '03-02 11:40', connector: 1, status: 'Available' },
    ]);
    await commands(db, [{ action: 'Reset', at: '03-02 11:35', outcome: 'Accepted' }]);
    expect(await alerts(secondDay)).toEqual([]);
    const list = await alerts({ from: t('03-02 11:00'), to: t('03-02 11:30') });
    expect(kinds(list)).toEqual([
      ['stuck_lock_open', 'CP-1', 1, 'ConnectorLockFailure'],
      ['uptime_below_target', 'CP-1', 1, 'ConnectorLockFailure'],
    ]);
    expect(list[0]!.message).toMatch(/^CP-1 connector 1: cable locked since 2026-03-02 11:00 UTC, 30 min at the window end — send a remote UnlockConnector, then a Reset if it fails\. /);
  });

  test('a connector newly suspected of a broken lock mechanism', async () => {
    await statuses(db, [...failedPlugIn('03-02 08:00'), ...failedPlugIn('03-02 12:00'), ...failedPlugIn('03-02 16:00')]);
    const list = await alerts(secondDay);
    // three lock failures on one connector in a day are also a chronic code there
    expect(kinds(list)).toEqual([
      ['lock_mechanism_suspected', 'CP-1', 1, 'ConnectorLockFailure'],
      ['chronic_station', 'CP-1', 1, 'ConnectorLockFailure'],
    ]);
    expect(list[0]!.message).toBe(
      'CP-1 connector 1: lock mechanism suspected (not in the previous window): 3 of 3 plug-in attempts failed with a lock failure, 0 successful session(s); ' +
        '3 lock failure(s) within 7 days at most, 3 with no successful session between them — inspect the lock actuator and latch',
    );
    expect(list[0]!.evidence).toMatchObject({ lock_failures: 3, failed_attempts: 3, plug_in_attempts: 3, failed_attempt_share: 1, successful_sessions: 0, max_failures_in_days: 3, max_failures_between_sessions: 3, days: 7 });
    expect(await alerts(firstDay)).toEqual([]);
  });

  test('a connector already suspected in the previous window does not alert again', async () => {
    await statuses(db, [...failedPlugIn('03-01 08:00'), ...failedPlugIn('03-01 12:00'), ...failedPlugIn('03-01 16:00')]);
    await statuses(db, [...failedPlugIn('03-02 08:00'), ...failedPlugIn('03-02 12:00'), ...failedPlugIn('03-02 16:00')]);
    expect(await alerts(secondDay)).toEqual([]);
  });

  /** `n` one-minute episodes of `code` on `day`, each on a station of its own (so none is chronic). */
  function episodes(day: string, n: number, code: string): StatusRow[] {
    return Array.from({ length: n }, (_, i) => fault(`${day} ${String(8 + (i % 12)).padStart(2, '0')}:00`, 1, code, `CP-${String(i + 1).padStart(2, '0')}`)).flat();
  }

  test('an error code whose episodes rose by at least 50 % and at least 10', async () => {
    await statuses(db, [...episodes('03-01', 5, 'OverVoltage'), ...episodes('03-02', 15, 'OverVoltage')]);
    const list = await alerts(secondDay);
    expect(list).toEqual([
      {
        kind: 'error_code_rise',
        station_id: null,
        connector_id: null,
        error_code: 'OverVoltage',
        message:
          'OverVoltage: 15 episodes in this window against 5 in the previous one (+10, +200%), most on CP-01 (1), CP-02 (1), CP-03 (1) — ' +
          'look for a cause they share (firmware, site power, weather, a vehicle model)',
        evidence: {
          episodes: 15,
          stations: 15,
          top_stations: ['CP-01', 'CP-02', 'CP-03', 'CP-04', 'CP-05'].map((station_id) => ({ station_id, episodes: 1 })),
          previous_episodes: 5,
          previous_coverage: 1,
          baseline_episodes: 5,
          rise: 10,
          rise_pct: 200,
          min_rise_share: 0.5,
          min_rise_episodes: 10,
          min_previous_coverage: 0.5,
        },
      },
    ]);
    // the baseline day rose from nothing, but by fewer than 10
    expect(await alerts(firstDay)).toEqual([]);
  });

  test('a code does not rise from a previous window before the data began, but does from one with data and none of it', async () => {
    await statuses(db, [...episodes('03-01', 12, 'OverVoltage'), ...episodes('03-02', 12, 'GroundFailure')]);
    // the day before 03-01 holds no data at all: no baseline, no rise (a report of all the data, a first night)
    expect(await alerts(firstDay)).toEqual([]);
    // 03-01 holds data but no GroundFailure: 0 -> 12 is a rise
    expect(kinds(await alerts(secondDay))).toEqual([['error_code_rise', null, null, 'GroundFailure']]);
  });

  test('a previous window the data covers only in part is scaled to this window, and one it covers under half of is no baseline', async () => {
    const partial = await freshDb();
    try {
      // the data begins at 03-01 06:00: it covers 18 h of the previous day, 75 %, so its 9 episodes are 12 a day
      await statuses(partial, [
        { at: '03-01 06:00', station: 'ANCHOR', connector: 1, status: 'Available' },
        { at: '03-03 00:00', station: 'ANCHOR', connector: 1, status: 'Available' },
        ...episodes('03-01', 9, 'OverVoltage'),
        ...episodes('03-02', 22, 'OverVoltage'),
        ...episodes('03-02', 21, 'GroundFailure'),
        ...episodes('03-01', 9, 'GroundFailure'),
      ]);
      const list = await buildAlerts(partial, { window: secondDay, config: {} });
      // OverVoltage 22 against 12: +10, +83 %; GroundFailure 21 against 12 is +9 (against the unscaled 9 it was +12)
      expect(list.map((a) => [a.kind, a.error_code, a.message])).toEqual([
        [
          'error_code_rise',
          'OverVoltage',
          'OverVoltage: 22 episodes in this window against 9 in the previous one, whose data covers 75% of it: 12 over the length this window covers (+10, +83%), ' +
            'most on CP-01 (1), CP-02 (1), CP-03 (1) — look for a cause they share (firmware, site power, weather, a vehicle model)',
        ],
      ]);
      expect(list[0]!.evidence).toMatchObject({
        episodes: 22,
        previous_episodes: 9,
        previous_coverage: 0.75,
        baseline_episodes: 12,
        rise: 10,
        rise_pct: 83.3,
        min_previous_coverage: 0.5,
      });
    } finally {
      partial.close();
    }

    const late = await freshDb();
    try {
      // the data begins at 03-01 18:00, a quarter of the previous day: its 5 episodes are no baseline for 30
      await statuses(late, [
        { at: '03-03 00:00', station: 'ANCHOR', connector: 1, status: 'Available' },
        ...Array.from({ length: 5 }, (_, i) => fault(`03-01 ${18 + i}:00`, 1, 'OverVoltage', `CP-${i + 1}`)).flat(),
        ...episodes('03-02', 30, 'OverVoltage'),
      ]);
      expect(await buildAlerts(late, { window: secondDay, config: {} })).toEqual([]);
      // asked to take a fifth as enough: 5 in 6 h are 20 a day, and 30 is +10, +50 %
      const list = await buildAlerts(late, { window: secondDay, config: { alertRiseMinCoverage: 0.2 } });
      expect(list.map((a) => [a.error_code, a.evidence['previous_coverage'], a.evidence['baseline_episodes'], a.evidence['rise'], a.evidence['rise_pct']])).toEqual([
        ['OverVoltage', 0.25, 20, 10, 50],
      ]);
    } finally {
      late.close();
    }
  });

  test('data that misses seconds of either window is measured against the count as it reads, and the message names no scaling', async () => {
    const ending = (code: string, n: number) =>
      Array.from({ length: n }, (_, i) => fault(`03-02 08:${String(i).padStart(2, '0')}`, 1, code, `CP-${String(i + 1).padStart(2, '0')}`)).flat();
    const message = (code: string, episodes: number, previous: number, rise: string) =>
      `${code}: ${episodes} episodes in this window against ${previous} in the previous one (${rise}), most on CP-01 (1), CP-02 (1), CP-03 (1) — ` +
      'look for a cause they share (firmware, site power, weather, a vehicle model)';

    /** The alerts of `windows` on a database of its own holding `rows`. */
    const alertsOn = async (rows: StatusRow[], windows: AnalysisWindow[]) => {
      const own = await freshDb();
      try {
        await statuses(own, rows);
        const lists: Alert[][] = [];
        for (const window of windows) lists.push(await buildAlerts(own, { window, config: {} }));
        return lists;
      } finally {
        own.close();
      }
    };
    const anchor = (at: string): StatusRow => ({ at, station: 'ANCHOR', connector: 1, status: 'Available' });

    // the data begins 3 s into the previous day: 10 there are 10 a day (10.0003), and 20 are +10, +100 %
    const [late] = await alertsOn([anchor('03-01 00:00:03'), anchor('03-03 00:00'), ...episodes('03-01', 10, 'OverVoltage'), ...episodes('03-02', 20, 'OverVoltage')], [secondDay]);
    expect(late!.map((a) => [a.error_code, a.message])).toEqual([['OverVoltage', message('OverVoltage', 20, 10, '+10, +100%')]]);
    expect(late![0]!.evidence).toMatchObject({ previous_episodes: 10, previous_coverage: 1, baseline_episodes: 10, rise: 10, rise_pct: 100 });

    // the data ends 10 s before the window does (a nightly run whose last log line came just before midnight):
    // 20 against 10 reads as it is, not as "10.0 over the length this window covers (+10.0, ...)"
    const early = await alertsOn(
      [anchor('03-01 00:00'), anchor('03-02 23:59:50'), ...episodes('03-01', 10, 'OverVoltage'), ...episodes('03-02', 20, 'OverVoltage')],
      [secondDay, { from: secondDay.from, to: null }],
    );
    for (const list of early) {
      expect(list.map((a) => [a.error_code, a.message])).toEqual([['OverVoltage', message('OverVoltage', 20, 10, '+10, +100%')]]);
      expect(list[0]!.evidence).toMatchObject({ previous_episodes: 10, baseline_episodes: 10, rise: 10, rise_pct: 100 });
    }

    // the data ends at noon: the previous day's 10 are 5 over the half of this one the data covers, which the
    // message says
    const [noon] = await alertsOn([anchor('03-01 00:00'), anchor('03-02 12:00'), ...episodes('03-01', 10, 'OverVoltage'), ...ending('OverVoltage', 20)], [secondDay]);
    expect(noon!.map((a) => a.message)).toEqual([
      'OverVoltage: 20 episodes in this window against 10 in the previous one, whose data covers 100% of it: 5 over the 50% of this window the data covers (+15, +300%), ' +
        'most on CP-01 (1), CP-02 (1), CP-03 (1) — look for a cause they share (firmware, site power, weather, a vehicle model)',
    ]);
    expect(noon![0]!.evidence).toMatchObject({ previous_episodes: 10, previous_coverage: 1, baseline_episodes: 5, rise: 15, rise_pct: 300 });
  });

  test('a rise of fewer than 10 episodes, or of less than 50 %, does not alert', async () => {
    // 10 -> 19: +90 % but only +9
    await statuses(db, [...episodes('03-01', 10, 'UnderVoltage'), ...episodes('03-02', 19, 'UnderVoltage')]);
    // 24 -> 35: +11 but only +46 %
    await statuses(db, [...episodes('03-01', 24, 'WeakSignal'), ...episodes('03-02', 35, 'WeakSignal')]);
    expect(await alerts(secondDay)).toEqual([]);
    // with a lower bar both rise enough
    expect(kinds(await alerts(secondDay, { alertRiseMinEpisodes: 9, alertRiseMinShare: 0.4 }))).toEqual([
      ['error_code_rise', null, null, 'UnderVoltage'],
      ['error_code_rise', null, null, 'WeakSignal'],
    ]);
  });

  test('a port under the uptime target', async () => {
    await statuses(db, [
      { at: '03-01 00:00', connector: 1, status: 'Available' },
      { at: '03-01 00:00', connector: 2, status: 'Available' },
      ...fault('03-02 10:00', 60, 'GroundFailure', 'CP-1', 1),
    ]);
    const list = await alerts(secondDay);
    expect(list).toEqual([
      {
        kind: 'uptime_below_target',
        station_id: 'CP-1',
        connector_id: 1,
        error_code: 'GroundFailure',
        message:
          'CP-1 connector 1: uptime 95.83% in the window (target: above 97%), down 60 min of 24 h: 60 min Faulted (GroundFailure) — look into the fault codes; reset or repair the connector',
        evidence: {
          uptime_pct: 95.83, target_pct: 97, window_minutes: 1440, outage_min: 60, excluded_min: 0, faulted_min: 60, unavailable_min: 0, offline_min: 0,
          outages: 1, longest_outage_min: 60, fault_codes: 'GroundFailure',
        },
      },
    ]);
    expect(await alerts(firstDay)).toEqual([]);
    expect(await alerts(secondDay, { uptimeTargetPct: 95 })).toEqual([]);
  });

  test('alerts come in a fixed order: kind, then station, connector and code', async () => {
    await statuses(db, [...fault('03-02 10:00', 60, 'GroundFailure', 'CP-2', 1), ...fault('03-02 10:00', 60, 'HighTemperature', 'CP-1', 2)]);
    await statuses(db, [...fault('03-02 12:00', 1, 'OtherError', 'CP-3'), ...fault('03-02 13:00', 1, 'OtherError', 'CP-3'), ...fault('03-02 14:00', 1, 'OtherError', 'CP-3')]);
    await statuses(db, [...failedPlugIn('03-02 08:00', 'CP-4'), ...failedPlugIn('03-02 12:00', 'CP-4'), ...failedPlugIn('03-02 16:00', 'CP-4')]);
    const expected = [
      ['lock_mechanism_suspected', 'CP-4', 1, 'ConnectorLockFailure'],
      ['uptime_below_target', 'CP-1', 2, 'HighTemperature'],
      ['uptime_below_target', 'CP-2', 1, 'GroundFailure'],
      ['chronic_station', 'CP-3', 1, 'OtherError'],
      ['chronic_station', 'CP-4', 1, 'ConnectorLockFailure'],
    ];
    expect(kinds(await alerts(secondDay))).toEqual(expected);
    expect(kinds(await alerts(secondDay))).toEqual(expected);
  });

  test('an open window side is taken from the data; an empty database has no alerts', async () => {
    await statuses(db, [...fault('03-02 10:00', 60, 'GroundFailure')]);
    // all data is 03-01 00:00 to 03-03 00:00: 2880 minutes, 60 of them down = 97.92 %, above the target
    expect(await alerts({ from: null, to: null })).toEqual([]);
    expect(kinds(await alerts({ from: t('03-02 00:00'), to: null }))).toEqual([['uptime_below_target', 'CP-1', 1, 'GroundFailure']]);
    const empty = await freshDb();
    try {
      expect(await buildAlerts(empty, { window: { from: null, to: null } })).toEqual([]);
    } finally {
      empty.close();
    }
  });
});

describe('silent stations', { timeout: 60_000 }, () => {
  // OLD reported at 03-01 00:30 and never again; with a 1-day threshold it falls silent on the second day
  const silentAfterOneDay = { silentStationDays: 1 };
  beforeEach(async () => {
    await statuses(db, [{ at: '03-01 00:00', station: 'OLD', connector: 1, status: 'Available' }]);
    await messages(db, [{ station: 'OLD', at: '03-01 00:30', action: 'Heartbeat' }]);
  });

  test('are reported once, in the window their silence reaches the threshold, and leave uptime', async () => {
    expect(kinds(await alerts(firstDay, silentAfterOneDay))).toEqual([['uptime_below_target', 'OLD', 1, null]]);
    const second = await alerts(secondDay, silentAfterOneDay);
    expect(second).toEqual([
      {
        kind: 'station_silent',
        station_id: 'OLD',
        connector_id: null,
        error_code: null,
        message: expect.stringMatching(/^OLD has sent nothing since 2026-03-01 00:30 UTC \(.+ before the window end\) — its ports are left out of uptime/),
        evidence: { last_message_at: '2026-03-01T00:30:00.000Z', silent_days: 1.98, silent_station_days: 1 },
      },
    ]);
    // the next window: still silent, already reported
    expect(await alerts({ from: t('03-02 12:00'), to: t('03-03 00:00') }, silentAfterOneDay)).toEqual([]);
  });

  test('a stuck lock open on a station that fell silent alerts until the silence is reported, not every night after', async () => {
    await statuses(db, [{ at: '03-01 00:10', station: 'OLD', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' }]);
    expect(kinds(await alerts(firstDay, silentAfterOneDay))).toEqual([
      ['stuck_lock_open', 'OLD', 1, 'ConnectorLockFailure'],
      ['uptime_below_target', 'OLD', 1, 'ConnectorLockFailure'],
    ]);
    expect(kinds(await alerts(secondDay, silentAfterOneDay))).toEqual([['station_silent', 'OLD', null, null]]);
    expect(await alerts({ from: t('03-02 12:00'), to: t('03-03 00:00') }, silentAfterOneDay)).toEqual([]);
  });

  test('with the default of 7 days two days of silence are still offline time', async () => {
    expect(kinds(await alerts(secondDay))).toEqual([['uptime_below_target', 'OLD', 1, null]]);
  });
});
