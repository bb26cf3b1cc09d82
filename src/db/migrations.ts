import type { Database } from './database.js';
import { loadSql } from '../sql/load.js';
import { CliError } from '../errors.js';

/** Each entry upgrades the schema by one version; never edit a released one, add the next. */
const migrations = ['schema/001_initial'];

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
    for (const name of migrations.slice(version)) await db.runScript(loadSql(name));
    await db.run(`insert or replace into meta values ('schema_version', ?)`, [String(schemaVersion)]);
  });
}

/** Read-only commands check the version instead of migrating. */
export async function requireSchema(db: Database): Promise<void> {
  const version = await currentSchemaVersion(db);
  if (version === 0) throw new CliError(`${db.path} is not an ocpp-faults database (no schema): run 'ocpp-faults ingest' into it first.`);
  if (version !== schemaVersion) {
    throw new CliError(`${db.path} has schema version ${version}; this ocpp-faults needs ${schemaVersion}. Run 'ocpp-faults ingest' (which migrates) or upgrade ocpp-faults.`);
  }
}
