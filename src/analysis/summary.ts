import type { Database, Row } from '../db/database.js';
import { runResult, type AnalysisOptions } from './results.js';

/** The data behind `ocpp-faults summary`: the window, headline totals and the top of each result. */
export interface Summary {
  window: Row;
  totals: Row;
  top_codes: Row[];
  chronic_stations: Row[];
  lock_failures: Row;
  remediation: Row;
  data_quality: Row[];
}

export interface SummaryOptions extends AnalysisOptions {
  /** how many codes and chronic stations to list (default 10) */
  top?: number;
}

const windowKeys = ['requested_from', 'requested_to', 'data_start', 'data_end', 'window_start', 'window_end', 'window_h'];
const totalKeys = ['episodes', 'open_episodes', 'faulted_episodes', 'stations_affected', 'connectors_affected', 'downtime_h', 'chronic_stations', 'chronic_keys'];
const lockKeys = ['lock_failures', 'stuck_lock', 'driver_misuse', 'undetermined', 'mechanism_suspected_connectors'];

export async function buildSummary(db: Database, options: SummaryOptions = {}): Promise<Summary> {
  const top = options.top ?? 10;
  const [totals] = await runResult(db, 'summary_totals', options);
  const [remediation] = await runResult(db, 'remediation_fleet', options);
  const codes = await runResult(db, 'commonality', options);
  const stations = await runResult(db, 'stations', options);
  const findings = await runResult(db, 'data_quality_findings', options);
  return {
    window: pick(totals ?? {}, windowKeys),
    totals: pick(totals ?? {}, totalKeys),
    top_codes: codes.filter((c) => Number(c['episodes']) > 0).slice(0, top),
    chronic_stations: stations.filter((s) => s['chronic'] === true).slice(0, top),
    lock_failures: pick(totals ?? {}, lockKeys),
    remediation: remediation ?? {},
    data_quality: findings,
  };
}

function pick(row: Row, keys: string[]): Row {
  return Object.fromEntries(keys.map((k) => [k, row[k] ?? null]));
}
