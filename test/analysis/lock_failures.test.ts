import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { commands, freshDb, messages, rows, statuses, t, transactions, type StatusRow } from './helpers.js';

let db: Database;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

const verdict = ['classification', 'reason'];

/** One plug-in attempt on connector 1 at `day` 10:00 that fails with a lock failure lasting `seconds`. */
function failedPlugIn(day: string, seconds: number, station = 'CP-1'): StatusRow[] {
  const at = (s: number) => new Date(Date.parse(t(`${day} 10:00`)) + s * 1000).toISOString();
  return [
    { at: at(0), station, connector: 1, status: 'Available' },
    { at: at(60), station, connector: 1, status: 'Preparing' },
    { at: at(70), station, connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
    { at: at(70 + seconds), station, connector: 1, status: 'Available' },
  ];
}

describe('lock failures', { timeout: 30_000 }, () => {
  test('the conformance-test lock failure at plug-in (Preparing, then Faulted, no transaction) is driver misuse', async () => {
    await statuses(db, [
      { at: '10:00:00', connector: 1, status: 'Available' },
      { at: '10:01:00', connector: 1, status: 'Preparing' },
      { at: '10:01:08', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '10:01:43', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', [...verdict, 'duration_s', 'transaction_id', 'at_plug_in', 'since_plug_in_s', 'unlock_attempts', 'reset_attempts'])).toEqual([
      {
        classification: 'driver_misuse',
        reason: 'raised 8 s after plug-in, no transaction running; cleared by itself after 35 s',
        duration_s: 35, transaction_id: null, at_plug_in: true, since_plug_in_s: 8, unlock_attempts: 0, reset_attempts: 0,
      },
    ]);
  });

  test('a stuck lock after StopTransaction with UnlockFailed, cleared by a Reset', async () => {
    await transactions(db, [{ connector: 1, id: 42, start: '10:01:10', stop: '11:00:00' }]);
    await statuses(db, [
      { at: '10:01:00', connector: 1, status: 'Preparing' },
      { at: '10:01:12', connector: 1, status: 'Charging' },
      { at: '11:00:02', connector: 1, status: 'Finishing' },
      { at: '11:00:30', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '11:01:30', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '11:12:30', connector: 1, status: 'Available' },
    ]);
    await commands(db, [
      { connector: 1, action: 'UnlockConnector', at: '11:05:00', outcome: 'UnlockFailed' },
      { action: 'Reset', at: '11:10:00', outcome: 'Accepted' },
    ]);
    expect(
      await rows(db, 'lock_failures', [...verdict, 'transaction_id', 'unlock_attempts', 'unlock_result', 'reset_attempts', 'after_stop', 'since_stop_s', 'transaction_state']),
    ).toEqual([
      {
        classification: 'stuck_lock',
        reason: 'raised 30 s after transaction 42 stopped, cable not yet removed; remote unlock: UnlockFailed; cleared 3 min after a Reset; lasted 12 min',
        transaction_id: 42, unlock_attempts: 1, unlock_result: 'UnlockFailed', reset_attempts: 1, after_stop: true, since_stop_s: 30, transaction_state: 'stopped',
      },
    ]);
    expect(await rows(db, 'remediation', ['resolution', 'unlock_outcomes', 'unlock_freed', 'reset_outcomes', 'reset_cleared', 'time_to_first_command_s'])).toEqual([
      { resolution: 'reset', unlock_outcomes: 'UnlockFailed', unlock_freed: false, reset_outcomes: 'Accepted', reset_cleared: true, time_to_first_command_s: 270 },
    ]);
  });

  test('a lock failure after a stop with no Available since is a stuck lock even when the charger skipped Finishing', async () => {
    await transactions(db, [{ connector: 1, id: 5, start: '09:00', stop: '10:00' }]);
    await statuses(db, [
      { at: '08:59', connector: 1, status: 'Available' },
      { at: '09:00', connector: 1, status: 'Charging' },
      { at: '10:00:20', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '10:02:00', connector: 1, status: 'Available' },
    ]);
    await commands(db, [{ connector: 1, action: 'UnlockConnector', at: '10:01:30', outcome: 'Unlocked' }]);
    expect(await rows(db, 'lock_failures', [...verdict, 'after_stop'])).toEqual([
      {
        classification: 'stuck_lock',
        reason: 'raised 20 s after transaction 5 stopped, cable not yet removed; remote unlock: Unlocked; cleared 30 s after the unlock (100 s in all)',
        after_stop: true,
      },
    ]);
    expect(await rows(db, 'remediation', ['resolution', 'unlock_freed'])).toEqual([{ resolution: 'remote unlock', unlock_freed: true }]);
  });

  test('a Preparing after the stop with the cable never seen out is both at plug-in and after the stop: conflicting, and a failed plug-in', async () => {
    // connector 1: the charger's Finishing and Available after transaction 5 were lost; two hours later a plug-in.
    // connector 2: Finishing straight to Preparing: a driver starting again without unplugging, or presenting the card
    // to free a cable stuck in. Either way the domain's signals of both sides are there
    await transactions(db, [
      { connector: 1, id: 5, start: '09:00', stop: '10:00' },
      { connector: 2, id: 6, start: '10:00', stop: '11:00' },
    ]);
    await statuses(db, [
      { at: '08:59', connector: 1, status: 'Available' },
      { at: '09:00', connector: 1, status: 'Charging' },
      { at: '12:00:00', connector: 1, status: 'Preparing' },
      { at: '12:00:10', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '12:00:40', connector: 1, status: 'Available' },
      { at: '10:00', connector: 2, status: 'Charging' },
      { at: '11:00:02', connector: 2, status: 'Finishing' },
      { at: '11:03:00', connector: 2, status: 'Preparing' },
      { at: '11:03:08', connector: 2, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '11:03:40', connector: 2, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', ['connector_id', ...verdict, 'after_stop', 'at_plug_in', 'since_plug_in_s', 'since_stop_s', 'transaction_id'])).toEqual([
      {
        connector_id: 1,
        classification: 'undetermined',
        reason: 'conflicting evidence: raised 10 s after plug-in, the cable not seen out since transaction 5 stopped 2 h before; cleared by itself after 30 s',
        after_stop: true, at_plug_in: true, since_plug_in_s: 10, since_stop_s: 7210, transaction_id: 5,
      },
      {
        connector_id: 2,
        classification: 'undetermined',
        reason: 'conflicting evidence: raised 8 s after plug-in, the cable not seen out since transaction 6 stopped 3 min before; cleared by itself after 32 s',
        after_stop: true, at_plug_in: true, since_plug_in_s: 8, since_stop_s: 188, transaction_id: 6,
      },
    ]);
    expect(await rows(db, 'lock_connectors', ['connector_id', 'failed_attempts'])).toEqual([
      { connector_id: 1, failed_attempts: 1 },
      { connector_id: 2, failed_attempts: 1 },
    ]);
  });

  test('a stop after the plug-in, and an Authorize while Finishing (a driver freeing the cable), leave a lock failure after the stop', async () => {
    // connector 1: transaction 7 started and stopped while the connector was still Preparing
    // connector 2: after transaction 8 the driver presents the card again, as chargers ask to free a locked cable
    await transactions(db, [
      { connector: 1, id: 7, start: '09:00:30', stop: '09:05' },
      { connector: 2, id: 8, start: '10:00:05', stop: '11:00' },
    ]);
    await messages(db, [{ at: '11:05:00', action: 'Authorize' }]);
    await statuses(db, [
      { at: '08:59', connector: 1, status: 'Available' },
      { at: '09:00', connector: 1, status: 'Preparing' },
      { at: '09:05:20', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '09:06:20', connector: 1, status: 'Available' },
      { at: '09:59:50', connector: 2, status: 'Preparing' },
      { at: '10:00:05', connector: 2, status: 'Charging' },
      { at: '11:00:02', connector: 2, status: 'Finishing' },
      { at: '11:05:10', connector: 2, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '11:06:10', connector: 2, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', ['connector_id', ...verdict, 'after_stop', 'at_plug_in', 'since_stop_s', 'transaction_id'])).toEqual([
      {
        connector_id: 1, classification: 'stuck_lock', reason: 'raised 20 s after transaction 7 stopped, cable not yet removed; cleared by itself after 60 s',
        after_stop: true, at_plug_in: false, since_stop_s: 20, transaction_id: 7,
      },
      {
        connector_id: 2, classification: 'stuck_lock', reason: 'raised 5 min after transaction 8 stopped, cable not yet removed; cleared by itself after 60 s',
        after_stop: true, at_plug_in: false, since_stop_s: 310, transaction_id: 8,
      },
    ]);
  });

  test('an unlock under way when the failure was raised is one of its unlock attempts', async () => {
    // the help desk unlocks at 10:00:00; the charger answers UnlockFailed at 10:00:01 and raises the lock failure then
    await statuses(db, [
      { at: '09:00', connector: 1, status: 'Available' },
      { at: '10:00:01', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '10:05:01', connector: 1, status: 'Available' },
    ]);
    await commands(db, [{ connector: 1, action: 'UnlockConnector', at: '10:00:00', outcome: 'UnlockFailed' }]);
    expect(await rows(db, 'lock_failures', [...verdict, 'unlock_attempts', 'unlock_result'])).toEqual([
      {
        classification: 'stuck_lock',
        reason: 'raised with no plug-in or transaction context (status before: Available); remote unlock: UnlockFailed; cleared after 5 min',
        unlock_attempts: 1,
        unlock_result: 'UnlockFailed',
      },
    ]);
    expect(await rows(db, 'remediation', ['unlock_outcomes', 'time_to_first_command_s'])).toEqual([{ unlock_outcomes: 'UnlockFailed', time_to_first_command_s: 0 }]);
  });

  test('a lock failure raised just before its StopTransaction, and lasting past it, is after the stop', async () => {
    // connector 1: the charger fails to unlock at the end of transaction 9 and reports it 1 s before its
    // StopTransaction. Connector 2: transaction 10 goes on for 2 min after the failure, longer than the 60 s race
    await transactions(db, [
      { connector: 1, id: 9, start: '10:00', stop: '11:00:01' },
      { connector: 2, id: 10, start: '10:00', stop: '11:02:00' },
    ]);
    await statuses(db, [1, 2].flatMap((connector) => [
      { at: '10:00', connector, status: 'Charging' },
      { at: '11:00:00', connector, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '11:05:00', connector, status: 'Available' },
    ]));
    await commands(db, [1, 2].map((connector) => ({ connector, action: 'UnlockConnector', at: '11:03:00', outcome: 'Unlocked' })));
    expect(await rows(db, 'lock_failures', ['connector_id', ...verdict, 'after_stop', 'since_stop_s', 'transaction_id', 'transaction_state'])).toEqual([
      {
        connector_id: 1,
        classification: 'stuck_lock',
        reason: 'raised 1 s before transaction 9 stopped, cable not yet removed; remote unlock: Unlocked; cleared 2 min after the unlock (5 min in all)',
        after_stop: true, since_stop_s: -1, transaction_id: 9, transaction_state: 'stopped',
      },
      {
        connector_id: 2,
        classification: 'undetermined',
        reason: 'not enough evidence: raised during transaction 10; remote unlock: Unlocked; cleared 2 min after the unlock (5 min in all)',
        after_stop: false, since_stop_s: null, transaction_id: 10, transaction_state: 'running',
      },
    ]);
  });

  test('a long lock failure with no plug-in or transaction context counts as a stuck lock', async () => {
    await statuses(db, [
      { at: '11:00', connector: 2, status: 'Available' },
      { at: '12:00', connector: 2, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '12:42', connector: 2, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', [...verdict, 'long_lasting'])).toEqual([
      {
        classification: 'stuck_lock',
        reason: 'raised with no plug-in or transaction context (status before: Available); cleared by itself after 42 min; 15 min or longer counts as a stuck lock',
        long_lasting: true,
      },
    ]);
  });

  test('the thresholds are configurable: with a one-hour stuck threshold the 42-minute failure is undetermined', async () => {
    await statuses(db, [
      { at: '11:00', connector: 2, status: 'Available' },
      { at: '12:00', connector: 2, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '12:42', connector: 2, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', ['classification'], { config: { stuckMinDurationS: 3600 } })).toEqual([{ classification: 'undetermined' }]);
  });

  test('a long lock failure at plug-in is undetermined: the two sides conflict', async () => {
    await statuses(db, failedPlugIn('03-02', 40 * 60));
    expect(await rows(db, 'lock_failures', verdict)).toEqual([
      { classification: 'undetermined', reason: 'conflicting evidence: raised 10 s after plug-in, no transaction running; cleared by itself after 40 min' },
    ]);
    // with a misuse window of an hour and a stuck threshold of two, the same failure is misuse
    expect(await rows(db, 'lock_failures', ['classification'], { config: { misuseMaxDurationS: 3600, stuckMinDurationS: 7200 } })).toEqual([
      { classification: 'driver_misuse' },
    ]);
  });

  test('a short lock failure with no context is undetermined for lack of evidence', async () => {
    await statuses(db, [
      { at: '11:00', connector: 1, status: 'Available' },
      { at: '12:00', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '12:01', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', verdict)).toEqual([
      { classification: 'undetermined', reason: 'not enough evidence: raised with no plug-in or transaction context (status before: Available); cleared by itself after 60 s' },
    ]);
  });

  test('a short lock failure still open at the end of the data is too early to tell', async () => {
    await statuses(db, [
      { at: '11:00', connector: 1, status: 'Available' },
      { at: '12:00', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
    ]);
    await messages(db, [{ at: '12:03', action: 'Heartbeat' }]);
    expect(await rows(db, 'lock_failures', [...verdict, 'open'])).toEqual([
      { classification: 'undetermined', reason: 'too early to tell: raised with no plug-in or transaction context (status before: Available); still open after 3 min', open: true },
    ]);
  });

  test('a lock failure during a transaction names it', async () => {
    await transactions(db, [{ connector: 1, id: 77, start: '10:00' }]);
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Charging' },
      { at: '10:30', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '10:31', connector: 1, status: 'Charging' },
    ]);
    expect(await rows(db, 'lock_failures', [...verdict, 'transaction_id', 'transaction_state'])).toEqual([
      { classification: 'undetermined', reason: 'not enough evidence: raised during transaction 77; cleared by itself after 60 s', transaction_id: 77, transaction_state: 'running' },
    ]);
  });

  test('an Authorize just before counts as plug-in when the charger sends no Preparing, and a following session is named', async () => {
    await messages(db, [{ at: '10:00:00', action: 'Authorize' }]);
    await transactions(db, [{ connector: 1, id: 3, start: '10:03:00', stop: '11:00' }]);
    await statuses(db, [
      { at: '09:00', connector: 1, status: 'Available' },
      { at: '10:00:15', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '10:01:15', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', verdict)).toEqual([
      {
        classification: 'driver_misuse',
        reason: 'raised 15 s after an Authorize, no transaction running; cleared by itself after 60 s; transaction 3 started 105 s later',
      },
    ]);
  });

  test('an Authorize a session on another connector took up is no plug-in of this one', async () => {
    // the driver of connector 2 authorizes and starts transaction 701; 30 s later connector 1 reports a lock failure
    // with no Preparing: nothing says a cable went into connector 1
    await messages(db, [{ at: '10:00:00', action: 'Authorize' }]);
    await transactions(db, [{ connector: 2, id: 701, start: '10:00:30' }]);
    await statuses(db, [
      { at: '09:00', connector: 1, status: 'Available' },
      { at: '10:00:05', connector: 2, status: 'Preparing' },
      { at: '10:00:31', connector: 2, status: 'Charging' },
      { at: '10:01:00', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
      { at: '10:02:00', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', [...verdict, 'at_plug_in', 'since_plug_in_s'])).toEqual([
      {
        classification: 'undetermined',
        reason: 'not enough evidence: raised with no plug-in or transaction context (status before: Available); cleared by itself after 60 s',
        at_plug_in: false,
        since_plug_in_s: null,
      },
    ]);
  });

  test('a vendor code that names the lock failure in a repeat of the notification counts, not only the first one', async () => {
    // OtherError is the code of both notifications, so they are one episode; only the repeat names the broken latch.
    // Connector 1 first said CX001 (a lock failure), connector 2 first said CX099 (no lock code at all)
    const chargex = 'https://chargex.inl.gov';
    await statuses(db, [1, 2].flatMap((connector) => [
      { at: '10:00:00', connector, status: 'Preparing' },
      { at: '10:00:20', connector, status: 'Faulted', code: 'OtherError', vendorId: chargex, vendorErrorCode: connector === 1 ? 'CX001' : 'CX099' },
      { at: '10:00:40', connector, status: 'Faulted', code: 'OtherError', vendorId: chargex, vendorErrorCode: 'CX025' },
      { at: '11:00:00', connector, status: 'Available' },
    ]));
    const reason = 'raised 20 s after plug-in, no transaction running; vendor code CX025 (broken latch, a hardware fault); cleared by itself after 60 min';
    expect(await rows(db, 'lock_failures', ['connector_id', ...verdict, 'vendor_error_code', 'vendor_signal'])).toEqual([
      { connector_id: 1, classification: 'stuck_lock', reason, vendor_error_code: 'CX001', vendor_signal: 'hardware' },
      { connector_id: 2, classification: 'stuck_lock', reason, vendor_error_code: 'CX099', vendor_signal: 'hardware' },
    ]);
  });

  test('vendor codes of both sides in one episode are conflicting evidence', async () => {
    await statuses(db, [
      { at: '10:00:00', connector: 1, status: 'Preparing' },
      { at: '10:00:20', connector: 1, status: 'Faulted', code: 'OtherError', vendorId: 'https://chargex.inl.gov', vendorErrorCode: 'CX020' },
      { at: '10:00:40', connector: 1, status: 'Faulted', code: 'OtherError', vendorId: 'https://chargex.inl.gov', vendorErrorCode: 'CX025' },
      { at: '10:01:00', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', [...verdict, 'vendor_signal'])).toEqual([
      {
        classification: 'undetermined',
        reason: 'conflicting evidence: raised 20 s after plug-in, no transaction running; vendor codes CX020 (partial insertion, a driver issue), CX025 (broken latch, a hardware fault); cleared by itself after 40 s',
        vendor_signal: 'conflicting',
      },
    ]);
  });

  test('vendor codes: ChargeX CX020 and EVgo A001 are a driver issue, ChargeX CX025 and EVgo F-codes a hardware fault', async () => {
    await statuses(db, [
      // CX020 labels it partial insertion, even though it lasted 30 min (the charger's own diagnosis beats the duration)
      { at: '10:00', station: 'CX-1', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure', vendorId: 'https://chargex.inl.gov', vendorErrorCode: 'CX020' },
      { at: '10:30', station: 'CX-1', connector: 1, status: 'Available' },
      // CX025 broken latch, raised with OtherError: still a lock failure, and stuck
      { at: '10:00', station: 'CX-2', connector: 1, status: 'Faulted', code: 'OtherError', vendorId: 'https://chargex.inl.gov', vendorErrorCode: 'CX025' },
      { at: '10:02', station: 'CX-2', connector: 1, status: 'Available' },
      { at: '10:00', station: 'EV-1', connector: 1, status: 'Faulted', code: 'OtherError', vendorId: 'com.evgo.mrec', vendorErrorCode: 'A001' },
      { at: '10:01', station: 'EV-1', connector: 1, status: 'Available' },
      { at: '10:00', station: 'EV-2', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure', vendorId: 'com.evgo.mrec', vendorErrorCode: 'F012' },
      { at: '10:01', station: 'EV-2', connector: 1, status: 'Available' },
      // an EVgo F-code that is not a lock failure stays out of the lock failures
      { at: '10:00', station: 'EV-3', connector: 1, status: 'Faulted', code: 'GroundFailure', vendorId: 'com.evgo.mrec', vendorErrorCode: 'F001' },
      { at: '10:01', station: 'EV-3', connector: 1, status: 'Available' },
    ]);
    expect(await rows(db, 'lock_failures', ['station_id', 'error_code', 'classification', 'vendor_error_code', 'vendor_signal', 'reason'])).toEqual([
      {
        station_id: 'CX-1', error_code: 'ConnectorLockFailure', classification: 'driver_misuse', vendor_error_code: 'CX020', vendor_signal: 'user',
        reason: 'raised with no plug-in or transaction context (status before: none); vendor code CX020 (partial insertion, a driver issue); cleared by itself after 30 min',
      },
      {
        station_id: 'CX-2', error_code: 'OtherError', classification: 'stuck_lock', vendor_error_code: 'CX025', vendor_signal: 'hardware',
        reason: 'raised with no plug-in or transaction context (status before: none); vendor code CX025 (broken latch, a hardware fault); cleared by itself after 2 min',
      },
      {
        station_id: 'EV-1', error_code: 'OtherError', classification: 'driver_misuse', vendor_error_code: 'A001', vendor_signal: 'user',
        reason: 'raised with no plug-in or transaction context (status before: none); vendor code A001 (partial insertion, a driver issue); cleared by itself after 60 s',
      },
      {
        station_id: 'EV-2', error_code: 'ConnectorLockFailure', classification: 'stuck_lock', vendor_error_code: 'F012', vendor_signal: 'hardware',
        reason: 'raised with no plug-in or transaction context (status before: none); vendor code F012 (EVgo hardware/safety fault); cleared by itself after 60 s',
      },
    ]);
  });

  test('a driver vendor code together with a failed remote unlock is conflicting evidence', async () => {
    await statuses(db, [
      { at: '10:00', connector: 1, status: 'Preparing' },
      { at: '10:01', connector: 1, status: 'Faulted', code: 'ConnectorLockFailure', vendorId: 'com.evgo.mrec', vendorErrorCode: 'A002' },
      { at: '10:20', connector: 1, status: 'Available' },
    ]);
    await commands(db, [{ connector: 1, action: 'UnlockConnector', at: '10:05', outcome: 'UnlockFailed' }]);
    expect(await rows(db, 'lock_failures', verdict)).toEqual([
      {
        classification: 'undetermined',
        reason: 'conflicting evidence: raised 60 s after plug-in, no transaction running; vendor code A002 (failed vehicle lock, a driver issue); remote unlock: UnlockFailed; cleared after 19 min',
      },
    ]);
  });
});

describe('lock connectors', { timeout: 30_000 }, () => {
  test('a connector that fails on every plug-in attempt is mechanism_suspected, though each failure alone looks like misuse', async () => {
    await statuses(db, [...failedPlugIn('03-02', 20), ...failedPlugIn('03-03', 25), ...failedPlugIn('03-04', 30), ...failedPlugIn('03-05', 15)]);
    expect((await rows(db, 'lock_failures', ['classification'])).map((r) => r['classification'])).toEqual(['driver_misuse', 'driver_misuse', 'driver_misuse', 'driver_misuse']);
    expect(
      await rows(db, 'lock_connectors', [
        'station_id', 'connector_id', 'lock_failures', 'stuck_lock', 'driver_misuse', 'undetermined', 'plug_in_attempts', 'successful_sessions', 'mechanism_suspected', 'verdict_reason',
      ]),
    ).toEqual([
      {
        station_id: 'CP-1', connector_id: 1, lock_failures: 4, stuck_lock: 0, driver_misuse: 4, undetermined: 0, plug_in_attempts: 4, successful_sessions: 0, mechanism_suspected: true,
        verdict_reason: '4 of 4 plug-in attempts failed with a lock failure, 0 successful session(s); 4 lock failure(s) within 7 days at most, 4 with no successful session between them',
      },
    ]);
  });

  test('the mechanism rule is configurable', async () => {
    await statuses(db, [...failedPlugIn('03-02', 20), ...failedPlugIn('03-03', 25)]);
    expect(await rows(db, 'lock_connectors', ['mechanism_suspected'])).toEqual([{ mechanism_suspected: false }]);
    expect(await rows(db, 'lock_connectors', ['mechanism_suspected'], { config: { mechanismMinFailures: 2 } })).toEqual([{ mechanism_suspected: true }]);
  });

  test('lock failures among many successful sessions do not make the mechanism suspect', async () => {
    const rowsIn: StatusRow[] = [...failedPlugIn('03-02', 20), ...failedPlugIn('03-03', 20), ...failedPlugIn('03-04', 20)];
    const sessions = [];
    for (let day = 2; day <= 5; day++) {
      const d = `03-0${day}`;
      rowsIn.push(
        { at: `${d} 14:00`, connector: 1, status: 'Preparing' },
        { at: `${d} 14:01`, connector: 1, status: 'Charging' },
        { at: `${d} 15:00`, connector: 1, status: 'Finishing' },
        { at: `${d} 15:01`, connector: 1, status: 'Available' },
      );
      sessions.push({ connector: 1, id: day, start: `${d} 14:01`, stop: `${d} 15:00` });
    }
    await statuses(db, rowsIn);
    await transactions(db, sessions);
    expect(await rows(db, 'lock_connectors', ['lock_failures', 'plug_in_attempts', 'successful_sessions', 'failed_attempt_share', 'mechanism_suspected'])).toEqual([
      { lock_failures: 3, plug_in_attempts: 7, successful_sessions: 4, failed_attempt_share: 0.4286, mechanism_suspected: false },
    ]);
  });

  /** A session on connector 1 plugged in at `day` `hh:mm` (Preparing), charging from a minute later for an hour. */
  function session(day: string, hhmm: string, id: number): { rows: StatusRow[]; transaction: { connector: number; id: number; start: string; stop: string } } {
    const at = (minutes: number) => new Date(Date.parse(t(`${day} ${hhmm}`)) + minutes * 60_000).toISOString();
    return {
      rows: [
        { at: at(0), connector: 1, status: 'Preparing' },
        { at: at(1), connector: 1, status: 'Charging' },
        { at: at(61), connector: 1, status: 'Finishing' },
        { at: at(62), connector: 1, status: 'Available' },
      ],
      transaction: { connector: 1, id, start: at(1), stop: at(61) },
    };
  }

  test('failed plug-ins that each a successful session follows are driver misuse, not a suspect mechanism, though half the attempts failed', async () => {
    // each day: a plug-in that fails for 30 s, then a re-plug at 10:05 that charges for an hour
    const days = ['03-02', '03-03', '03-04'].map((day, i) => ({ failed: failedPlugIn(day, 30), replug: session(day, '10:05', 100 + i) }));
    await statuses(db, days.flatMap((d) => [...d.failed, ...d.replug.rows]));
    await transactions(db, days.map((d) => d.replug.transaction));
    expect((await rows(db, 'lock_failures', ['classification'])).map((r) => r['classification'])).toEqual(['driver_misuse', 'driver_misuse', 'driver_misuse']);
    expect(
      await rows(db, 'lock_connectors', [
        'lock_failures', 'plug_in_attempts', 'successful_sessions', 'failed_attempts', 'failed_attempt_share', 'max_failures_in_days', 'max_failures_between_sessions', 'mechanism_suspected', 'verdict_reason',
      ]),
    ).toEqual([
      {
        lock_failures: 3, plug_in_attempts: 6, successful_sessions: 3, failed_attempts: 3, failed_attempt_share: 0.5, max_failures_in_days: 3, max_failures_between_sessions: 1,
        mechanism_suspected: false,
        verdict_reason: '3 of 6 plug-in attempts failed with a lock failure, 3 successful session(s); 3 lock failure(s) within 7 days at most, 1 with no successful session between them',
      },
    ]);
  });

  test('three failed plug-ins with no successful session between them make the mechanism suspect, with sessions before and after them', async () => {
    const before = session('03-02', '14:00', 1);
    const after = session('03-06', '14:00', 2);
    await statuses(db, [...before.rows, ...failedPlugIn('03-03', 20), ...failedPlugIn('03-04', 25), ...failedPlugIn('03-05', 30), ...after.rows]);
    await transactions(db, [before.transaction, after.transaction]);
    expect(
      await rows(db, 'lock_connectors', ['lock_failures', 'plug_in_attempts', 'successful_sessions', 'failed_attempt_share', 'max_failures_between_sessions', 'mechanism_suspected', 'verdict_reason']),
    ).toEqual([
      {
        lock_failures: 3, plug_in_attempts: 5, successful_sessions: 2, failed_attempt_share: 0.6, max_failures_between_sessions: 3, mechanism_suspected: true,
        verdict_reason: '3 of 5 plug-in attempts failed with a lock failure, 2 successful session(s); 3 lock failure(s) within 7 days at most, 3 with no successful session between them',
      },
    ]);
    // a successful session on 03-04 at 14:00 splits them into one and two
    await statuses(db, session('03-04', '14:00', 3).rows);
    await transactions(db, [session('03-04', '14:00', 3).transaction]);
    expect(await rows(db, 'lock_connectors', ['plug_in_attempts', 'successful_sessions', 'max_failures_between_sessions', 'mechanism_suspected'])).toEqual([
      { plug_in_attempts: 6, successful_sessions: 3, max_failures_between_sessions: 2, mechanism_suspected: false },
    ]);
  });

  test('three stuck locks within a week make the mechanism suspect even between successful sessions', async () => {
    const rowsIn: StatusRow[] = [];
    const sessions = [];
    for (let day = 2; day <= 4; day++) {
      const d = `03-0${day}`;
      rowsIn.push(
        { at: `${d} 14:00`, connector: 1, status: 'Preparing' },
        { at: `${d} 14:01`, connector: 1, status: 'Charging' },
        { at: `${d} 15:00`, connector: 1, status: 'Finishing' },
        { at: `${d} 15:01`, connector: 1, status: 'Faulted', code: 'ConnectorLockFailure' },
        { at: `${d} 15:30`, connector: 1, status: 'Available' },
      );
      sessions.push({ connector: 1, id: day, start: `${d} 14:01`, stop: `${d} 15:00` });
    }
    await statuses(db, rowsIn);
    await transactions(db, sessions);
    expect(await rows(db, 'lock_connectors', ['stuck_lock', 'plug_in_attempts', 'successful_sessions', 'mechanism_suspected', 'verdict_reason'])).toEqual([
      {
        stuck_lock: 3, plug_in_attempts: 3, successful_sessions: 3, mechanism_suspected: true,
        verdict_reason: '0 of 3 plug-in attempts failed with a lock failure, 3 successful session(s); 3 lock failure(s) within 7 days at most, 1 with no successful session between them; 3 stuck locks within 7 days',
      },
    ]);
    expect(await rows(db, 'remediation_fleet', ['stuck_locks', 'with_unlock_attempt', 'unlock_success_rate', 'cleared_by_reset', 'reset_needed_rate', 'cleared_by_itself'])).toEqual([
      { stuck_locks: 3, with_unlock_attempt: 0, unlock_success_rate: null, cleared_by_reset: 0, reset_needed_rate: 0, cleared_by_itself: 3 },
    ]);
  });
});
