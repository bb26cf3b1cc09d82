import { rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Database } from '../db/database.js';
import { CliError, errorFirstLine, isOutOfDiskSpace } from '../errors.js';
import { exportedResults, materialiseResult, type AnalysisOptions, type ResultName } from '../analysis/results.js';
import { quoteIdentifier, quoteLiteral } from './columns.js';
import { writeCsv } from './csv.js';
import { makeDirectory } from '../directories.js';

export const exportFormats = ['csv', 'parquet', 'arrow'] as const;
export type ExportFormat = (typeof exportFormats)[number];

const extensions: Record<ExportFormat, string> = { csv: 'csv', parquet: 'parquet', arrow: 'arrow' };

export interface ExportOptions extends AnalysisOptions {
  format: ExportFormat;
  /** which results; default all of `exportedResults` */
  results?: readonly ResultName[];
}

export interface ExportedFile {
  name: ResultName;
  path: string;
  rows: number;
  bytes: number;
}

/**
 * Writes one file per result into `dir` (created if missing). Every file is written under a temporary name first,
 * and they are all renamed once all are complete: a reader never sees half a file, and an export that fails
 * leaves the folder as the last one left it, not a mix of new and old files.
 */
export async function exportResults(db: Database, dir: string, options: ExportOptions): Promise<ExportedFile[]> {
  const target = resolve(dir);
  try {
    await makeDirectory(target);
  } catch (error) {
    throw new CliError(`cannot create the export directory ${target}: ${(error as Error).message}`, 1, { cause: error });
  }
  const written: ExportedFile[] = [];
  const partialOf = (path: string) => `${path}.partial`;
  const begun: string[] = [];
  try {
    for (const name of options.results ?? exportedResults) {
      const table = await materialiseResult(db, name, options);
      const path = join(target, `${name}.${extensions[options.format]}`);
      begun.push(path);
      await writing(path, target, () => writeTable(db, table, partialOf(path), options.format));
      const { n } = await db.one<{ n: number }>(`select count(*)::bigint as n from ${quoteIdentifier(table)}`);
      written.push({ name, path, rows: n, bytes: (await stat(partialOf(path))).size });
      await db.run(`drop table if exists ${quoteIdentifier(table)}`);
    }
    for (const { path } of written) await writing(path, target, () => rename(partialOf(path), path));
  } catch (error) {
    // the export's own error is the one to tell, not a failure to clean up after it
    await Promise.all(begun.map((path) => rm(partialOf(path), { force: true }).catch(() => undefined)));
    throw error;
  }
  return written;
}

/** A write of `path` (into `target`), its failure told as one of that file, with what to do. */
async function writing(path: string, target: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const hint = isOutOfDiskSpace(error) ? 'The disk is full: free some space there, or export to a folder on a disk with more room.' : `Check that ${target} can be written to.`;
    throw new CliError(`cannot write ${path}: ${errorFirstLine(error)}\n${hint}`, 1, { cause: error });
  }
}

async function writeTable(db: Database, table: string, path: string, format: ExportFormat): Promise<void> {
  try {
    if (format === 'csv') await writeCsv(db, table, path);
    else if (format === 'parquet') await db.run(`copy ${quoteIdentifier(table)} to ${quoteLiteral(path)} (format parquet, compression zstd)`);
    // apache-arrow is loaded only when asked for: every other command starts faster without it
    else await (await import('./arrow.js')).writeArrow(db, table, path);
  } catch (error) {
    // the write's own error is the one to tell, not a failure to clean up after it
    await rm(path, { force: true }).catch(() => undefined);
    throw error;
  }
}
