import { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrations.js';
import { runResult, type AnalysisOptions, type ResultName } from '../../src/analysis/results.js';

/** A fresh in-memory database at the current schema, with the session macros (Database.open defines them). */
export async function freshDb(): Promise<Database> {
  const db = await Database.open(':memory:');
  await migrate(db);
  return db;
}

/** '10:05' or '10:05:30' on 2026-03-02, '03-05 10:05' on that day of March 2026, or a full ISO time. */
export function t(text: string): string {
  return new Date(isoOf(text)).toISOString();
}

function isoOf(text: string): string {
  if (/^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) return `2026-03-02T${text.length === 5 ? `${text}:00` : text}Z`;
  const m = /^(\d{2})-(\d{2}) (\d{2}:\d{2}(?::\d{2})?)$/.exec(text);
  if (m) return `2026-${m[1]}-${m[2]}T${m[3]!.length === 5 ? `${m[3]}:00` : m[3]}Z`;
  return text;
}

const knownStatuses = ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted'];
const knownCodes = [
  'ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'NoError',
  'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage',
  'OverVoltage', 'WeakSignal',
];

export interface StatusRow {
  at: string;
  station?: string;
  connector: number | null;
  status: string;
  code?: string;
  info?: string;
  vendorId?: string;
  vendorErrorCode?: string;
  /** receive time when it differs from `at` (the effective time) */
  receivedAt?: string;
  /** payload time text; with `effectiveSource` 'received' the payload time was not usable */
  reportedText?: string;
  effectiveSource?: 'reported' | 'received';
  skewS?: number;
  implausible?: boolean;
  fileId?: number;
}

let lineNo = 0;

/** Inserts StatusNotifications with the flags ingest would set. */
export async function statuses(db: Database, rows: StatusRow[]): Promise<void> {
  for (const r of rows) {
    const code = r.code ?? 'NoError';
    await db.run(
      `insert into status_notifications values ($station, $connector, $status, $code, $info, $vendor_id, $vendor_error_code,
        cast($reported_at as timestamptz), $reported_text, cast($received_at as timestamptz), cast($effective_at as timestamptz), $effective_source,
        $known_status, $known_code, $info_too_long, $skew, $implausible, 'ocpp', 0, $file_id, $line_no)`,
      {
        station: r.station ?? 'CP-1',
        connector: r.connector,
        status: r.status,
        code,
        info: r.info ?? null,
        vendor_id: r.vendorId ?? null,
        vendor_error_code: r.vendorErrorCode ?? null,
        reported_at: r.effectiveSource === 'received' ? null : t(r.at),
        reported_text: r.reportedText ?? t(r.at),
        received_at: t(r.receivedAt ?? r.at),
        effective_at: t(r.at),
        effective_source: r.effectiveSource ?? 'reported',
        known_status: knownStatuses.includes(r.status),
        known_code: knownCodes.includes(code),
        info_too_long: (r.info ?? '').length > 50,
        skew: r.skewS ?? 0,
        implausible: r.implausible ?? false,
        file_id: r.fileId ?? 1,
        line_no: ++lineNo,
      },
    );
  }
}

export interface TransactionRow {
  station?: string;
  connector: number;
  id: number;
  start: string;
  stop?: string;
  reason?: string;
  meterStart?: number;
  meterStop?: number;
  idTagStatus?: string;
}

export async function transactions(db: Database, rows: TransactionRow[]): Promise<void> {
  for (const r of rows) {
    await db.run(
      `insert into transactions values ($station, $connector, $id, 'TAG', cast($start as timestamptz), cast($stop as timestamptz), $reason,
        $meter_start, $meter_stop, 'u', $id_tag_status)`,
      {
        station: r.station ?? 'CP-1',
        connector: r.connector,
        id: r.id,
        start: t(r.start),
        stop: r.stop === undefined ? null : t(r.stop),
        reason: r.stop === undefined ? null : (r.reason ?? 'Local'),
        meter_start: r.meterStart ?? 0,
        meter_stop: r.stop === undefined ? null : (r.meterStop ?? 10000),
        id_tag_status: r.idTagStatus ?? 'Accepted',
      },
    );
  }
}

export interface CommandRow {
  station?: string;
  connector?: number | null;
  action: string;
  at: string;
  outcome: string;
}

export async function commands(db: Database, rows: CommandRow[]): Promise<void> {
  let n = 0;
  for (const r of rows) {
    await db.run(
      `insert into remote_commands values ($station, $connector, $action, $uid, cast($at as timestamptz), '{}',
        case when $outcome = 'no answer' then null else cast($at as timestamptz) + interval 1 second end, $outcome)`,
      { station: r.station ?? 'CP-1', connector: r.connector ?? null, action: r.action, uid: `c${++n}`, at: t(r.at), outcome: r.outcome },
    );
  }
}

export async function boots(db: Database, rows: { station?: string; at: string; vendor: string; model: string; firmware: string }[]): Promise<void> {
  for (const r of rows) {
    await db.run(`insert into station_boots values ($station, cast($at as timestamptz), $vendor, $model, $firmware, null, 'Accepted', 300)`, {
      station: r.station ?? 'CP-1',
      at: t(r.at),
      vendor: r.vendor,
      model: r.model,
      firmware: r.firmware,
    });
  }
}

/** A bare message (for Authorize requests, or to move the end of the data). */
export async function messages(db: Database, rows: { station?: string; at: string; action: string; type?: number; direction?: string }[]): Promise<void> {
  for (const r of rows) {
    await db.run(`insert into messages values ($station, cast($at as timestamptz), $direction, $type, 'm', $action, '{}', null, null, 0, 1, $line)`, {
      station: r.station ?? 'CP-1',
      at: t(r.at),
      direction: r.direction ?? 'in',
      type: r.type ?? 2,
      action: r.action,
      line: ++lineNo,
    });
  }
}

/** A named result's rows with only the given columns (the ones a test states), in result order. */
export async function rows(db: Database, name: ResultName, columns: string[], options: AnalysisOptions = {}): Promise<Record<string, unknown>[]> {
  const all = await runResult(db, name, options);
  return all.map((row) => Object.fromEntries(columns.map((c) => [c, normalise(row[c])])));
}

/** Dates as ISO text, so expectations read like the exports. */
export function normalise(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
