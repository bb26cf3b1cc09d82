import { usageError } from '../errors.js';

/** The analysis window as ISO 8601 UTC times; null = open on that side (all data). `to` is exclusive. */
export interface AnalysisWindow {
  from: string | null;
  to: string | null;
}

export const allData: AnalysisWindow = { from: null, to: null };

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTime = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export const windowFormatHelp = 'use an ISO 8601 date or time in UTC, e.g. 2026-03-01 or 2026-03-01T08:00:00Z';

/**
 * One --from/--to value as an ISO time in UTC. A date alone is midnight UTC for --from; for --to it means the
 * whole day, so the bound is the next midnight. A time without a zone is UTC. Anything else is a usage error.
 */
export function parseWindowBound(value: string, which: 'from' | 'to', option = `--${which}`): string {
  const text = value.trim();
  const d = dateOnly.exec(text);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    if (!validDate(y, m, day)) throw badBound(value, option);
    return new Date(Date.UTC(y, m - 1, day + (which === 'to' ? 1 : 0))).toISOString();
  }
  const t = dateTime.exec(text);
  if (t) {
    const [y, m, day, hh, mm, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(t[i] ?? 0)) as [number, number, number, number, number, number];
    if (!validDate(y, m, day) || hh > 23 || mm > 59 || ss > 59) throw badBound(value, option);
    const fraction = (t[7] ?? '').padEnd(3, '0').slice(0, 3);
    let zone = t[8] ?? 'Z';
    if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
    else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const iso = `${t[1]}-${t[2]}-${t[3]}T${t[4]}:${t[5]}:${String(ss).padStart(2, '0')}.${fraction}${zone.toUpperCase()}`;
    const parsed = new Date(iso);
    if (Number.isNaN(parsed.getTime())) throw badBound(value, option);
    return parsed.toISOString();
  }
  throw badBound(value, option);
}

/** --from and --to together; --from must come before --to. */
export function parseWindow(options: { from?: string | undefined; to?: string | undefined }): AnalysisWindow {
  const from = options.from === undefined ? null : parseWindowBound(options.from, 'from');
  const to = options.to === undefined ? null : parseWindowBound(options.to, 'to');
  if (from !== null && to !== null && from >= to) {
    // the values as typed first: a bare --to date is shown as the end of its day, which read as if --to were --from
    const end = /^\d{4}-\d{2}-\d{2}$/.test(options.to!.trim()) ? `, which ends the window at ${to} since a date alone includes that whole day` : ` (${to})`;
    throw usageError(`--from ${options.from!.trim()} (${from}) must be before --to ${options.to!.trim()}${end}`);
  }
  return { from, to };
}

function validDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function badBound(value: string, option: string) {
  return usageError(`${option}: '${value}' is not a date or time; ${windowFormatHelp}`);
}

/** Why a window holds no data, when it lies wholly before or after what the database holds; null when it overlaps. */
export function dataOutside(window: { from: string | null; to: string | null }, dataStart: Date | null, dataEnd: Date | null): string | null {
  if (!dataStart || !dataEnd) return null;
  const after = window.from !== null && Date.parse(window.from) > dataEnd.getTime();
  const before = window.to !== null && Date.parse(window.to) <= dataStart.getTime();
  if (!after && !before) return null;
  return `no data in the window: the database holds ${dataStart.toISOString()} to ${dataEnd.toISOString()}`;
}
