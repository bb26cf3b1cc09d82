import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { freshDb, messages, rows, statuses, t, transactions } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

const columns = ['station_id', 'connector_id', 'error_code', 'status', 'started_at', 'ended_at', 'duration_s', 'open', 'notifications'];

describe('episodes', { timeout: 30_000 }, () => {
  test('an episode still open when the data ends is in no window after the data, which is empty at its start', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Available' },
      { at: '10:05', connector: 1, status: 'Faulted', code: 'GroundFailure' },
    ]);
    expect(await rows(db, 'episodes', ['started_at', 'open', 'duration_s'], { window: { from: t('10:00'), to: null } })).toEqual([{ started_at: t('10:05'), open: true, duration_s: 0 }]);
    const after = { window: { from: t('03-03 00:00'), to: null } };
    expect(await rows(db, 'episodes', ['started_at'], after)).toEqual([]);
    expect(await rows(db, 'summary_totals', ['window_start', 'window_end', 'window_h', 'episodes'], after)).toEqual([
      { window_start: t('03-03 00:00'), window_end: t('03-03 00:00'), window_h: 0, episodes: 0 },
    ]);
  });

  test('a repeat of the same code merges into the open episode', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Available' },
      { at: '10:05', connector: 1, status: 'Faulted', code: 'GroundFailure', info: 'first', vendorId: 'acme', vendorErrorCode: 'E12' },
      { at: '10:06', connector: 1, status: 'Faulted', code: 'GroundFailure', info: 'second', vendorErrorCode: 'E13' },
      { at: '10:07', connector: 1, status: 'Faulted', code: 'GroundFailure', info: 'third' },
      { at: '10:20', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'episodes', [...columns, 'info', 'vendor_id', 'vendor_error_code', 'status_before', 'status_after', 'faulted_s'])).toEqual([
      {
        station_id: 'CP-1', connector_id: 1, error_code: 'GroundFailure', status: 'Faulted', started_at: t('10:05'), ended_at: t('10:20'),
        duration_s: 900, open: false, notifications: 3, info: 'first', vendor_id: 'acme', vendor_error_code: 'E12',
        status_before: 'Available', status_after: 'Available', faulted_s: 900,
      },
    ]);
  });

  test('a code switch without NoError ends one episode and starts the next', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Faulted', code: 'OverVoltage' },
      { at: '10:10', connector: 1, status: 'Faulted', code: 'UnderVoltage' },
      { at: '10:30', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'episodes', ['error_code', 'started_at', 'ended_at', 'duration_s', 'status_before', 'status_after', 'ended_by_code'])).toEqual([
      { error_code: 'OverVoltage', started_at: t('10:00'), ended_at: t('10:10'), duration_s: 600, status_before: null, status_after: 'Faulted', ended_by_code: 'UnderVoltage' },
      { error_code: 'UnderVoltage', started_at: t('10:10'), ended_at: t('10:30'), duration_s: 1200, status_before: 'Faulted', status_after: 'Available', ended_by_code: 'NoError' },
    ]);
  });

  test('an error without a fault is an episode that is not faulted and adds no downtime', async () => {
    await statuses(db, [
      { at: '10:00', connector: 2, status: 'SuspendedEVSE', code: 'EVCommunicationError' },
      { at: '10:02', connector: 2, status: 'SuspendedEVSE' },
    ]);
    expect(await rows(db, 'episodes', ['status', 'duration_s', 'faulted', 'faulted_s'])).toEqual([{ status: 'SuspendedEVSE', duration_s: 120, faulted: false, faulted_s: 0 }]);
  });

  test('a status change within one code stays one episode, and only its Faulted time is downtime', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'SuspendedEVSE', code: 'EVCommunicationError' },
      { at: '10:04', connector: 1, status: 'Faulted', code: 'EVCommunicationError' },
      { at: '10:10', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'episodes', ['status', 'duration_s', 'notifications', 'faulted', 'faulted_s'])).toEqual([
      { status: 'SuspendedEVSE', duration_s: 600, notifications: 2, faulted: true, faulted_s: 360 },
    ]);
  });

  test('connector 0 is the whole station, kept apart from the connectors', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Faulted', code: 'InternalError' },
      { at: '10:01', connector: 0, status: 'Faulted', code: 'InternalError' },
      { at: '10:05', connector: 1, status: 'Available' },
      { at: '10:31', connector: 0, status: 'Available' },
    ]);
    expect(await rows(db, 'episodes', ['connector_id', 'started_at', 'duration_s'])).toEqual([
      { connector_id: 0, started_at: t('10:01'), duration_s: 1800 },
      { connector_id: 1, started_at: t('10:00'), duration_s: 300 },
    ]);
    expect(await rows(db, 'stations', ['episodes', 'station_wide_episodes', 'connectors_affected'])).toEqual([
      { episodes: 2, station_wide_episodes: 1, connectors_affected: 1 },
    ]);
  });

  test('an episode still open at the end of the data is open, with no end, counted to the end of the window', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Faulted', code: 'HighTemperature' },
      { at: '10:30', connector: 1, status: 'Faulted', code: 'HighTemperature' },
    ]);
    await messages(db, [{ station: 'CP-2', at: '12:00', action: 'Heartbeat' }]);
    const cols = ['started_at', 'ended_at', 'duration_s', 'open', 'clipped_end', 'full_duration_s'];
    expect(await rows(db, 'episodes', cols)).toEqual([
      { started_at: t('10:00'), ended_at: null, duration_s: 7200, open: true, clipped_end: false, full_duration_s: 7200 },
    ]);
    expect(await rows(db, 'episodes', cols, { window: { from: null, to: t('11:00') } })).toEqual([
      { started_at: t('10:00'), ended_at: null, duration_s: 3600, open: true, clipped_end: true, full_duration_s: 7200 },
    ]);
  });

  test('a window boundary cuts an episode: its real times stay, its durations are clipped to the window', async () => {
    await statuses(db, [
      { at: '09:00', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { at: '09:10', connector: 1, status: 'Available' },
      { at: '09:50', connector: 1, status: 'Faulted', code: 'OverCurrentFailure' },
      { at: '10:20', connector: 1, status: 'Available' },
      { at: '10:40', connector: 1, status: 'Faulted', code: 'PowerMeterFailure' },
      { at: '11:30', connector: 1, status: 'Available' },
      { at: '12:00', connector: 1, status: 'Faulted', code: 'WeakSignal' },
      { at: '12:05', connector: 1, status: 'Available' },
    ]);
    const window = { from: t('10:00'), to: t('12:00') };
    expect(
      await rows(db, 'episodes', ['error_code', 'started_at', 'ended_at', 'duration_s', 'faulted_s', 'full_duration_s', 'clipped_start', 'clipped_end'], { window }),
    ).toEqual([
      // 09:00-09:10 ends before the window and 12:00 starts at its (exclusive) end: both left out
      { error_code: 'OverCurrentFailure', started_at: t('09:50'), ended_at: t('10:20'), duration_s: 1200, faulted_s: 1200, full_duration_s: 1800, clipped_start: true, clipped_end: false },
      { error_code: 'PowerMeterFailure', started_at: t('10:40'), ended_at: t('11:30'), duration_s: 3000, faulted_s: 3000, full_duration_s: 3000, clipped_start: false, clipped_end: false },
    ]);
  });

  test('a date alone as --to includes that whole day', async () => {
    await statuses(db, [
      { at: '03-02 23:50', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { at: '03-03 00:20', connector: 1, status: 'Available' },
    ]);
    // parseWindow turns --to 2026-03-02 into 2026-03-03T00:00:00Z
    expect(await rows(db, 'episodes', ['duration_s', 'clipped_end'], { window: { from: null, to: '2026-03-03T00:00:00.000Z' } })).toEqual([
      { duration_s: 600, clipped_end: true },
    ]);
  });

  test('notifications are ordered by effective time, so a replayed status lands where it happened', async () => {
    await statuses(db, [
      { at: '10:10', connector: 1, status: 'Available' },
      // received at 10:20 but reported for 10:05 (a queued message replayed after an outage)
      { at: '10:05', receivedAt: '10:20', connector: 1, status: 'Faulted', code: 'GroundFailure' },
    ]);
    expect(await rows(db, 'episodes', ['started_at', 'ended_at', 'duration_s'])).toEqual([{ started_at: t('10:05'), ended_at: t('10:10'), duration_s: 300 }]);
  });

  test('notifications at the same effective time are ordered by received time', async () => {
    await statuses(db, [
      { at: '10:00', receivedAt: '10:00:05', connector: 1, status: 'Available' },
      { at: '10:00', receivedAt: '10:00:01', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { at: '10:03', connector: 1, status: 'Faulted', code: 'GroundFailure' },
      { at: '10:04', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'episodes', ['started_at', 'ended_at', 'notifications'])).toEqual([
      { started_at: t('10:00'), ended_at: t('10:00'), notifications: 1 },
      { started_at: t('10:03'), ended_at: t('10:04'), notifications: 1 },
    ]);
  });

  test('an episode names the transaction running on its connector and the last one stopped before it', async () => {
    await transactions(db, [
      { connector: 1, id: 7, start: '09:00', stop: '09:30' },
      { connector: 1, id: 8, start: '10:40' },
      { connector: 2, id: 9, start: '10:45' },
    ]);
    await statuses(db, [
      { at: '10:50', connector: 1, status: 'SuspendedEVSE', code: 'EVCommunicationError' },
      { at: '10:55', connector: 1, status: 'Charging' },
    ]);
    expect(await rows(db, 'episodes', ['transaction_id', 'transaction_started_at', 'last_stopped_transaction_id', 'last_stopped_at'])).toEqual([
      { transaction_id: 8, transaction_started_at: t('10:40'), last_stopped_transaction_id: 7, last_stopped_at: t('09:30') },
    ]);
  });

  test('a transaction with no stop counts as running for 24 hours at most', async () => {
    await transactions(db, [{ connector: 1, id: 8, start: '03-01 08:00' }]);
    await statuses(db, [
      { at: '03-01 09:00', connector: 1, status: 'Faulted', code: 'OtherError' },
      { at: '03-01 09:01', connector: 1, status: 'Available' },
      { at: '03-02 09:00', connector: 1, status: 'Faulted', code: 'OtherError' },
      { at: '03-02 09:01', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'episodes', ['started_at', 'transaction_id'])).toEqual([
      { started_at: t('03-01 09:00'), transaction_id: 8 },
      { started_at: t('03-02 09:00'), transaction_id: null },
    ]);
  });

  test('notifications without a connector id are left out of the episodes', async () => {
    await statuses(db, [{ at: '10:00', connector: null, status: 'Faulted', code: 'GroundFailure' }]);
    expect(await rows(db, 'episodes', ['error_code'])).toEqual([]);
  });
});
