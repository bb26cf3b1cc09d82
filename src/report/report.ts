import { rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Database } from '../db/database.js';
import { CliError, isOutOfDiskSpace } from '../errors.js';
import { packageRoot } from '../sql/load.js';
import { collectReportData, type ReportOptions } from './data.js';
import { renderReport } from './render.js';
import { isDirectory, makeDirectory } from '../directories.js';

export interface BuildReportOptions extends ReportOptions {
  /** the "generated at" time written into the page (the only part that changes between runs on the same data) */
  now?: Date;
}

export interface BuiltReport {
  html: string;
  bytes: number;
  episodes: number;
  stations: number;
  detailSections: number;
  windowStart: Date;
  windowEnd: Date;
}

const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** The report page for a window as one HTML string. */
export async function buildReport(db: Database, options: BuildReportOptions): Promise<BuiltReport> {
  const data = await collectReportData(db, options);
  const html = await renderReport(data, { generatedAt: options.now ?? new Date(), version });
  return {
    html,
    bytes: Buffer.byteLength(html, 'utf8'),
    episodes: Number(data.figures['episodes'] ?? 0),
    stations: Number(data.figures['stations_affected'] ?? 0),
    detailSections: data.detail.length,
    windowStart: data.window.start,
    windowEnd: data.window.end,
  };
}

/** Builds the report and writes it to `out` (its folder created if missing) under a temporary name, then renames it. */
export async function writeReport(db: Database, out: string, options: BuildReportOptions): Promise<BuiltReport & { path: string }> {
  const path = resolve(out);
  // said before the report is built, with the file name that was meant, rather than as a failed rename after it
  if (await isDirectory(path)) {
    throw new CliError(`--out ${path} is a folder: name the HTML file to write, e.g. --out ${join(path, 'report.html')}`, 2);
  }
  const report = await buildReport(db, options);
  const partial = `${path}.partial`;
  try {
    await makeDirectory(dirname(path));
    await writeFile(partial, report.html, 'utf8');
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    const hint = isOutOfDiskSpace(error) ? 'The disk is full: free some space there, or give --out a path on a disk with more room.' : 'Check that --out names a file in a folder you can write to.';
    throw new CliError(`cannot write the report to ${path}: ${(error as Error).message}\n${hint}`, 1, { cause: error });
  }
  return { ...report, path };
}
