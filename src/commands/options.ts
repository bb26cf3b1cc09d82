import { Option } from 'commander';
import { usageError } from '../errors.js';

export const defaultDbPath = './ocpp-faults.duckdb';

export function dbOption(): Option {
  return new Option('--db <path>', 'DuckDB database file').default(defaultDbPath);
}

/** Where an ingest keeps what waits on disk while it runs; DuckDB's `<db>.tmp` and the system's temporary folder by default. */
export function tempDirOption(): Option {
  return new Option(
    '--temp-dir <dir>',
    "folder for what the run keeps on disk until it commits (about 0.85x its input; removed when it ends); default: '<db>.tmp' and $TMPDIR",
  );
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

/** The --help lines every read-only command ends with. */
export const readerHelp =
  'It opens the database read-only: several can run at once, though not while an ingest or nightly holds it.\n' +
  'Exit codes: 0 done, 1 failure (no database, an empty one, a database a newer ocpp-faults wrote, ...), 2 usage error.';
