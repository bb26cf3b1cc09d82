import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/db/database.js';
import { fixture, repoRoot, runCli, storedTables, tempDir } from './helpers.js';

async function tablesOf(path: string) {
  const db = await Database.open(path, { readOnly: true });
  try {
    return { ...(await storedTables(db)), seen: await db.all('select path from seen_files order by path') };
  } finally {
    db.close();
  }
}

describe('ingest --dry-run', () => {
  it('counts and rejects what a real run would, and leaves the database exactly as it was', async () => {
    const dir = tempDir();
    const db = join(dir, 'f.duckdb');
    expect(runCli(['ingest', fixture('frames.csv'), '--db', db]).status).toBe(0);
    const real = join(dir, 'real.duckdb');
    copyFileSync(db, real);
    const before = await tablesOf(db);

    const dry = runCli(['ingest', join(repoRoot, 'fixtures/ingest'), '--db', db, '--dry-run', '--json']);
    const wet = runCli(['ingest', join(repoRoot, 'fixtures/ingest'), '--db', real, '--json']);
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    // frames.csv is stored already: the other three files, as formats.test.ts counts them line by line
    expect(JSON.parse(dry.stdout)).toEqual({ ...JSON.parse(wet.stdout), stored: false });
    expect(JSON.parse(dry.stdout)).toMatchObject({ files_ingested: 3, files_skipped: 1, messages: 20, duplicates: 2, rejected: 10, skipped_lines: 7 });
    expect(await tablesOf(db)).toEqual(before);
    expect((await tablesOf(real)).files.length).toBe(4);
  });

  it('makes no database where there was none, nor any staging folder beside it', () => {
    const dir = tempDir();
    const run = runCli(['ingest', fixture('jsonl-mixed.jsonl'), '--db', join(dir, 'new.duckdb'), '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('\nRead 1 file(s): 10 messages (3 status notifications), 1 duplicates, 1 skipped lines, 6 rejected.\n');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`Dry run: nothing was stored in ${join(dir, 'new.duckdb')}.`);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'new.duckdb'))).toBe(false);
  });

  it('with --strict, exits 3 when lines would be rejected, as a check of an export before it is loaded', () => {
    const run = runCli(['ingest', fixture('status.csv'), '--db', join(tempDir(), 'new.duckdb'), '--dry-run', '--strict', '--json']);
    expect(run.status).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ files_ingested: 1, rejected: 3, stored: false });
  });

  it('refuses a database whose schema a run would upgrade, since that change would stay', async () => {
    const dir = tempDir();
    const db = join(dir, 'old.duckdb');
    expect(runCli(['ingest', fixture('frames.csv'), '--db', db]).status).toBe(0);
    const open = await Database.open(db);
    await open.run(`update meta set value = '2' where key = 'schema_version'`);
    open.close();
    const run = runCli(['ingest', fixture('steve.log'), '--db', db, '--dry-run']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: ${db} has schema version 2, which a run upgrades to 5, and a dry run changes nothing: run ocpp-faults ingest without --dry-run once, or name another --db.\n`);
  });
});
