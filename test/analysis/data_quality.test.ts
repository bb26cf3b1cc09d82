import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { boots, commands, freshDb, rows, statuses, t } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

const columns = ['finding', 'station_id', 'count', 'first_at', 'example'];

describe('data quality', { timeout: 30_000 }, () => {
  test('each off-spec status notification is a finding of its own kind', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Faulted', code: 'Error' },
      { at: '10:01', connector: 1, status: 'Broken' },
      { at: '10:02', connector: 1, status: 'Faulted' },
      { at: '10:03', connector: 1, status: 'Faulted', code: 'EVCommunicationError' },
      { at: '10:04', connector: 1, status: 'Available', info: 'x'.repeat(51) },
      { at: '10:05', connector: 1, status: 'Available', reportedText: '0000-00-00T00:00:00.000Z', effectiveSource: 'received', implausible: true },
      { at: '10:06', receivedAt: '13:06', connector: 1, status: 'Available', skewS: -10800, implausible: true },
      { at: '10:07', connector: 0, status: 'Charging' },
      { at: '10:08', connector: null, status: 'Available' },
      // well-formed: no finding
      { at: '10:09', connector: 0, status: 'Unavailable' },
      { at: '10:10', connector: 1, status: 'SuspendedEVSE', code: 'EVCommunicationError', info: 'x'.repeat(50) },
    ]);
    expect(await rows(db, 'data_quality', columns)).toEqual([
      { finding: 'connector0_invalid_status', station_id: 'CP-1', count: 1, first_at: t('10:07'), example: 'Charging' },
      { finding: 'connector_id_missing', station_id: 'CP-1', count: 1, first_at: t('10:08'), example: null },
      { finding: 'ev_communication_error_faulted', station_id: 'CP-1', count: 1, first_at: t('10:03'), example: 'Faulted/EVCommunicationError' },
      { finding: 'faulted_without_error', station_id: 'CP-1', count: 1, first_at: t('10:02'), example: 'Faulted/NoError' },
      { finding: 'info_too_long', station_id: 'CP-1', count: 1, first_at: t('10:04'), example: 'x'.repeat(51) },
      { finding: 'reported_time_skewed', station_id: 'CP-1', count: 1, first_at: t('10:06'), example: `${t('10:06')} (-10800 s from receipt)` },
      { finding: 'reported_time_unusable', station_id: 'CP-1', count: 1, first_at: t('10:05'), example: '0000-00-00T00:00:00.000Z' },
      { finding: 'unknown_error_code', station_id: 'CP-1', count: 1, first_at: t('10:00'), example: 'Error' },
      { finding: 'unknown_status', station_id: 'CP-1', count: 1, first_at: t('10:01'), example: 'Broken' },
    ]);
  });

  test('commands with no answer or a CALLERROR, duplicates dropped and rejected lines are findings', async () => {
    await statuses(db, [{ at: '10:00', connector: 1, status: 'Available' }]);
    await commands(db, [
      { connector: 1, action: 'UnlockConnector', at: '10:05', outcome: 'no answer' },
      { action: 'Reset', at: '10:06', outcome: 'CALLERROR' },
      { action: 'Reset', at: '10:07', outcome: 'Accepted' },
    ]);
    await db.run(`insert into files values
      (1, '/logs/a.jsonl', 'aa', 100, 'ocpp-jsonl', now(), 10, 7, 1, 2, 0, 1, 'UTC'),
      (2, '/logs/b.jsonl', 'bb', 100, 'ocpp-jsonl', now(), 5, 5, 0, 0, 0, 0, 'UTC')`);
    await db.run(`insert into rejects values (1, 4, 'not JSON', '{"timestamp":')`);
    expect(await rows(db, 'data_quality', ['finding', 'station_id', 'count', 'example', 'example_file', 'example_line'])).toEqual([
      { finding: 'call_error', station_id: 'CP-1', count: 1, example: 'Reset c2', example_file: null, example_line: null },
      { finding: 'call_no_answer', station_id: 'CP-1', count: 1, example: 'UnlockConnector c1', example_file: null, example_line: null },
      { finding: 'duplicates_dropped', station_id: null, count: 2, example: null, example_file: '/logs/a.jsonl', example_line: null },
      { finding: 'rejected_lines', station_id: null, count: 1, example: 'not JSON', example_file: '/logs/a.jsonl', example_line: 4 },
    ]);
    expect(await rows(db, 'data_quality_findings', ['finding', 'count', 'stations', 'files'])).toEqual([
      { finding: 'duplicates_dropped', count: 2, stations: 0, files: 1 },
      { finding: 'call_error', count: 1, stations: 1, files: 0 },
      { finding: 'call_no_answer', count: 1, stations: 1, files: 0 },
      { finding: 'rejected_lines', count: 1, stations: 0, files: 1 },
    ]);
  });

  test('station findings carry the firmware the station ran at the time, and roll up by vendor, model and firmware', async () => {
    await boots(db, [
      { station: 'CP-1', at: '09:00', vendor: 'Acme', model: 'AC22', firmware: '1.0' },
      { station: 'CP-1', at: '12:00', vendor: 'Acme', model: 'AC22', firmware: '1.1' },
      { station: 'CP-2', at: '09:00', vendor: 'Acme', model: 'AC22', firmware: '1.0' },
      { station: 'CP-3', at: '09:00', vendor: 'Volt', model: 'DC50', firmware: '7' },
    ]);
    await statuses(db, [
      // before any boot: the station's first boot is used
      { at: '08:00', station: 'CP-1', connector: 1, status: 'Faulted', code: 'Error' },
      { at: '10:00', station: 'CP-1', connector: 1, status: 'Faulted', code: 'Error' },
      { at: '13:00', station: 'CP-1', connector: 1, status: 'Faulted', code: 'Error' },
      { at: '10:00', station: 'CP-2', connector: 1, status: 'Faulted', code: 'Error' },
      { at: '10:00', station: 'CP-3', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'data_quality', ['station_id', 'firmware_version', 'count'])).toEqual([
      { station_id: 'CP-1', firmware_version: '1.0', count: 2 },
      { station_id: 'CP-1', firmware_version: '1.1', count: 1 },
      { station_id: 'CP-2', firmware_version: '1.0', count: 1 },
    ]);
    expect(await rows(db, 'data_quality_models', ['finding', 'vendor', 'model', 'firmware_version', 'stations', 'stations_total', 'count', 'count_per_station'])).toEqual([
      { finding: 'unknown_error_code', vendor: 'Acme', model: 'AC22', firmware_version: '1.0', stations: 2, stations_total: 2, count: 3, count_per_station: 1.5 },
      { finding: 'unknown_error_code', vendor: 'Acme', model: 'AC22', firmware_version: '1.1', stations: 1, stations_total: 1, count: 1, count_per_station: 1 },
    ]);
  });

  test('station findings are counted within the window', async () => {
    await statuses(db, [
      { at: '09:00', connector: 1, status: 'Faulted', code: 'Error' },
      { at: '10:00', connector: 1, status: 'Faulted', code: 'Error' },
      { at: '11:00', connector: 1, status: 'Faulted', code: 'Error' },
    ]);
    expect(await rows(db, 'data_quality', ['count', 'first_at', 'last_at'], { window: { from: t('09:30'), to: t('11:00') } })).toEqual([
      { count: 1, first_at: t('10:00'), last_at: t('10:00') },
    ]);
  });
});
