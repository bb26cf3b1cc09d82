/** Numbers, times and durations as the page shows them: fixed formats, UTC, no locale or time-zone dependence. */

const missing = '–';

export function num(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'bigint' ? Number(value) : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** 1234 → "1,234" */
export function formatCount(value: unknown): string {
  const n = num(value);
  if (n === null) return missing;
  const [whole, fraction] = Math.abs(n).toFixed(Number.isInteger(n) ? 0 : 1).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** A number with `digits` decimals, grouped: 1234.5 → "1,234.5" */
export function formatNumber(value: unknown, digits = 1): string {
  const n = num(value);
  if (n === null) return missing;
  const [whole, fraction] = Math.abs(n).toFixed(digits).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${grouped}${fraction ? `.${fraction}` : ''}`;
  return `${n < 0 && Number(text.replace(/,/g, '')) !== 0 ? '-' : ''}${text}`;
}

/** 0.5263 → "52.6%" */
export function formatShare(value: unknown, digits = 1): string {
  const n = num(value);
  return n === null ? missing : `${formatNumber(n * 100, digits)}%`;
}

/** Seconds as short text: 8 s, 95 s, 12 min, 3.5 h, 2.1 d (as the SQL macro human_duration writes them). */
export function formatDuration(value: unknown): string {
  const s = num(value);
  if (s === null) return missing;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${trimZero((s / 3600).toFixed(1))} h`;
  return `${trimZero((s / 86_400).toFixed(1))} d`;
}

const trimZero = (text: string) => text.replace(/\.0$/, '');

function asDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** "2026-03-02 10:05:30" (UTC) */
export function formatTime(value: unknown): string {
  const d = asDate(value);
  return d === null ? missing : d.toISOString().slice(0, 19).replace('T', ' ');
}

/** "2026-03-02 10:05" (UTC) */
export function formatMinute(value: unknown): string {
  const d = asDate(value);
  return d === null ? missing : d.toISOString().slice(0, 16).replace('T', ' ');
}

/** "2026-03-02" (UTC) */
export function formatDate(value: unknown): string {
  const d = asDate(value);
  return d === null ? missing : d.toISOString().slice(0, 10);
}

/** The ISO text of a time, for sorting and machine reading; '' when missing. */
export function isoTime(value: unknown): string {
  const d = asDate(value);
  return d === null ? '' : d.toISOString();
}

/** "1 episode", "3 episodes", "1,200 stations" */
export function formatCountOf(value: unknown, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${num(value) === 1 ? singular : plural}`;
}
