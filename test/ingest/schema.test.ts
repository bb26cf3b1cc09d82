import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Database } from '../../src/db/database.js';
import { schemaVersion } from '../../src/db/migrations.js';
import { loadSql } from '../../src/sql/load.js';
import { query, runCli, tempDir } from './helpers.js';

/** 3,000 frames, 1,500 Heartbeats and their answers: enough rows that DuckDB compresses the payloads of a file */
function heartbeats(dir: string): string {
  const path = join(dir, 'heartbeats.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 1500; i++) {
    const at = new Date(Date.UTC(2026, 2, 2, 10) + i * 60_000).toISOString();
    lines.push(JSON.stringify({ timestamp: at, chargeBoxId: `CP-${i % 7}`, direction: 'in', message: [2, `h${i}`, 'Heartbeat', {}] }));
    lines.push(JSON.stringify({ timestamp: at, chargeBoxId: `CP-${i % 7}`, direction: 'out', message: [3, `h${i}`, { currentTime: at }] }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const payloadCompression = async (db: string) =>
  query<{ version: string; messages: number; compression: string[] }>(
    db,
    `select (select value from meta where key = 'schema_version') as version,
            (select count(*)::integer from messages) as messages,
            (select list(distinct compression order by compression) from pragma_storage_info('messages')
             where column_name = 'payload' and segment_type <> 'VALIDITY') as compression`,
  );

describe('schema version 2: message payloads compressed with zstd', () => {
  it('a new database file stores the payloads with zstd', async () => {
    const dir = tempDir();
    const db = join(dir, 'fresh.duckdb');
    expect(runCli(['ingest', heartbeats(dir), '--db', db]).status).toBe(0);
    expect(schemaVersion).toBe(5);
    expect(await payloadCompression(db)).toEqual([{ version: '5', messages: 3000, compression: ['ZSTD'] }]);
  });

  it('a file in an older storage format keeps DuckDB’s own choice: zstd there would mean no compression at all', async () => {
    const dir = tempDir();
    const db = join(dir, 'older.duckdb');
    (await DuckDBInstance.create(db)).closeSync();
    expect(runCli(['ingest', heartbeats(dir), '--db', db]).status).toBe(0);
    const [row] = await payloadCompression(db);
    expect(row).toMatchObject({ version: '5', messages: 3000 });
    expect(row!.compression).not.toContain('ZSTD');
    expect(row!.compression).not.toContain('Uncompressed');
  });

  it('a version 1 database keeps every message and stores their payloads with zstd from then on', async () => {
    const dir = tempDir();
    const path = join(dir, 'v1.duckdb');
    const v1 = await Database.open(path);
    await v1.runScript(loadSql('schema/001_initial'));
    await v1.run(`insert or replace into meta values ('schema_version', '1')`);
    await v1.run(`insert into messages values
      ('CP-1', '2026-03-01T09:00:00Z', 'in', 2, 'a1', 'StatusNotification', '{"connectorId":1,"errorCode":"NoError","status":"Available"}', null, null, 11, 99, 1),
      ('CP-1', '2026-03-01T09:00:01Z', 'out', 3, 'a1', 'StatusNotification', '{}', null, null, 12, 99, 2)`);
    v1.close();

    expect(runCli(['ingest', heartbeats(dir), '--db', path]).status).toBe(0);
    expect(await payloadCompression(path)).toEqual([{ version: '5', messages: 3002, compression: ['ZSTD'] }]);
    expect(await query(path, `select station_id, unique_id, action, payload::varchar as payload, frame_hash::integer as frame_hash, line_no::integer as line_no from messages where file_id = 99 order by line_no`)).toEqual([
      { station_id: 'CP-1', unique_id: 'a1', action: 'StatusNotification', payload: '{"connectorId":1,"errorCode":"NoError","status":"Available"}', frame_hash: 11, line_no: 1 },
      { station_id: 'CP-1', unique_id: 'a1', action: 'StatusNotification', payload: '{}', frame_hash: 12, line_no: 2 },
    ]);
  });
});

describe('schema version 4: the messages the derived tables read, kept as each run stores them', () => {
  it('a version 3 database takes them from every message stored, and a run adds its own', async () => {
    const dir = tempDir();
    const path = join(dir, 'v3.duckdb');
    const v3 = await Database.open(path);
    for (const script of ['schema/001_initial', 'schema/002_payload_zstd', 'schema/003_seen_files']) await v3.runScript(loadSql(script));
    await v3.run(`insert or replace into meta values ('schema_version', '3')`);
    await v3.run(`insert into files values (99, 'boot.jsonl', 'ab', 300, 'ocpp-jsonl', '2026-03-01T10:00:00Z', 3, 3, 0, 0, 0, 0)`);
    await v3.run(`insert into messages values
      ('CP-1', '2026-03-01T09:00:00Z', 'in', 2, 'b1', 'BootNotification', '{"chargePointVendor":"Alfen","chargePointModel":"NG9"}', null, null, 11, 99, 1),
      ('CP-1', '2026-03-01T09:00:01Z', 'out', 3, 'b1', 'BootNotification', '{"status":"Accepted","interval":300}', null, null, 12, 99, 2),
      ('CP-1', '2026-03-01T09:00:02Z', 'in', 2, 'h1', 'Heartbeat', '{}', null, null, 13, 99, 3)`);
    v3.close();

    expect(runCli(['ingest', heartbeats(dir), '--db', path]).status).toBe(0);
    // the boot and its answer; of the heartbeats file (CALLs in, answers out) nothing
    expect(await query(path, `select (select value from meta where key = 'schema_version') as version, file_id, line_no::integer as line_no, action from derived_messages order by file_id, line_no`)).toEqual([
      { version: '5', file_id: 99, line_no: 1, action: 'BootNotification' },
      { version: '5', file_id: 99, line_no: 2, action: 'BootNotification' },
    ]);
    expect(await query(path, `select station_id, vendor, model, registration_status, heartbeat_interval_s from station_boots`)).toEqual([
      { station_id: 'CP-1', vendor: 'Alfen', model: 'NG9', registration_status: 'Accepted', heartbeat_interval_s: 300 },
    ]);
    // schema version 5: the zone of a file ingested before it is unknown (read as UTC), a new file's is kept
    expect(await query(path, `select file_id, time_zone from files order by file_id`)).toEqual([
      { file_id: 99, time_zone: null },
      { file_id: 100, time_zone: 'UTC' },
    ]);
  });
});

describe('schema version 5: the zone each file was ingested in', () => {
  /** A session whose StartTransaction and StopTransaction carry zone-less local times, 5 h behind their UTC receive times. */
  function localSession(path: string, station: string): string {
    const frame = (at: string, direction: string, message: unknown[]) => JSON.stringify({ timestamp: at, chargeBoxId: station, direction, message });
    writeFileSync(
      path,
      [
        frame('2026-03-02T09:11:00Z', 'in', [2, 's1', 'StartTransaction', { connectorId: 1, idTag: 'T1', meterStart: 0, timestamp: '2026-03-02T04:11:00' }]),
        frame('2026-03-02T09:11:01Z', 'out', [3, 's1', { transactionId: 77, idTagInfo: { status: 'Accepted' } }]),
        frame('2026-03-02T10:00:00Z', 'in', [2, 's2', 'StopTransaction', { transactionId: 77, meterStop: 9000, timestamp: '2026-03-02T05:00:00' }]),
      ].join('\n') + '\n',
    );
    return path;
  }
  const sessions = `select station_id, transaction_id, started_at::varchar as started_at, stopped_at::varchar as stopped_at from transactions order by station_id`;

  it('zone-less transaction times are read in the --tz of their file, also when later runs rebuild the transactions', async () => {
    const dir = tempDir();
    const db = join(dir, 'tz.duckdb');
    expect(runCli(['ingest', localSession(join(dir, 'ny.jsonl'), 'CP-NY'), '--db', db, '--tz', 'America/New_York']).status).toBe(0);
    expect(await query(db, sessions)).toEqual([{ station_id: 'CP-NY', transaction_id: 77, started_at: '2026-03-02 09:11:00+00', stopped_at: '2026-03-02 10:00:00+00' }]);
    // a second run, in UTC, rebuilds the transactions from every stored message: each file keeps its own zone
    expect(runCli(['ingest', localSession(join(dir, 'utc.jsonl'), 'CP-UTC'), '--db', db]).status).toBe(0);
    expect(await query(db, sessions)).toEqual([
      { station_id: 'CP-NY', transaction_id: 77, started_at: '2026-03-02 09:11:00+00', stopped_at: '2026-03-02 10:00:00+00' },
      // read in UTC, 5 h before their receipt: plausible as queued replays, so they stand
      { station_id: 'CP-UTC', transaction_id: 77, started_at: '2026-03-02 04:11:00+00', stopped_at: '2026-03-02 05:00:00+00' },
    ]);
    expect(await query(db, `select path, time_zone from files order by file_id`)).toEqual([
      { path: join(dir, 'ny.jsonl'), time_zone: 'America/New_York' },
      { path: join(dir, 'utc.jsonl'), time_zone: 'UTC' },
    ]);
  });
});
