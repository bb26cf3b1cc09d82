import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/db/database.js';
import { fixture, runCli, tempDir } from '../ingest/helpers.js';

async function readLake(path: string, table: string) {
  const db = await Database.open(':memory:');
  try {
    return await db.all(
      `select day::varchar as day, count(*)::bigint as n from read_parquet($glob, hive_partitioning = true) group by day order by day`,
      { glob: join(path, table, '**', '*.parquet') },
    );
  } finally {
    db.close();
  }
}

describe('export --partition-by day', () => {
  const dir = tempDir();
  const db = join(dir, 'db.duckdb');
  const lake = join(dir, 'lake');
  runCli(['ingest', fixture('status.csv'), fixture('frames.csv'), fixture('steve.log'), '--db', db, '--tz', 'Europe/Berlin']);

  it('writes messages, status notifications and episodes as Parquet in day=YYYY-MM-DD folders', async () => {
    const run = runCli(['export', lake, '--db', db, '--format', 'parquet', '--partition-by', 'day']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readdirSync(lake).sort()).toEqual(['episodes', 'messages', 'status_notifications']);
    // frames.csv is 2026-03-03 (11 messages), steve.log 2026-03-05 (5); status.csv has no messages
    expect(await readLake(lake, 'messages')).toEqual([
      { day: '2026-03-03', n: 11 },
      { day: '2026-03-05', n: 5 },
    ]);
    expect(await readLake(lake, 'status_notifications')).toEqual([
      { day: '2026-03-03', n: 2 },
      { day: '2026-03-04', n: 5 },
      { day: '2026-03-05', n: 1 },
    ]);
  });

  it('a later export of one day replaces that day and keeps the others', async () => {
    const run = runCli(['export', lake, '--db', db, '--format', 'parquet', '--partition-by', 'day', '--from', '2026-03-05', '--to', '2026-03-05']);
    expect(run.status).toBe(0);
    expect(await readLake(lake, 'messages')).toEqual([
      { day: '2026-03-03', n: 11 },
      { day: '2026-03-05', n: 5 },
    ]);
    expect(existsSync(join(lake, 'messages', 'day=2026-03-05'))).toBe(true);
  });

  it('needs --format parquet', () => {
    const run = runCli(['export', lake, '--db', db, '--partition-by', 'day']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--partition-by writes Parquet: add --format parquet');
  });
});
