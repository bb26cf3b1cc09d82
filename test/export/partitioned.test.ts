import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
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

  it('refuses a window that cuts a day, which would replace the day with part of it', () => {
    const run = runCli(['export', lake, '--db', db, '--format', 'parquet', '--partition-by', 'day', '--from', '2026-03-04T12:00:00Z', '--to', '2026-03-05']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--partition-by day replaces whole days, and --from 2026-03-04T12:00:00.000Z cuts 2026-03-04');
  });
});

describe('export --partition-by day, night after night', () => {
  const dir = tempDir();
  const db = join(dir, 'db.duckdb');
  const lake = join(dir, 'lake');
  const status = (at: string, code: string, state: string) =>
    JSON.stringify({ timestamp: at, chargeBoxId: 'CP-1', direction: 'in', message: [2, `s${at}`, 'StatusNotification', { connectorId: 1, errorCode: code, status: state, timestamp: at }] });
  const log = join(dir, 'days.jsonl');
  writeFileSync(
    log,
    [
      status('2026-03-02T10:00:00.000Z', 'GroundFailure', 'Faulted'),
      status('2026-03-02T10:10:00.000Z', 'NoError', 'Available'),
      // from the evening of 03-02 into 03-03
      status('2026-03-02T23:50:00.000Z', 'OverVoltage', 'Faulted'),
      status('2026-03-03T00:20:00.000Z', 'NoError', 'Available'),
      status('2026-03-03T09:00:00.000Z', 'GroundFailure', 'Faulted'),
      status('2026-03-03T09:05:00.000Z', 'NoError', 'Available'),
      status('2026-03-04T00:30:00.000Z', 'NoError', 'Available'),
    ].join('\n') + '\n',
  );
  runCli(['ingest', log, '--db', db]);
  const night = (day: string) => runCli(['export', lake, '--db', db, '--format', 'parquet', '--partition-by', 'day', '--from', day, '--to', day]);

  it('keeps in each day the episodes that started in it: the next night does not take away the one running on into it', async () => {
    expect(night('2026-03-02').status).toBe(0);
    expect(await readLake(lake, 'episodes')).toEqual([{ day: '2026-03-02', n: 2 }]);
    expect(night('2026-03-03').status).toBe(0);
    expect(await readLake(lake, 'episodes')).toEqual([
      { day: '2026-03-02', n: 2 },
      { day: '2026-03-03', n: 1 },
    ]);
    expect(await readLake(lake, 'status_notifications')).toEqual([
      { day: '2026-03-02', n: 3 },
      { day: '2026-03-03', n: 3 },
    ]);
  });
});
