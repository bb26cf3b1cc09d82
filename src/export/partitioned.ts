import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Database } from '../db/database.js';
import { CliError, usageError } from '../errors.js';
import { bindParameters, materialiseResult, parameterValues, type AnalysisOptions } from '../analysis/results.js';
import { loadSql } from '../sql/load.js';
import { quoteLiteral } from './columns.js';
import { makeDirectory } from '../directories.js';

/** The tables a data lake gets, each as hive-partitioned Parquet: <dir>/<table>/day=YYYY-MM-DD/*.parquet. */
export const partitionedTables = ['messages', 'status_notifications', 'episodes'] as const;

export interface PartitionedTable {
  name: (typeof partitionedTables)[number];
  path: string;
  rows: number;
  days: number;
}

/**
 * Writes messages, status notifications and episodes of the window as Parquet partitioned by UTC day. The days of
 * the window are replaced; other days already in the folder are kept, so nightly windows add up to a lake. An
 * episode is in the day it started, so only the episodes that started in the window are written: one running on
 * from the day before belongs to that day's partition, which this export leaves alone.
 */
export async function exportPartitioned(db: Database, dir: string, options: AnalysisOptions): Promise<PartitionedTable[]> {
  requireWholeDays(options);
  const target = resolve(dir);
  const values = parameterValues(options);
  const written: PartitionedTable[] = [];
  for (const name of partitionedTables) {
    if (name === 'episodes') await materialiseResult(db, 'episodes', options);
    const sql = loadSql(`export/${name}_by_day`);
    const params = bindParameters(sql, values);
    const days = (await db.all<{ day: string }>(`select distinct day from (${sql}) order by day`, params)).map((r) => r.day);
    const path = join(target, name);
    let rows = 0;
    try {
      await makeDirectory(path);
      for (const day of days) await rm(join(path, `day=${day}`), { recursive: true, force: true });
      if (days.length) rows = await db.runCounting(`copy (${sql}) to ${quoteLiteral(path)} (format parquet, compression zstd, partition_by (day), overwrite_or_ignore)`, params);
    } catch (error) {
      throw new CliError(`cannot write ${path}: ${(error as Error).message}`, 1, { cause: error });
    }
    written.push({ name, path, rows, days: days.length });
  }
  return written;
}

const dayMs = 86_400_000;

/** A window that cuts a day would replace that day's partition with the part of it in the window. */
function requireWholeDays({ window }: AnalysisOptions): void {
  for (const [option, bound] of [['--from', window?.from], ['--to', window?.to]] as const) {
    if (bound && Date.parse(bound) % dayMs !== 0) {
      const day = new Date(Date.parse(bound) - (Date.parse(bound) % dayMs)).toISOString().slice(0, 10);
      throw usageError(
        `--partition-by day replaces whole days, and ${option} ${bound} cuts ${day}: its partition would hold only part of the day. Give dates (--from ${day} --to ${day}), or times at 00:00 UTC.`,
      );
    }
  }
}
