import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Database } from '../db/database.js';
import { defaultIngestConfig } from '../ingest/config.js';
import { CliError, errorFirstLine, ExitCode, isOutOfDiskSpace } from '../errors.js';
import { ingestFiles, type IngestResult } from '../ingest/ingest.js';
import { freeBytes, RunTempFolder } from '../ingest/disk.js';
import { runResult } from '../analysis/results.js';
import { dataOutside, type AnalysisWindow } from '../analysis/window.js';
import { exportResults, type ExportedFile } from '../export/export.js';
import { buildAlerts, type Alert } from '../analysis/alerts.js';
import { nightlyWindows, type NightlyWindow } from './windows.js';
import { writeReport } from '../report/report.js';
import { formatCountOf } from '../report/format.js';
import { formatBytes } from '../tty.js';
import { acquireRunLock } from './lock.js';
import { publish, removeLeftovers, stagingFolder } from './publish.js';
import { makeDirectory } from '../directories.js';

export { nightlyWindows, type NightlyWindow } from './windows.js';

export interface NightlyOptions {
  dbPath: string;
  inbox: string;
  outDir: string;
  window: NightlyWindow;
  /** ISO time the window ends at (exclusive); default: just after the latest data */
  until?: string;
  /** more rejected lines than this make the run exit 3 (its outputs are still written) */
  maxRejects: number;
  tz: string;
  /** read every inbox file to hash it, even one unchanged since an earlier night read it */
  rehash?: boolean;
  /** the folder (--temp-dir) whose own subfolder the ingest keeps what waits on disk in; `<db>.tmp` and $TMPDIR when unset */
  tempDir?: string;
  /** one line per stage, as it completes */
  log: (stage: string, text: string) => void;
}

export interface NightlyResult {
  ingest: IngestResult;
  window: AnalysisWindow;
  folder: string;
  exported: ExportedFile[];
  exitCode: ExitCode;
}

/**
 * One night: ingest what is new in the inbox, then write the window's CSV exports, alerts.json and report.html into
 * outDir/<YYYY-MM-DD>/ and point outDir/latest at it. Only one run works on an output folder at a time; a run killed
 * at any point leaves the database and the last complete folder as they were, and the next run completes the work.
 */
export async function runNightly(options: NightlyOptions): Promise<NightlyResult> {
  const outDir = resolve(options.outDir);
  // what this run makes, it takes away again when it fails before storing anything
  const makesOut = !existsSync(outDir);
  const makesDb = !existsSync(resolve(options.dbPath));
  await makeDirectory(outDir).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'EEXIST' || error.code === 'ENOTDIR' ? 'a file is in the way' : error.message;
    throw new CliError(`cannot create the output folder ${outDir}: ${why}. Name another --out.`, ExitCode.failure, { cause: error });
  });
  // the run lock comes first: a second run must change nothing, not even create the database
  const lock = await acquireRunLock(join(outDir, '.nightly.lock'));
  let failed = false;
  try {
    const temp = options.tempDir === undefined ? undefined : await RunTempFolder.create(options.tempDir);
    try {
      const db = await Database.open(options.dbPath, { memoryLimit: defaultIngestConfig.memoryLimit, tempDirectory: temp?.staging });
      let storedNothing = false;
      try {
        return await night(db, outDir, { ...options, tempDir: temp?.path });
      } catch (error) {
        storedNothing = makesDb && (await db.one<{ n: number }>('select count(*)::integer as n from files').catch(() => ({ n: 0 }))).n === 0;
        throw error;
      } finally {
        db.close();
        if (storedNothing) await Promise.all([db.path, `${db.path}.wal`].map((file) => rm(file, { force: true })));
      }
    } finally {
      await temp?.remove();
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await lock.release();
    // an output folder this run made and left empty (nothing published) goes too
    if (failed && makesOut) await rmdir(outDir).catch(() => undefined);
  }
}

async function night(db: Database, outDir: string, options: NightlyOptions): Promise<NightlyResult> {
  await removeLeftovers(outDir, await readdir(outDir));

  const ingest = await ingestFiles(db, [options.inbox], {
    format: 'auto',
    tz: options.tz,
    strict: false,
    rehash: options.rehash,
    tempDir: options.tempDir,
    noFilesOk: true,
    onWarning: (text) => options.log('warning', text),
    // a stray file (a README, a manifest, a zip) must not stop every night's report until someone removes it
    onUnreadableFile: ({ problem, formatMayRead }) =>
      options.log(
        'warning',
        `${problem} Skipped, as it will be every night it stays in the inbox` +
          (formatMayRead ? '; if it is a log, move it out and ingest it with ocpp-faults ingest FILE --format FORMAT.' : '.'),
      ),
  });
  options.log(
    'ingest',
    `${ingest.files_ingested} new file(s), ${ingest.files_skipped} already ingested: ${n(ingest.messages)} messages, ` +
      `${n(ingest.duplicates)} duplicates, ${n(ingest.rejected)} rejected lines`,
  );

  const window = await nightWindow(db, options);
  const [totals] = await runResult<{ episodes: number; stations_affected: number; open_episodes: number; data_start: Date | null; data_end: Date | null }>(db, 'summary_totals', { window });
  options.log('window', `${window.from} to ${window.to} (${options.window}): ${formatCountOf(totals?.episodes ?? 0, 'error episode')} on ${formatCountOf(totals?.stations_affected ?? 0, 'station')}`);
  const outside = dataOutside(window, totals?.data_start ?? null, totals?.data_end ?? null);
  if (outside) options.log('warning', `${outside}; this night's report and exports are empty. Is the export that brings the logs late, or --until wrong?`);

  const staged = await stagingFolder(outDir);
  let exported: ExportedFile[];
  let folder: string;
  try {
    // alerts first: they leave the analysis tables built for this window, which the exports and report reuse
    const alerts = await buildAlerts(db, { window });
    await writeFile(join(staged, 'alerts.json'), `${JSON.stringify({ window, alerts }, null, 2)}\n`);
    exported = await exportResults(db, staged, { window, format: 'csv' });
    options.log('exports', `${exported.length} CSV files, ${n(exported.reduce((s, f) => s + f.rows, 0))} rows`);
    options.log('alerts', alerts.length ? `${alerts.length}: ${countByKind(alerts)}` : 'none');
    const report = await writeReport(db, join(staged, 'report.html'), { window, alerts, alertsJson: true });

    const name = folderName(window);
    const replaced = await publishedWindow(join(outDir, name));
    if (replaced && (replaced.from !== window.from || replaced.to !== window.to)) {
      options.log(
        'warning',
        `${join(outDir, name)} held the window ${replaced.from} to ${replaced.to}, which this night's replaces (its window ends on the same day). ` +
          `To keep one folder per day whatever the lag of the exports, pass --until with the UTC day each night reports (yesterday's date, e.g. --until ${dayBefore(name)}).`,
      );
    }
    folder = await publish(outDir, staged, name);
    options.log('report', join(folder, 'report.html') + ` (${formatBytes(report.bytes)})`);
    options.log('published', `${folder} (latest -> ${name})`);
  } catch (error) {
    // a folder left half-written would take the room a full disk lacks until the next night cleared it
    await rm(staged, { recursive: true, force: true }).catch(() => undefined);
    if (isOutOfDiskSpace(error)) throw await outputsDiskFull(error, outDir);
    throw error;
  }

  const exitCode = ingest.rejected > options.maxRejects ? ExitCode.rejected : ExitCode.ok;
  return { ingest, window, folder, exported, exitCode };
}

/**
 * The error of a night whose outputs met a full disk: its ingest is stored, but nothing was published, and the last
 * complete night stays where `latest` points.
 */
export async function outputsDiskFull(error: unknown, outDir: string): Promise<CliError> {
  const free = await freeBytes(outDir);
  const latest = join(outDir, 'latest');
  const last = await lstat(latest).then(
    () => `${latest} still points at the last complete night.`,
    () => 'No night has been published there yet.',
  );
  return new CliError(
    [
      `the disk is full: ${errorFirstLine(error)}`,
      `The night's ingest is stored (the next night skips its files), but its report, exports and alerts were not published:`,
      `${last} ${outDir} has ${free === undefined ? 'an unknown amount' : formatBytes(free)} free.`,
      'Free some space there (or give --out a folder on a disk with more room) and run nightly again.',
    ].join('\n'),
    ExitCode.failure,
    { cause: error },
  );
}

/** The window ends at --until, or just after the latest data so that its last event counts. */
async function nightWindow(db: Database, options: NightlyOptions): Promise<AnalysisWindow> {
  let end: number;
  if (options.until) end = Date.parse(options.until);
  else {
    const [row] = await db.allNamed<{ latest_at: Date | null }>('nightly/latest_data');
    if (!row?.latest_at) {
      throw new CliError(
        `no data in the database after ingesting ${options.inbox}: put exported logs in the inbox first (looked for .jsonl .ndjson .json .csv .tsv .log .txt and their .gz)`,
        ExitCode.failure,
      );
    }
    end = row.latest_at.getTime() + 1;
  }
  return { from: new Date(end - nightlyWindows[options.window]).toISOString(), to: new Date(end).toISOString() };
}

/** The UTC date of the window's last instant: a 24 h window ending at midnight is the day before. */
export function folderName(window: AnalysisWindow): string {
  return new Date(Date.parse(window.to ?? '') - 1).toISOString().slice(0, 10);
}

const n = (value: number) => value.toLocaleString('en-US');

function countByKind(alerts: readonly Alert[]): string {
  const counts = new Map<string, number>();
  for (const alert of alerts) counts.set(alert.kind, (counts.get(alert.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ');
}

/** The window a published folder holds (its alerts.json says), if there is one. */
async function publishedWindow(folder: string): Promise<AnalysisWindow | undefined> {
  const text = await readFile(join(folder, 'alerts.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return (JSON.parse(text) as { window?: AnalysisWindow }).window;
  } catch {
    return undefined;
  }
}

/** The date before a YYYY-MM-DD date. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
