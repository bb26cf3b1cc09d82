import { Command, Option } from 'commander';
import { Database } from '../db/database.js';
import { requireSchema } from '../db/migrations.js';
import { parseWindow, windowFormatHelp } from '../analysis/window.js';
import { exportFormats, exportResults, type ExportFormat, type ExportedFile } from '../export/export.js';
import { formatBytes, formatTable, processOutput, type Output } from '../tty.js';
import { dbOption } from './options.js';

interface ExportCommandOptions {
  db: string;
  from?: string;
  to?: string;
  format: ExportFormat;
}

export function exportCommand(output: Output = processOutput): Command {
  return new Command('export')
    .description('Write the analysis results for a window, one file per table (episodes, commonality, recurrence, stations, lock_failures, lock_connectors, remediation, data_quality, ...).')
    .argument('<dir>', 'output directory (created if missing; files in it are replaced)')
    .addOption(dbOption())
    .option('--from <time>', `start of the window, inclusive (${windowFormatHelp}); default: the start of the data`)
    .option('--to <time>', 'end of the window, exclusive; a date alone includes that whole day; default: the end of the data')
    .addOption(new Option('--format <format>', 'file format').choices(exportFormats).default('csv'))
    .addHelpText('after', '\nThe columns of every table are documented in docs/exports.md.')
    .action(async (dir: string, options: ExportCommandOptions) => {
      const window = parseWindow(options);
      const db = await Database.open(options.db, { readOnly: true });
      try {
        await requireSchema(db);
        const files = await exportResults(db, dir, { window, format: options.format });
        output.out(formatExported(files));
      } finally {
        db.close();
      }
    });
}

export function formatExported(files: readonly ExportedFile[]): string {
  return formatTable(files, [
    { header: 'table', value: (f) => f.name },
    { header: 'rows', value: (f) => f.rows },
    { header: 'size', value: (f) => formatBytes(f.bytes), align: 'right' },
    { header: 'file', value: (f) => f.path },
  ]);
}
