import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { CliError, ExitCode, usageError } from '../errors.js';
import { parseWindowBound } from '../analysis/window.js';
import { nightlyWindows, type NightlyWindow } from '../nightly/windows.js';
import { processOutput, terminalSafe, type Output } from '../tty.js';
import { dbOption, parseTimeZone, tempDirOption } from './options.js';

interface NightlyCommandOptions {
  db: string;
  out: string;
  window: NightlyWindow;
  until?: string;
  maxRejects: number;
  tz: string;
  rehash: boolean;
  tempDir?: string;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw usageError(`--max-rejects takes a whole number, not '${value}'`);
  return Number(value);
}

export function nightlyCommand(output: Output = processOutput): Command {
  return new Command('nightly')
    .description('The nightly job: ingest what is new in the inbox, then write the window\'s report, CSV exports and alerts to DIR/<date>/ and DIR/latest.')
    .argument('<inbox-dir>', 'folder the export job fills (files already ingested are skipped by content; files an earlier night read and unchanged since are not read again)')
    .addOption(dbOption())
    .option('--out <dir>', 'output folder', './nightly')
    .addOption(new Option('--window <length>', 'length of the window that ends at --until').choices(Object.keys(nightlyWindows)).default('24h'))
    .option('--until <time>', 'end of the window, exclusive (ISO 8601, UTC when no zone; a date alone includes that whole day); default: just after the latest data')
    .option('--max-rejects <n>', 'exit 3 when more lines than this were rejected (outputs are still written)', parseCount, 100)
    .option('--tz <zone>', 'time zone of times written without one (IANA name)', parseTimeZone, 'UTC')
    .option('--rehash', 'read every inbox file to hash it, even one unchanged since an earlier night read it', false)
    .addOption(tempDirOption())
    .addHelpText(
      'after',
      `
Exit codes: 0 all went well, 1 failure (nothing published; the last complete folder stays), 2 usage error,
3 more rejected lines than --max-rejects.

A crontab line (every night at 02:30, reporting the day before, output kept by date):
  30 2 * * *  cd /srv/ocpp-faults && npx ocpp-faults nightly /srv/exports/inbox --db /srv/ocpp-faults/faults.duckdb --out /srv/ocpp-faults/nightly --until $(date -u -d yesterday +\\%F) >> /var/log/ocpp-faults.log 2>&1`,
    )
    .action(async (inbox: string, options: NightlyCommandOptions) => {
      const until = options.until === undefined ? undefined : parseWindowBound(options.until, 'to', '--until');
      // a night reports what has happened: a typo's window in the future would publish an empty folder as latest
      const day = 24 * 3600 * 1000;
      if (until !== undefined && Date.parse(until) > Date.now() + day) {
        throw usageError(
          `--until ${options.until} ends the window at ${until}, more than a day from now: a night reports what has happened. ` +
            `Pass the day to report, e.g. --until ${new Date(Date.now() - day).toISOString().slice(0, 10)} for yesterday.`,
        );
      }
      if (!existsSync(inbox)) {
        throw new CliError(`no inbox folder ${terminalSafe(resolve(inbox))}: create it, or name the folder the export job fills.`, ExitCode.failure);
      }
      if (within(resolve(options.out), resolve(inbox))) {
        throw usageError(`--out ${options.out} is inside the inbox ${inbox}: the next night would read its own CSV exports and alerts.json as logs. Put the output folder outside the inbox.`);
      }
      // loaded when run: it brings the report's chart libraries, which no other command should wait for
      const { runNightly } = await import('../nightly/nightly.js');
      const result = await runNightly({
        dbPath: options.db,
        inbox,
        outDir: options.out,
        window: options.window,
        until,
        maxRejects: options.maxRejects,
        tz: options.tz,
        rehash: options.rehash,
        tempDir: options.tempDir,
        log: (stage, text) => output.out(`${stage.padEnd(10)} ${terminalSafe(text)}`),
      });
      if (result.exitCode !== 0) {
        output.err(`${result.ingest.rejected} lines were rejected, more than --max-rejects ${options.maxRejects}: see data_quality.csv and the report's data-quality section.`);
        process.exitCode = result.exitCode;
      }
    });
}

/** Whether `path` is `folder` or lies below it. */
function within(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
