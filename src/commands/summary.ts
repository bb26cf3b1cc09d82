import { Command } from 'commander';
import { Database } from '../db/database.js';
import { requireData, requireSchema } from '../db/migrations.js';
import { buildSummary, type Summary } from '../analysis/summary.js';
import { dataOutside, parseWindow, windowFormatHelp } from '../analysis/window.js';
import { usageError } from '../errors.js';
import { formatTable, processOutput, type Output } from '../tty.js';
import { dbOption, readerHelp } from './options.js';

interface SummaryCommandOptions {
  db: string;
  from?: string;
  to?: string;
  json: boolean;
  top: number;
}

export function summaryCommand(output: Output = processOutput): Command {
  return new Command('summary')
    .description('Print the fault analytics for a window: top error codes, chronic stations, lock failures, data quality.')
    .addOption(dbOption())
    .option('--from <time>', `start of the window, inclusive (${windowFormatHelp}); default: the start of the data`)
    .option('--to <time>', 'end of the window, exclusive; a date alone includes that whole day; default: the end of the data')
    .option('--json', 'print one JSON object with the same data instead of tables', false)
    .option('--top <n>', 'how many error codes and chronic stations to list', parseCount, 10)
    .addHelpText('after', `\n${readerHelp}`)
    .action(async (options: SummaryCommandOptions) => {
      const window = parseWindow(options);
      const db = await Database.open(options.db, { readOnly: true });
      try {
        await requireSchema(db);
        await requireData(db);
        const summary = await buildSummary(db, { window, top: options.top });
        output.out(options.json ? JSON.stringify(summaryJson(summary)) : formatSummary(summary));
      } finally {
        db.close();
      }
    });
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--top: '${value}' is not a positive whole number`);
  return n;
}

/** The --json object: the summary with times as ISO 8601 UTC text and 64-bit integers as numbers. */
export function summaryJson(summary: Summary): Record<string, unknown> {
  return JSON.parse(JSON.stringify(summary, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value))) as Record<string, unknown>;
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value));
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const countOf = (value: unknown, singular: string) => `${num(value)} ${num(value) === 1 ? singular : `${singular}s`}`;
const percent = (value: unknown) => (value === null || value === undefined ? '' : `${(Number(value) * 100).toFixed(1)}%`);
/** whole seconds: a median of two durations or a mean has a fraction that only misaligns the column */
const seconds = (value: unknown) => (value === null || value === undefined ? null : Math.round(Number(value)));
const hours = (value: unknown) => (value === null || value === undefined ? '' : Number(value).toFixed(2));

/** The summary as aligned terminal tables. */
export function formatSummary(s: Summary): string {
  const w = s.window;
  const t = s.totals;
  const out: string[] = [];
  out.push(
    `Window ${iso(w['window_start'])} to ${iso(w['window_end'])} (${hours(w['window_h'])} h): ` +
      `${countOf(t['episodes'], 'error episode')} (${num(t['open_episodes'])} still open) on ${countOf(t['stations_affected'], 'station')}, ` +
      `${hours(t['downtime_h'])} h Faulted.`,
  );
  const outside = dataOutside(
    { from: iso(w['requested_from']) || null, to: iso(w['requested_to']) || null },
    w['data_start'] instanceof Date ? w['data_start'] : null,
    w['data_end'] instanceof Date ? w['data_end'] : null,
  );
  if (outside) out.push(`${outside[0]!.toUpperCase()}${outside.slice(1)}. Choose --from and --to within that.`);
  out.push('', 'Top error codes');
  out.push(
    section(s.top_codes, [
      { header: 'error code', value: (r) => String(r['error_code']) },
      { header: 'episodes', value: (r) => num(r['episodes']) },
      { header: 'share', value: (r) => percent(r['share']), align: 'right' },
      { header: 'faulted', value: (r) => num(r['faulted_episodes']) },
      { header: 'stations', value: (r) => num(r['stations']) },
      { header: 'median s', value: (r) => seconds(r['median_duration_s']) },
      { header: 'downtime h', value: (r) => hours(r['downtime_h']), align: 'right' },
      { header: 'expected', value: (r) => iso(r['expected_commonality']) },
      { header: 'observed', value: (r) => iso(r['observed_commonality']) },
      { header: 'differs', value: (r) => (r['differs'] === true ? 'yes' : r['differs'] === false ? 'no' : '') },
    ]),
  );
  out.push('', 'Top chronic stations');
  out.push(
    section(s.chronic_stations, [
      { header: 'fleet rank', value: (r) => num(r['rank']) },
      { header: 'station', value: (r) => String(r['station_id']) },
      { header: 'episodes', value: (r) => num(r['episodes']) },
      { header: 'downtime h', value: (r) => hours(r['downtime_h']), align: 'right' },
      { header: 'chronic codes', value: (r) => iso(r['chronic_code_list']) },
      { header: 'MTTR s', value: (r) => seconds(r['mttr_s']) },
      { header: 'last seen', value: (r) => iso(r['last_seen']) },
    ]),
  );
  const l = s.lock_failures;
  out.push('', 'Lock failures');
  out.push(
    section(
      [
        { class: 'stuck_lock', count: num(l['stuck_lock']) },
        { class: 'driver_misuse', count: num(l['driver_misuse']) },
        { class: 'undetermined', count: num(l['undetermined']) },
      ],
      [
        { header: 'classification', value: (r) => r.class },
        { header: 'count', value: (r) => r.count },
      ],
    ),
  );
  const r = s.remediation;
  out.push(
    `Connectors with a suspected lock mechanism: ${num(l['mechanism_suspected_connectors'])}. ` +
      `Remote unlock freed the cable in ${num(r['freed_by_unlock']) ?? 0} of ${num(r['with_unlock_attempt']) ?? 0} stuck locks that got one` +
      `${r['unlock_success_rate'] === null || r['unlock_success_rate'] === undefined ? '' : ` (${percent(r['unlock_success_rate'])})`}; ` +
      `a reset cleared ${num(r['cleared_by_reset']) ?? 0} of ${num(r['stuck_locks']) ?? 0}.`,
  );
  out.push('', 'Data quality');
  out.push(
    section(s.data_quality, [
      { header: 'finding', value: (q) => String(q['finding']) },
      { header: 'count', value: (q) => num(q['count']) },
      { header: 'stations', value: (q) => num(q['stations']) },
      { header: 'files', value: (q) => num(q['files']) },
    ]),
  );
  return out.join('\n');
}

function section<T>(rows: readonly T[], columns: Parameters<typeof formatTable<T>>[1]): string {
  return rows.length ? formatTable(rows, columns) : '(none)';
}

