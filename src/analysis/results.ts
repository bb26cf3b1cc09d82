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
  'models',
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
  'models',
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

type IntermediateName = (typeof intermediates)[number];

/**
 * Intermediates that read no window: a report or a nightly run, which prepares the analysis for several windows in
 * turn, builds them once. status_changes reads every notification stored, so rebuilding it for each window made
 * those commands slower the more history the database held.
 */
const windowIndependent: ReadonlySet<IntermediateName> = new Set(['status_changes']);

/**
 * How many windows' intermediates a connection keeps. A nightly run and a report go back and forth between their
 * window and the one before it (alerts, then the report's comparison): with two kept, each is built once.
 */
const windowsKept = 2;

interface PreparedWindow {
  /** the options and data version the tables were built for */
  key: string;
  /** the tables' names end in __<suffix>; the plain names are views of the current window's */
  suffix: string;
}

interface PreparedState {
  /** the window the plain names show now ('' while none is whole) */
  current: string;
  /** oldest first */
  windows: PreparedWindow[];
  /** a window whose tables were cut to some stations (narrowToStations): shown until another is, then dropped */
  narrowed?: PreparedWindow;
  /** each window-independent intermediate's parameters and data version, as built */
  independent: Map<string, string>;
  windowsBuilt: number;
}

const prepared = new WeakMap<Database, PreparedState>();

/**
 * Builds the intermediate tables for a window and thresholds, once per database connection and options: each is a
 * temp view by its plain name of the table built for the window. A call for a window kept from before points the
 * views back at its tables; a window-independent intermediate is a table of its own, rebuilt only when the data or
 * its parameters change.
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
  const state = prepared.get(db) ?? { current: '', windows: [], independent: new Map<string, string>(), windowsBuilt: 0 };
  prepared.set(db, state);
  if (state.current === key) return;
  state.current = '';
  if (state.narrowed) {
    await dropWindow(db, state.narrowed);
    state.narrowed = undefined;
  }
  const kept = state.windows.find((w) => w.key === key);
  if (kept) {
    for (const name of intermediates) if (!windowIndependent.has(name)) await showWindow(db, name, kept.suffix);
    state.current = key;
    return;
  }
  await db.runScript(loadSql('analysis_macros'));
  const window: PreparedWindow = { key, suffix: `w${++state.windowsBuilt}` };
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
    await db.run(`create or replace temp table ${name}__${window.suffix} as\n${sql}`, params);
    await showWindow(db, name, window.suffix);
  }
  state.windows.push(window);
  while (state.windows.length > windowsKept) await dropWindow(db, state.windows.shift()!);
  state.current = key;
}

async function showWindow(db: Database, name: IntermediateName, suffix: string): Promise<void> {
  await db.run(`create or replace temp view ${name} as select * from ${name}__${suffix}`);
}

async function dropWindow(db: Database, window: PreparedWindow): Promise<void> {
  for (const name of intermediates) if (!windowIndependent.has(name)) await db.run(`drop table if exists ${name}__${window.suffix}`);
}

/**
 * Deletes from the current window's intermediate `tables` the rows of stations outside the temp table
 * `stationsTable` (a report narrowed by --station). The window's tables then hold part of its analysis, so they are
 * not kept for a later call.
 */
export async function narrowToStations(db: Database, tables: readonly IntermediateName[], stationsTable: string): Promise<void> {
  const state = prepared.get(db);
  const window = state?.narrowed ?? state?.windows.find((w) => w.key === state.current);
  if (!state || !window || !state.current) throw new Error('the analysis is not prepared');
  state.windows = state.windows.filter((w) => w !== window);
  state.narrowed = window;
  for (const table of tables) {
    if (windowIndependent.has(table)) throw new Error(`${table} is shared by every window: it cannot be narrowed`);
    await db.run(`delete from ${table}__${window.suffix} where station_id is null or station_id not in (select station_id from ${stationsTable})`);
  }
}

/** Results that cover the stations of the temp table report_scope, which a report defines and an export takes whole. */
const scopedResults: ReadonlySet<ResultName> = new Set(['models']);

/** The analysis tables a result reads, and for a scoped one every station as its scope (a report sets its own). */
async function prepareResult(db: Database, name: ResultName, options: AnalysisOptions): Promise<void> {
  await prepareAnalysis(db, options);
  if (scopedResults.has(name)) await db.run(`create or replace temp table report_scope as\n${loadSql('report/scope')}`, { stations: null });
}

/** The rows of one named result for a window and thresholds. */
export async function runResult<T extends Row = Row>(db: Database, name: ResultName, options: AnalysisOptions = {}): Promise<T[]> {
  await prepareResult(db, name, options);
  const sql = loadSql(name);
  return db.all<T>(sql, bindParameters(sql, parameterValues(options)));
}

/** Materialises a named result as the temp table `result_<name>` (for exports) and returns that table's name. */
export async function materialiseResult(db: Database, name: ResultName, options: AnalysisOptions = {}): Promise<string> {
  await prepareResult(db, name, options);
  const sql = loadSql(name);
  const table = `result_${name}`;
  await db.run(`create or replace temp table ${table} as\n${sql}`, bindParameters(sql, parameterValues(options)));
  return table;
}
