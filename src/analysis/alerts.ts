import type { Database } from '../db/database.js';
import { loadSql } from '../sql/load.js';
import type { AnalysisConfig } from './config.js';
import { bindParameters, parameterValues, prepareAnalysis, type AnalysisOptions } from './results.js';
import type { AnalysisWindow } from './window.js';

/** Alert kinds, in the order alerts are listed (the most urgent first). */
export const alertKinds = ['stuck_lock_open', 'lock_mechanism_suspected', 'uptime_below_target', 'chronic_station', 'station_silent', 'error_code_rise'] as const;
export type AlertKind = (typeof alertKinds)[number];

/** One alert: who it concerns, one line a support person can act on, and the numbers behind it. */
export interface Alert {
  kind: AlertKind;
  /** null only for error_code_rise, which is fleet-wide (evidence.top_stations names where) */
  station_id: string | null;
  /** null for error_code_rise and station_silent; for chronic_station the connector of its worst chronic code (all are in evidence) */
  connector_id: number | null;
  /** the error code concerned; for uptime_below_target the code with the most Faulted minutes (null when none) */
  error_code: string | null;
  message: string;
  evidence: Record<string, unknown>;
}

export interface AlertOptions {
  /** the window to alert on; an open side is taken from the data (its first event, or just after its last) */
  window: AnalysisWindow;
  config?: Partial<AnalysisConfig>;
}

/** A window with both bounds (ISO 8601 UTC, `to` exclusive). */
export interface BoundedWindow {
  from: string;
  to: string;
}

/** The window of the same length that ends where `window` starts. */
export function previousWindow(window: BoundedWindow): BoundedWindow {
  const from = Date.parse(window.from);
  const length = Date.parse(window.to) - from;
  if (!(length > 0)) throw new Error(`an alert window must end after it starts: ${window.from} to ${window.to}`);
  return { from: new Date(from - length).toISOString(), to: window.from };
}

/**
 * The alerts for a window, compared with the previous window of the same length: stations that became chronic,
 * stuck locks still open at the window end, connectors newly suspected of a broken lock mechanism, error codes whose
 * episodes rose (by config.alertRiseMinShare and config.alertRiseMinEpisodes against the previous window's count scaled to
 * the data's coverage of both, when it covers config.alertRiseMinCoverage of the previous one), and ports whose uptime is not above
 * config.uptimeTargetPct. Ordered by kind (as in `alertKinds`), then station, connector, code and time.
 * The connection is left prepared for `options.window`, so a report or export of the same window that follows
 * reuses the analysis tables. An empty database has no alerts.
 */
export async function buildAlerts(db: Database, options: AlertOptions): Promise<Alert[]> {
  const bounded = await boundWindow(db, options);
  if (!bounded) return [];
  const previous: AnalysisOptions = { window: previousWindow(bounded), config: options.config };
  const current: AnalysisOptions = { window: options.window, config: options.config };
  try {
    await buildConditions(db, previous, 'alert_conditions_previous');
    // how much of each window the data covers: a code's rise is measured against the previous window's count scaled
    // to this one's coverage, and a previous window the data barely reaches (the first night, a report of all the
    // data, a fleet whose export began late in it) is no baseline
    const previousCovered = await coveredSeconds(db);
    await buildConditions(db, current, 'alert_conditions_current');
    const currentCovered = await coveredSeconds(db);
    const sql = loadSql('alerts');
    const rows = await db.all<Omit<Alert, 'evidence'> & { evidence: string }>(
      sql,
      bindParameters(sql, {
        ...parameterValues(current),
        previous_covered_s: previousCovered,
        current_covered_s: currentCovered,
        window_length_s: (Date.parse(bounded.to) - Date.parse(bounded.from)) / 1000,
      }),
    );
    return rows.map((row) => ({ ...row, evidence: JSON.parse(row.evidence) as Record<string, unknown> }));
  } finally {
    await db.run('drop table if exists alert_conditions_previous');
    await db.run('drop table if exists alert_conditions_current');
  }
}

/** The seconds of the window just prepared (analysis_window) that the data covers. */
async function coveredSeconds(db: Database): Promise<number> {
  const { window_s } = await db.one<{ window_s: number }>(loadSql('alert_covered_seconds'));
  return Number(window_s);
}

async function buildConditions(db: Database, options: AnalysisOptions, table: string): Promise<void> {
  await prepareAnalysis(db, options);
  const sql = loadSql('alert_conditions');
  await db.run(`create or replace temp table ${table} as\n${sql}`, bindParameters(sql, parameterValues(options)));
}

/** The window with open sides closed from the data; null when the database holds no data. */
async function boundWindow(db: Database, options: AlertOptions): Promise<BoundedWindow | null> {
  const { from, to } = options.window;
  if (from !== null && to !== null) return { from, to };
  const sql = loadSql('intermediate/analysis_window');
  const span = await db.one<{ data_start: Date | null; data_end: Date | null }>(
    `select data_start, data_end from (\n${sql}\n)`,
    bindParameters(sql, parameterValues(options)),
  );
  if (!span.data_start || !span.data_end) return null;
  const bounded = {
    from: from ?? span.data_start.toISOString(),
    to: to ?? new Date(span.data_end.getTime() + 1).toISOString(),
  };
  // a window that starts after the data (or ends before it) holds nothing to alert on
  return Date.parse(bounded.from) < Date.parse(bounded.to) ? bounded : null;
}
