import type { Alert } from '../analysis/alerts.js';
import type { Database, Row } from '../db/database.js';
import { CliError } from '../errors.js';
import { requireData } from '../db/migrations.js';
import { bindParameters, narrowToStations, parameterValues, prepareAnalysis, runResult, type AnalysisOptions } from '../analysis/results.js';
import { defaultAnalysisConfig, type AnalysisConfig } from '../analysis/config.js';
import type { AnalysisWindow } from '../analysis/window.js';
import { loadSql } from '../sql/load.js';
import { terminalSafe } from '../tty.js';

/** How much of each list the page shows; the rest is in `ocpp-faults export`. These keep a 500-station report small. */
export interface ReportLimits {
  /** stations in the heat map (the most affected) */
  heatStations: number;
  /** rows of the chronic stations table */
  chronicStations: number;
  /** rows of the stuck-lock dispatch list */
  dispatchRows: number;
  /** rows of the suspected-mechanism table */
  mechanismRows: number;
  /** vendor/model/firmware rows (table and chart) */
  modelRows: number;
  /** data-quality rows by vendor, model and firmware */
  qualityModelRows: number;
  /** episodes per station detail section (the latest ones, in its timeline and table) */
  stationEpisodes: number;
  /** windows the data covers for at most this many days are shown per hour ... */
  hourlyMaxDays: number;
  /** ... longer ones per day, and those longer than this many days per week */
  dailyMaxDays: number;
}

export const defaultReportLimits: ReportLimits = {
  heatStations: 25,
  chronicStations: 30,
  dispatchRows: 40,
  mechanismRows: 40,
  modelRows: 25,
  qualityModelRows: 30,
  stationEpisodes: 40,
  hourlyMaxDays: 3,
  dailyMaxDays: 92,
};

export interface ReportOptions {
  window: AnalysisWindow;
  /** only these stations (exact ids); empty or absent = the whole fleet */
  stations?: readonly string[];
  config?: Partial<AnalysisConfig>;
  limits?: Partial<ReportLimits>;
  /** the window's alerts (the nightly job passes them); shown first, as a section of their own */
  alerts?: readonly Alert[];
  /** true when alerts.json with the same alerts is written beside the report (nightly) */
  alertsJson?: boolean;
}

/** The trend's and heat map's time step (UTC; weeks start on Monday). */
export type Bucket = 'hour' | 'day' | 'week';

/** A list the page may show only the start of. */
export interface Listed<T = Row> {
  rows: T[];
  total: number;
}

/** Everything the page shows, aggregated in SQL; render.ts turns it into HTML without touching the database. */
export interface ReportData {
  /** null when the caller computed no alerts (the section is left out) */
  alerts: readonly Alert[] | null;
  /** true when alerts.json with the same alerts is beside the report */
  alertsJson?: boolean;
  window: {
    requestedFrom: string | null;
    requestedTo: string | null;
    dataStart: Date;
    dataEnd: Date;
    start: Date;
    end: Date;
    seconds: number;
    previousFrom: Date;
    previousTo: Date;
    bucket: Bucket;
  };
  stations: readonly string[];
  config: AnalysisConfig;
  limits: ReportLimits;
  figures: Row;
  headline: Row[];
  commonality: Row[];
  buckets: Row[];
  trend: Row[];
  heatmap: Row[];
  chronic: Listed;
  lockConnectors: Listed;
  dispatch: Listed;
  remediation: Row;
  models: Listed;
  quality: Row[];
  qualityModels: Listed;
  /** every station with an episode in the window, ranked (stations.sql), for the detail sections' headers */
  stationRows: Map<string, Row>;
  /** the stations that get a detail section, in page order, and their episodes */
  detail: { stationId: string; episodes: Row[]; totalEpisodes: number }[];
}

/** The intermediate temp tables with a station_id column, cut to the report's stations when --station is given. */
const scopedTables = ['episodes', 'lock_failures', 'recurrence', 'lock_connectors', 'data_quality'] as const;

/**
 * Runs every query the report needs, for the window and the window of the same length before it (built first, so
 * the analysis tables end up holding the report window). Throws CliError when the database is empty or a
 * --station names no station in it.
 */
export async function collectReportData(db: Database, options: ReportOptions): Promise<ReportData> {
  const config = { ...defaultAnalysisConfig, ...options.config };
  const limits = { ...defaultReportLimits, ...options.limits };
  const stations = [...new Set(options.stations ?? [])];

  const span = await requireData(db);
  await defineScope(db, stations);

  // the previous window has the requested window's length and ends where it starts
  const from = options.window.from === null ? span.data_start : new Date(options.window.from);
  const to = options.window.to === null ? span.data_end : new Date(options.window.to);
  const length = Math.max(0, to.getTime() - from.getTime());
  const previousFrom = new Date(from.getTime() - length);
  // the trend's buckets follow the part of the window the data covers
  const covered = Math.min(to.getTime(), span.data_end.getTime()) - Math.max(from.getTime(), span.data_start.getTime());
  const bucket: Bucket = covered > limits.dailyMaxDays * 86_400_000 ? 'week' : covered > limits.hourlyMaxDays * 86_400_000 ? 'day' : 'hour';
  const reportParams = { bucket, window_length_s: length / 1000 };

  // the previous window is analysed first, so the analysis tables end up holding the report's window; when the data
  // starts at or after the report window, there is nothing before it and its tables stay empty
  const previous: AnalysisOptions = { window: { from: previousFrom.toISOString(), to: from.toISOString() }, config };
  const previousHasData = length > 0 && from.getTime() > span.data_start.getTime();
  if (previousHasData) {
    await prepareScoped(db, previous, stations.length > 0);
    await materialise(db, 'report_figures_previous', 'report/figures', previous, reportParams);
    await materialise(db, 'report_previous_buckets', 'report/bucket_totals', previous, reportParams);
  }

  const current: AnalysisOptions = { window: options.window, config };
  await prepareScoped(db, current, stations.length > 0);
  if (!previousHasData) {
    await materialise(db, 'report_figures_previous', 'report/figures', current, reportParams, { empty: true });
    await materialise(db, 'report_previous_buckets', 'report/bucket_totals', current, reportParams, { empty: true });
  }
  await materialise(db, 'report_figures_current', 'report/figures', current, reportParams);
  const query = (name: string, extra: Record<string, string | number | null> = {}) => runReportQuery(db, name, current, { ...reportParams, ...extra });

  const figures = (await query('report/figures'))[0]!;
  const stationRows = await runResult(db, 'stations', current);
  const chronicAll = stationRows.filter((s) => s['chronic'] === true);
  const dispatchRows = await query('report/dispatch', { max_rows: limits.dispatchRows });
  const connectors = (await runResult(db, 'lock_connectors', current)).filter((c) => c['mechanism_suspected'] === true);
  const models = await query('models');
  const qualityModels = await runResult(db, 'data_quality_models', current);
  const chronic = chronicAll.slice(0, limits.chronicStations);

  const detailIds = [...new Set([...chronic.map((s) => String(s['station_id'])), ...dispatchRows.map((d) => String(d['station_id']))])];
  await materialise(db, 'report_detail', 'report/detail_stations', current, { ids: JSON.stringify(detailIds) });
  const detailRows = await query('report/detail_episodes', { max_station_episodes: limits.stationEpisodes });

  return {
    alerts: options.alerts ?? null,
    alertsJson: options.alertsJson ?? false,
    window: {
      requestedFrom: options.window.from,
      requestedTo: options.window.to,
      dataStart: span.data_start,
      dataEnd: span.data_end,
      start: figures['window_start'] as Date,
      end: figures['window_end'] as Date,
      seconds: Number(figures['window_s']),
      previousFrom,
      previousTo: from,
      bucket,
    },
    stations,
    config,
    limits,
    figures,
    headline: await query('report/headline'),
    commonality: await runResult(db, 'commonality', current),
    buckets: await query('report/buckets'),
    trend: await query('report/trend'),
    heatmap: await query('report/heatmap', { heat_stations: limits.heatStations }),
    chronic: { rows: chronic, total: chronicAll.length },
    lockConnectors: { rows: connectors.slice(0, limits.mechanismRows), total: connectors.length },
    dispatch: { rows: dispatchRows, total: Number(dispatchRows[0]?.['total_rows'] ?? 0) },
    remediation: (await runResult(db, 'remediation_fleet', current))[0] ?? {},
    models: { rows: models.slice(0, limits.modelRows), total: models.length },
    quality: await runResult(db, 'data_quality_findings', current),
    qualityModels: { rows: qualityModels.slice(0, limits.qualityModelRows), total: qualityModels.length },
    stationRows: new Map(stationRows.map((s) => [String(s['station_id']), s])),
    detail: detailIds.map((stationId) => {
      const episodes = detailRows.filter((r) => r['station_id'] === stationId);
      return { stationId, episodes, totalEpisodes: Number(episodes[0]?.['station_episodes'] ?? 0) };
    }),
  };
}

/** The temp table report_scope: the stations the report covers. A --station that names no station is an error. */
async function defineScope(db: Database, stations: readonly string[]): Promise<void> {
  const sql = loadSql('report/scope');
  await db.run(`create or replace temp table report_scope as\n${sql}`, { stations: stations.length ? JSON.stringify(stations) : null });
  if (stations.length === 0) return;
  const found = new Set((await db.all<{ station_id: string }>('select station_id from report_scope')).map((r) => r.station_id));
  const missing = stations.filter((s) => !found.has(s));
  if (missing.length === 0) return;
  // ids come from chargers and the command line: escaped here, so a newline in one cannot forge a line of the message
  const quoted = (id: string) => `'${terminalSafe(id)}'`;
  const examples = (await db.all<{ station_id: string }>(loadSql('report/station_examples'), { examples: 5 })).map((r) => quoted(r.station_id));
  throw new CliError(
    `no station ${missing.map(quoted).join(', ')} in ${db.path}: --station takes a station id exactly as logged ` +
      `(case and spaces count), e.g. ${examples.join(', ')}`,
  );
}

/** Builds the analysis tables for a window and, with --station, cuts them to the stations in report_scope. */
async function prepareScoped(db: Database, options: AnalysisOptions, scoped: boolean): Promise<void> {
  await prepareAnalysis(db, options);
  if (scoped) await narrowToStations(db, scopedTables, 'report_scope');
}

async function runReportQuery(db: Database, name: string, options: AnalysisOptions, extra: Record<string, string | number | null>): Promise<Row[]> {
  const sql = loadSql(name);
  return db.all(sql, bindParameters(sql, { ...parameterValues(options), ...extra }));
}

/** The rows of queries/<name>.sql as the temp table `table`; `empty` keeps only its columns. */
async function materialise(
  db: Database,
  table: string,
  name: string,
  options: AnalysisOptions,
  extra: Record<string, string | number | null>,
  { empty = false } = {},
): Promise<void> {
  const sql = loadSql(name);
  const select = empty ? `select * from (\n${sql}\n) limit 0` : sql;
  await db.run(`create or replace temp table ${table} as\n${select}`, bindParameters(sql, { ...parameterValues(options), ...extra }));
}
