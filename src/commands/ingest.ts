import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { Database } from '../db/database.js';
import { ExitCode } from '../errors.js';
import { formats } from '../ingest/detect.js';
import { defaultIngestConfig } from '../ingest/config.js';
import { ingestFiles, type FileOutcome, type IngestResult } from '../ingest/ingest.js';
import { formatTable, processOutput, Progress, terminalSafe, type Output } from '../tty.js';
import { dbOption, parseTimeZone, tempDirOption } from './options.js';
import { RunTempFolder } from '../ingest/disk.js';
import { refuseTerminalStdin } from '../ingest/files.js';

interface IngestCommandOptions {
  db: string;
  format: (typeof formats)[number] | 'auto';
  tz: string;
  strict: boolean;
  json: boolean;
  rehash: boolean;
  tempDir?: string;
  dryRun: boolean;
}

export function ingestCommand(output: Output = processOutput): Command {
  return new Command('ingest')
    .description('Read exported OCPP 1.6 logs into the database (files already ingested are skipped).')
    .argument('<paths...>', 'files or directories (every supported file below a directory; .gz is read directly); - reads standard input')
    .addOption(dbOption())
    .addOption(new Option('--format <format>', 'input format, or auto to decide per file from its first lines').choices(['auto', ...formats]).default('auto'))
    .option('--tz <zone>', 'time zone of times written without one (IANA name)', parseTimeZone, 'UTC')
    .option('--strict', 'store nothing when any line is rejected (exit code 3)', false)
    .option('--json', 'print one JSON object with the counts instead of a summary', false)
    .option('--rehash', 'read every file to hash it, even one unchanged since an earlier run read it', false)
    .addOption(tempDirOption())
    .option('--dry-run', 'read, check and count everything as a run would, then store nothing (a --db that does not exist is not made)', false)
    .addHelpText(
      'after',
      `
Formats:
  ocpp-jsonl   one JSON object a line: {"timestamp", "chargeBoxId", "direction": "in"|"out", "message": [2, id, action, {...}]}
  frames-csv   CSV with a header: timestamp, id (station), action, msg (the OCPP-J frame)
  status-csv   CSV of StatusNotification rows: station, connectorId, status, errorCode, info, vendorId, vendorErrorCode, timestamp
  steve-log    SteVe's steve.log (WebSocketLogger "Received:" / "Sending:" lines)

A file already ingested is skipped: one whose bytes have the sha256 of an ingested file's. A file that an earlier
run read and that is unchanged since (same path, size, inode and modification and change times) is known without
reading it again; --rehash reads it all the same.

Exit codes: 0 done (rejected lines are counted and listed), 1 failure, 2 usage error, 3 --strict and lines were rejected.

Examples:
  ocpp-faults ingest exports/                      every supported file below exports/
  ocpp-faults ingest steve.log.gz --tz Europe/Berlin
  ocpp-faults ingest day.jsonl --strict --json
  ocpp-faults ingest new-export/ --dry-run          what a run would store and reject, storing nothing
  ssh csms cat /var/log/steve/steve.log | ocpp-faults ingest -
  ocpp-faults ingest archive/2025/ --temp-dir /mnt/scratch   a backfill, its staging on a larger disk`,
    )
    .action(async (paths: string[], options: IngestCommandOptions) => {
      refuseTerminalStdin(paths);
      const temp = options.tempDir === undefined ? undefined : await RunTempFolder.create(options.tempDir);
      // a dry run into a database that does not exist yet: one in memory stands for it, empty as the new file would be
      const dbPath = options.dryRun && !existsSync(options.db) ? ':memory:' : options.db;
      // its staging waits where the real run's would, not in DuckDB's default for a database in memory (./.tmp)
      const tempDirectory = temp?.staging ?? (dbPath === ':memory:' ? `${resolve(options.db)}.tmp` : undefined);
      // a run that stores nothing (it failed, or --strict refused its rejects) leaves no database it created behind
      const creates = dbPath !== ':memory:' && !existsSync(dbPath);
      let storedNothing = true;
      const db = await Database.open(dbPath, { memoryLimit: defaultIngestConfig.memoryLimit, tempDirectory }).catch(async (error: unknown) => {
        await temp?.remove();
        throw error;
      });
      try {
        let progress: Progress | undefined;
        const result = await ingestFiles(db, paths, {
          format: options.format,
          tz: options.tz,
          strict: options.strict,
          rehash: options.rehash,
          tempDir: temp?.path,
          dryRun: options.dryRun,
          onWarning: (text) => output.err(`warning: ${terminalSafe(text)}`),
          onProgress: output.interactive
            ? (done, total) => {
                progress ??= new Progress(output, 'ingest', total);
                progress.update(done);
              }
            : undefined,
        });
        progress?.finish();
        storedNothing = result.rolled_back;
        if (options.json) output.out(JSON.stringify(ingestJson(result)));
        else output.out(formatIngestSummary(result, db.path, options.dryRun ? resolve(options.db) : undefined));
        if (result.rolled_back && options.strict && result.rejected > 0) {
          output.err(`--strict: ${result.rejected} line(s) rejected, so nothing was stored. Fix the lines listed above, or run without --strict to store the good lines.`);
          process.exitCode = ExitCode.rejected;
        }
      } finally {
        db.close();
        if (creates && storedNothing) await Promise.all([dbPath, `${dbPath}.wal`].map((file) => rm(file, { force: true })));
        await temp?.remove();
      }
    });
}

/** The --json contract: integer counts of what this run did, and the first 20 rejects. */
export function ingestJson(result: IngestResult): Record<string, unknown> {
  return {
    files_ingested: result.files_ingested,
    files_skipped: result.files_skipped,
    messages: result.messages,
    status_notifications: result.status_notifications,
    duplicates: result.duplicates,
    rejected: result.rejected,
    skipped_lines: result.skipped_lines,
    rejects: result.rejects,
    stored: !result.rolled_back,
  };
}

/** Up to this many files get a row of the summary table; of a longer run, the files worth a look. */
const maxFilesListed = 20;

/** A file a longer run lists: it had lines rejected, or a note on how it was read (a gzip stream cut short). */
function worthALook(file: FileOutcome): boolean {
  return file.rejected > 0 || (file.status === 'ingested' && file.note !== undefined);
}

/** The run's summary for a person; `dryRunOf` names the database a dry run stood for. */
export function formatIngestSummary(result: IngestResult, dbPath: string, dryRunOf?: string): string {
  const lines: string[] = [];
  const n = (value: number) => value.toLocaleString('en-US');
  const listed = result.files.length <= maxFilesListed ? result.files : result.files.filter(worthALook).slice(0, maxFilesListed);
  if (listed.length) {
    lines.push(
      formatTable(listed, [
        { header: 'file', value: (f) => f.path },
        { header: 'format', value: (f) => f.format },
        { header: 'lines', value: (f) => f.lines, align: 'right' },
        { header: 'stored', value: (f) => f.messages, align: 'right' },
        { header: 'duplicates', value: (f) => f.duplicates, align: 'right' },
        { header: 'skipped', value: (f) => f.skipped_lines, align: 'right' },
        { header: 'rejected', value: (f) => f.rejected, align: 'right' },
        { header: 'note', value: (f) => f.note ?? '' },
      ]),
    );
  }
  if (listed.length < result.files.length) {
    const shown = new Set(listed);
    const rest = result.files.filter((f) => !shown.has(f));
    const withRejects = rest.filter((f) => f.rejected > 0).length;
    const where = result.rolled_back ? '' : " (the database's files table has every file's counts)";
    lines.push(
      listed.length
        ? `… and ${n(rest.length)} more file(s), ${withRejects ? `${n(withRejects)} of them with rejected lines` : 'none with rejected lines'}${where}.`
        : `${n(rest.length)} files, none with rejected lines, are not listed one by one${where}.`,
    );
  }
  if (lines.length) lines.push('');
  lines.push(
    `${result.rolled_back ? 'Read' : 'Ingested'} ${n(result.files_ingested)} file(s)${result.files_skipped ? `, skipped ${n(result.files_skipped)} already ingested` : ''}: ` +
      `${n(result.messages)} messages (${n(result.status_notifications)} status notifications), ${n(result.duplicates)} duplicates, ` +
      `${n(result.skipped_lines)} skipped lines, ${n(result.rejected)} rejected.`,
  );
  if (result.rejects.length) {
    lines.push('', `Rejected lines${result.rejected > result.rejects.length ? ` (first ${result.rejects.length} of ${n(result.rejected)})` : ''}:`);
    for (const r of result.rejects) lines.push(`  ${terminalSafe(r.file)}:${r.line}: ${terminalSafe(r.reason)}`);
  }
  if (dryRunOf !== undefined) lines.push('', `Dry run: nothing was stored in ${terminalSafe(dryRunOf)}.`);
  else if (!result.rolled_back) lines.push('', `Database: ${terminalSafe(dbPath)}`);
  return lines.join('\n');
}
