import type { Database, Row } from '../db/database.js';
import { loadSql } from '../sql/load.js';
import { analysisParameters, defaultAnalysisConfig, type AnalysisConfig } from './config.js';
import { allData, type AnalysisWindow } from './window.js';

/**
 * Intermediate tables, built in this order as temp tables of the session (so read-only databases work) from
 * queries/intermediate/<name>.sql, with the window and thresholds bound. Results read them by name.
 */
export const intermediates = [
  'analysis_window',
  'status_changes',
  'episodes',
  'lock_failures',
  'recurrence',
  'lock_connectors',
  'data_quality',
  'uptime_ports',
  'uptime_periods',
  'uptime_outages',
  'uptime',
] as const;

/** Named results: queries/<name>.sql. */
export const resultNames = [
  'episodes',
  'commonality',
  'recurrence',
  'stations',
  'lock_failures',
  'lock_connectors',
  'remediation',
  'remediation_fleet',
  'data_quality',
  'data_quality_models',
  'data_quality_findings',
  'summary_totals',
  'uptime',
  'uptime_outages',
  'uptime_stations',
] as const;
export type ResultName = (typeof resultNames)[number];

/** The results `export` writes, one file each, in this order. */
export const exportedResults = [
  'episodes',
  'commonality',
  'recurrence',
  'stations',
  'lock_failures',
  'lock_connectors',
  'remediation',
  'data_quality',
  'remediation_fleet',
  'data_quality_models',
  'uptime',
] as const satisfies readonly ResultName[];

export interface AnalysisOptions {
  window?: AnalysisWindow;
  config?: Partial<AnalysisConfig>;
}

type ParamValue = string | number | boolean | null;

/** Every value a query may use, by parameter name. */
export function parameterValues(options: AnalysisOptions = {}): Record<string, ParamValue> {
  const window = options.window ?? allData;
  const config = { ...defaultAnalysisConfig, ...options.config };
  return { from: window.from, to: window.to, ...analysisParameters(config) };
}

/** The $names a SQL text uses (comments ignored), bound from `values`; a name with no value is an error. */
export function bindParameters(sql: string, values: Record<string, ParamValue>): Record<string, ParamValue> {
  const code = sql.replace(/--[^\n]*/g, '');
  const bound: Record<string, ParamValue> = {};
  for (const match of code.matchAll(/\$([a-z_][a-z0-9_]*)/gi)) {
    const name = match[1]!;
    if (!(name in values)) throw new Error(`query parameter $${name} has no value`);
    bound[name] = values[name]!;
  }
  return bound;
}

/**
 * Intermediates that read no window: a report or a nightly run, which prepares the analysis for several windows in
 * turn, builds them once. status_changes reads every notification stored, so rebuilding it for each window made
 * those commands slower the more history the database held.
 */
const windowIndependent: ReadonlySet<(typeof intermediates)[number]> = new Set(['status_changes']);

/** Per connection: the options and data version the intermediates were built for, and each window-independent one's. */
const prepared = new WeakMap<Database, { key: string; independent: Map<string, string> }>();

/**
 * Builds the intermediate temp tables for a window and thresholds, once per database connection and options;
 * a later call with other options rebuilds them, but keeps a window-independent one whose data and parameters are
 * unchanged.
 */
export async function prepareAnalysis(db: Database, options: AnalysisOptions = {}): Promise<void> {
  const values = parameterValues(options);
  // the data's version is part of the key, so an ingest on the same connection rebuilds the tables
  const version = await db.one(
    `select (select count(*) from files) as files, (select count(*) from messages) as messages,
      (select count(*) from status_notifications) as statuses, (select count(*) from transactions) as transactions,
      (select count(*) from remote_commands) as commands, (select count(*) from station_boots) as boots`,
  );
  const key = JSON.stringify({ values, version });
  const state = prepared.get(db) ?? { key: '', independent: new Map<string, string>() };
  if (state.key === key) return;
  state.key = '';
  prepared.set(db, state);
  await db.runScript(loadSql('analysis_macros'));
  for (const name of intermediates) {
    const sql = loadSql(`intermediate/${name}`);
    const params = bindParameters(sql, values);
    if (windowIndependent.has(name)) {
      const built = JSON.stringify({ params, version });
      if (state.independent.get(name) === built) continue;
      state.independent.delete(name);
      await db.run(`create or replace temp table ${name} as\n${sql}`, params);
      state.independent.set(name, built);
      continue;
    }
    await db.run(`create or replace temp table ${name} as\n${sql}`, params);
  }
  state.key = key;
}

/** The rows of one named result for a window and thresholds. */
export async function runResult<T extends Row = Row>(db: Database, name: ResultName, options: AnalysisOptions = {}): Promise<T[]> {
  await prepareAnalysis(db, options);
  const sql = loadSql(name);
  return db.all<T>(sql, bindParameters(sql, parameterValues(options)));
}

/** Materialises a named result as the temp table `result_<name>` (for exports) and returns that table's name. */
export async function materialiseResult(db: Database, name: ResultName, options: AnalysisOptions = {}): Promise<string> {
  await prepareAnalysis(db, options);
  const sql = loadSql(name);
  const table = `result_${name}`;
  await db.run(`create or replace temp table ${table} as\n${sql}`, bindParameters(sql, parameterValues(options)));
  return table;
}
