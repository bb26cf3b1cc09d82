import { Command, Option } from 'commander';
import { Database } from '../db/database.js';
import { requireData, requireSchema } from '../db/migrations.js';
import { parseWindow, windowFormatHelp } from '../analysis/window.js';
import { exportFormats, exportResults, type ExportFormat, type ExportedFile } from '../export/export.js';
import { formatBytes, formatTable, processOutput, type Output } from '../tty.js';
import { dbOption, readerHelp } from './options.js';
import { exportPartitioned, type PartitionedTable } from '../export/partitioned.js';
import { usageError } from '../errors.js';

interface ExportCommandOptions {
  db: string;
  from?: string;
  to?: string;
  format: ExportFormat;
  partitionBy?: 'day';
}

export function exportCommand(output: Output = processOutput): Command {
  return new Command('export')
    .description('Write the analysis results for a window, one file per table (episodes, commonality, recurrence, stations, lock_failures, lock_connectors, remediation, data_quality, ...).')
    .argument('<dir>', 'output directory (created if missing; files in it are replaced)')
    .addOption(dbOption())
    .option('--from <time>', `start of the window, inclusive (${windowFormatHelp}); default: the start of the data`)
    .option('--to <time>', 'end of the window, exclusive; a date alone includes that whole day; default: the end of the data')
    .addOption(new Option('--format <format>', 'file format').choices(exportFormats).default('csv'))
    .addOption(
      new Option('--partition-by <unit>', 'instead of the result tables, write messages, status_notifications and episodes as hive-partitioned Parquet (<dir>/<table>/day=YYYY-MM-DD/) for a data lake; needs --format parquet').choices(['day']),
    )
    .addHelpText('after', `\nThe columns of every table are documented in docs/exports.md.\n${readerHelp}`)
    .action(async (dir: string, options: ExportCommandOptions) => {
      const window = parseWindow(options);
      if (options.partitionBy && options.format !== 'parquet') throw usageError('--partition-by writes Parquet: add --format parquet');
      const db = await Database.open(options.db, { readOnly: true });
      try {
        await requireSchema(db);
        await requireData(db);
        if (options.partitionBy) output.out(formatPartitioned(await exportPartitioned(db, dir, { window })));
        else output.out(formatExported(await exportResults(db, dir, { window, format: options.format })));
      } finally {
        db.close();
      }
    });
}

export function formatPartitioned(tables: readonly PartitionedTable[]): string {
  return formatTable(tables, [
    { header: 'table', value: (t) => t.name },
    { header: 'rows', value: (t) => t.rows },
    { header: 'days', value: (t) => t.days },
    { header: 'folder', value: (t) => t.path },
  ]);
}

export function formatExported(files: readonly ExportedFile[]): string {
  return formatTable(files, [
    { header: 'table', value: (f) => f.name },
    { header: 'rows', value: (f) => f.rows },
    { header: 'size', value: (f) => formatBytes(f.bytes), align: 'right' },
    { header: 'file', value: (f) => f.path },
  ]);
}
