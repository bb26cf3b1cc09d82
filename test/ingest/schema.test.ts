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
    expect(schemaVersion).toBe(3);
    expect(await payloadCompression(db)).toEqual([{ version: '3', messages: 3000, compression: ['ZSTD'] }]);
  });

  it('a file in an older storage format keeps DuckDB’s own choice: zstd there would mean no compression at all', async () => {
    const dir = tempDir();
    const db = join(dir, 'older.duckdb');
    (await DuckDBInstance.create(db)).closeSync();
    expect(runCli(['ingest', heartbeats(dir), '--db', db]).status).toBe(0);
    const [row] = await payloadCompression(db);
    expect(row).toMatchObject({ version: '3', messages: 3000 });
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
    expect(await payloadCompression(path)).toEqual([{ version: '3', messages: 3002, compression: ['ZSTD'] }]);
    expect(await query(path, `select station_id, unique_id, action, payload::varchar as payload, frame_hash::integer as frame_hash, line_no::integer as line_no from messages where file_id = 99 order by line_no`)).toEqual([
      { station_id: 'CP-1', unique_id: 'a1', action: 'StatusNotification', payload: '{"connectorId":1,"errorCode":"NoError","status":"Available"}', frame_hash: 11, line_no: 1 },
      { station_id: 'CP-1', unique_id: 'a1', action: 'StatusNotification', payload: '{}', frame_hash: 12, line_no: 2 },
    ]);
  });
});
