import type { Database } from './database.js';
import { loadSql } from '../sql/load.js';
import { CliError } from '../errors.js';

interface Migration {
  /** the SQL script under queries/ that makes the step */
  script: string;
  /** false when the step does not fit this file; the file then counts as upgraded all the same */
  fits?: (db: Database) => Promise<boolean>;
}

/** Each entry upgrades the schema by one version; never edit a released one, add the next. */
const migrations: Migration[] = [
  { script: 'schema/001_initial' },
  { script: 'schema/002_payload_zstd', fits: storesZstd },
  { script: 'schema/003_seen_files' },
  { script: 'schema/004_derived_messages' },
  { script: 'schema/005_file_time_zone' },
];

export const schemaVersion = migrations.length;

export async function currentSchemaVersion(db: Database): Promise<number> {
  const exists = await db.one<{ n: number }>(
    `select count(*)::integer as n from information_schema.tables where table_name = 'meta' and table_schema = 'main'`,
  );
  if (exists.n === 0) return 0;
  const rows = await db.all<{ value: string }>(`select value from meta where key = 'schema_version'`);
  return rows.length ? Number(rows[0]!.value) : 0;
}

/** Brings a writable database up to the current schema version, in one transaction. */
export async function migrate(db: Database): Promise<void> {
  const version = await currentSchemaVersion(db);
  if (version > schemaVersion) {
    throw new CliError(`${db.path} has schema version ${version}, newer than this ocpp-faults understands (${schemaVersion}); upgrade ocpp-faults.`);
  }
  if (version === schemaVersion) return;
  await db.transaction(async () => {
    for (const step of migrations.slice(version)) {
      if (!step.fits || (await step.fits(db))) await db.runScript(loadSql(step.script));
    }
    await db.run(`insert or replace into meta values ('schema_version', ?)`, [String(schemaVersion)]);
  });
}

/** Read-only commands check the version instead of migrating. */
export async function requireSchema(db: Database): Promise<void> {
  const version = await currentSchemaVersion(db);
  if (version === 0) throw new CliError(`${db.path} is not an ocpp-faults database (no schema): give --db the file 'ocpp-faults ingest' wrote, or ingest logs into a new one.`);
  if (version !== schemaVersion) {
    throw new CliError(`${db.path} has schema version ${version}; this ocpp-faults needs ${schemaVersion}. Run 'ocpp-faults ingest' (which migrates) or upgrade ocpp-faults.`);
  }
}

/**
 * The span of the data, for read-only commands, which on a database with no data yet stop and say so, alike: an empty summary, empty exports or an
 * empty report would look like a fleet with no faults.
 */
export async function requireData(db: Database): Promise<{ data_start: Date; data_end: Date }> {
  const span = await db.one<{ data_start: Date | null; data_end: Date | null }>(loadSql('report/span'));
  if (span.data_start === null || span.data_end === null) {
    throw new CliError(`the database ${db.path} holds no data yet: run 'ocpp-faults ingest <files> --db ${db.path}' first`);
  }
  return { data_start: span.data_start, data_end: span.data_end };
}

/**
 * Whether the file's storage format has zstd compression (DuckDB 1.2 on): new files do (Database.open), files written
 * by earlier versions of ocpp-faults may not, and in those DuckDB would store a zstd column uncompressed. An
 * in-memory database has no format and takes the step (it compresses nothing).
 */
async function storesZstd(db: Database): Promise<boolean> {
  const [row] = await db.allNamed<{ storage_version: string | null }>('schema/storage_version');
  const tag = row?.storage_version ?? null;
  if (tag === null) return true;
  const version = /^v(\d+)\.(\d+)/.exec(tag);
  if (!version) return false;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  return major > 1 || (major === 1 && minor >= 2);
}
