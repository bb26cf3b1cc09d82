import { Command } from 'commander';
import { Database } from '../db/database.js';
import { requireSchema } from '../db/migrations.js';
import { parseWindow, windowFormatHelp } from '../analysis/window.js';
import { buildAlerts } from '../analysis/alerts.js';
import { usageError } from '../errors.js';
import { formatBytes, processOutput, terminalSafe, type Output } from '../tty.js';
import { dbOption, readerHelp } from './options.js';

interface ReportCommandOptions {
  db: string;
  from?: string;
  to?: string;
  station: string[];
  out: string;
}

export function reportCommand(output: Output = processOutput): Command {
  return new Command('report')
    .description('Write the fault report for a window as one self-contained HTML file (opens offline, prints, works on a phone).')
    .addOption(dbOption())
    .option('--from <time>', `start of the window, inclusive (${windowFormatHelp}); default: the start of the data`)
    .option('--to <time>', 'end of the window, exclusive; a date alone includes that whole day; default: the end of the data')
    .option('--station <id>', 'only this station (exact id; repeat for more); default: every station', collect, [])
    .option('--out <file>', 'the HTML file to write (replaced if it exists)', 'report.html')
    .addHelpText('after', '\nThe page opens with the window\'s alerts (as nightly writes them to alerts.json). Headline figures compare\nwith the window of the same length just before --from.\n' + readerHelp)
    .action(async (options: ReportCommandOptions) => {
      const window = parseWindow(options);
      const db = await Database.open(options.db, { readOnly: true });
      try {
        await requireSchema(db);
        // loaded when run: the chart libraries are the slowest part of starting the CLI
        const { writeReport } = await import('../report/report.js');
        const alerts = await buildAlerts(db, { window });
        // a report narrowed to stations shows their alerts only (fleet-wide ones, such as a code's rise, are left out)
        const shown = options.station.length ? alerts.filter((alert) => alert.station_id !== null && options.station.includes(alert.station_id)) : alerts;
        const report = await writeReport(db, options.out, { window, stations: options.station, alerts: shown });
        output.out(formatWritten(report));
      } finally {
        db.close();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  if (value === '') throw usageError('--station needs a station id');
  return [...previous, value];
}

export function formatWritten(report: { path: string; bytes: number; episodes: number; stations: number; detailSections: number }): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const faults = report.episodes
    ? `${plural(report.episodes, 'error episode')} on ${plural(report.stations, 'station')}, ${plural(report.detailSections, 'station section')}`
    : 'no faults in this window';
  return `Report written to ${terminalSafe(report.path)} (${formatBytes(report.bytes)}; ${faults}).`;
}
