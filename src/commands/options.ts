import { Option } from 'commander';
import { usageError } from '../errors.js';

export const defaultDbPath = './ocpp-faults.duckdb';

export function dbOption(): Option {
  return new Option('--db <path>', 'DuckDB database file').default(defaultDbPath);
}

/** A zone name DuckDB and Intl both understand, e.g. UTC or Europe/Berlin. */
export function parseTimeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw usageError(`unknown time zone '${value}': use an IANA name such as UTC or Europe/Berlin`);
  }
  return value;
}
