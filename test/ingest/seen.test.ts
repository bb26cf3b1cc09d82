import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from '../../src/db/database.js';
import { ingestFiles, type IngestOptions } from '../../src/ingest/ingest.js';
import { loadSql } from '../../src/sql/load.js';
import { tempDir } from './helpers.js';

const unchanged = 'already ingested (unchanged since last read)';
const sameHash = 'already ingested (same sha256)';

/** A CALL and its answer from `station`; every station id below has the same length, so files keep their size. */
function exchange(path: string, station: string): string {
  const lines = [
    { timestamp: '2026-03-02T10:00:00.000Z', chargeBoxId: station, direction: 'in', message: [2, 'h1', 'Heartbeat', {}] },
    { timestamp: '2026-03-02T10:00:00.200Z', chargeBoxId: station, direction: 'out', message: [3, 'h1', { currentTime: '2026-03-02T10:00:00.200Z' }] },
  ];
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return path;
}

let db: Database | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

/**
 * Files changed less than 20 ms before a run count as settled here, so that a test need not wait the default 3 s;
 * each test waits 50 ms after writing its files.
 */
const settled = (extra: Partial<IngestOptions> = {}): IngestOptions => ({ format: 'auto', tz: 'UTC', strict: false, config: { statSettleMs: 20 }, ...extra });

/** A folder holding a.jsonl (an exchange from CP-1), settled, ingested once into a fresh in-memory `db`. */
async function readOnce(): Promise<{ dir: string; path: string }> {
  const dir = tempDir();
  const path = exchange(join(dir, 'a.jsonl'), 'CP-1');
  await sleep(50);
  db = await Database.open(':memory:');
  await ingestFiles(db, [dir], settled());
  return { dir, path };
}

const outcomes = (result: { files: { path: string; status: string; note?: string }[] }) =>
  result.files.map((f) => [f.path.split('/').pop(), f.status, f.note ?? null]);

describe('a file an earlier run read and that is unchanged since', () => {
  it('is known by its path and stat, without reading it; its stat is kept per path', async () => {
    const dir = tempDir();
    const path = exchange(join(dir, 'a.jsonl'), 'CP-1');
    await sleep(50);
    db = await Database.open(':memory:');
    expect(await ingestFiles(db, [dir], settled())).toMatchObject({ files_ingested: 1, files_skipped: 0, messages: 2 });
    const info = statSync(path, { bigint: true });
    expect(await db.all(`select path, size_bytes, modified_ns::varchar as modified_ns, changed_ns::varchar as changed_ns, inode::varchar as inode, sha256 = (select sha256 from files) as same_hash from seen_files`)).toEqual([
      { path, size_bytes: Number(info.size), modified_ns: String(info.mtimeNs), changed_ns: String(info.ctimeNs), inode: String(info.ino), same_hash: true },
    ]);
    const again = await ingestFiles(db, [dir], settled());
    expect(again).toMatchObject({ files_ingested: 0, files_skipped: 1, messages: 0, duplicates: 0 });
    expect(outcomes(again)).toEqual([['a.jsonl', 'skipped', unchanged]]);
  });

  it('rewritten at the same size and given its old modification time back, is read again: its change time shows it', async () => {
    const { dir, path } = await readOnce();
    const before = statSync(path, { bigint: true });
    const reference = join(dir, 'times.ref');
    // touch -r copies times to the nanosecond, which utimes (seconds as a double) cannot
    execFileSync('touch', ['-r', path, reference]);
    exchange(path, 'CP-2');
    execFileSync('touch', ['-m', '-r', reference, path]);
    const after = statSync(path, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    await sleep(50);
    const again = await ingestFiles(db, [dir], settled());
    expect(again).toMatchObject({ files_ingested: 1, files_skipped: 0, messages: 2, duplicates: 0 });
    expect(outcomes(again)).toEqual([['a.jsonl', 'ingested', null]]);
    expect(await db.all('select distinct station_id from messages order by 1')).toEqual([{ station_id: 'CP-1' }, { station_id: 'CP-2' }]);
  });

  it('changed shortly before the run listed it, is hashed again next time: times tick coarsely', async () => {
    const dir = tempDir();
    exchange(join(dir, 'a.jsonl'), 'CP-1');
    db = await Database.open(':memory:');
    const options: IngestOptions = { format: 'auto', tz: 'UTC', strict: false };
    expect(await ingestFiles(db, [dir], options)).toMatchObject({ files_ingested: 1 });
    expect(await db.all('select count(*)::integer as n from seen_files')).toEqual([{ n: 0 }]);
    expect(outcomes(await ingestFiles(db, [dir], options))).toEqual([['a.jsonl', 'skipped', sameHash]]);
  });

  it('--rehash reads it all the same', async () => {
    const { dir } = await readOnce();
    expect(outcomes(await ingestFiles(db, [dir], settled({ rehash: true })))).toEqual([['a.jsonl', 'skipped', sameHash]]);
  });

  it('a copy at a new path is known by its hash first, then by its stat', async () => {
    const dir = tempDir();
    const path = exchange(join(dir, 'a.jsonl'), 'CP-1');
    await sleep(50);
    db = await Database.open(':memory:');
    await ingestFiles(db, [path], settled());
    copyFileSync(path, join(dir, 'b.jsonl'));
    await sleep(50);
    expect(outcomes(await ingestFiles(db, [dir], settled()))).toEqual([
      ['a.jsonl', 'skipped', unchanged],
      ['b.jsonl', 'skipped', sameHash],
    ]);
    expect(outcomes(await ingestFiles(db, [dir], settled()))).toEqual([
      ['a.jsonl', 'skipped', unchanged],
      ['b.jsonl', 'skipped', unchanged],
    ]);
  });

  it('rolled back by --strict, leaves no stat behind', async () => {
    const dir = tempDir();
    const path = join(dir, 'a.jsonl');
    writeFileSync(path, '{"timestamp":"2026-03-02T10:00:00Z","chargeBoxId":"CP-1","direction":"in","message":[2,"h1","Heartbeat",{}]}\n{broken\n');
    await sleep(50);
    db = await Database.open(':memory:');
    expect(await ingestFiles(db, [dir], settled({ strict: true }))).toMatchObject({ rolled_back: true, rejected: 1 });
    expect(await db.all('select (select count(*) from seen_files)::integer as seen, (select count(*) from files)::integer as files')).toEqual([{ seen: 0, files: 0 }]);
  });
});

describe('schema version 3: seen_files', () => {
  it('a version 2 database gains the table, keeps its files, and its files are read once more', async () => {
    const dir = tempDir();
    const path = exchange(join(dir, 'a.jsonl'), 'CP-1');
    await sleep(50);
    db = await Database.open(join(dir, 'v2.duckdb'));
    await db.runScript(loadSql('schema/001_initial'));
    await db.runScript(loadSql('schema/002_payload_zstd'));
    await db.run(`insert or replace into meta values ('schema_version', '2')`);
    // the file as a version 2 run stored it: its hash and size, and no stat
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    await db.run(`insert into files values (1, ?, ?, ?, 'ocpp-jsonl', now(), 2, 2, 0, 0, 0, 0)`, [path, sha256, statSync(path).size]);
    expect(outcomes(await ingestFiles(db, [dir], settled()))).toEqual([['a.jsonl', 'skipped', sameHash]]);
    // upgraded through version 3 to the current one
    expect(await db.all(`select value from meta where key = 'schema_version'`)).toEqual([{ value: '5' }]);
    expect(outcomes(await ingestFiles(db, [dir], settled()))).toEqual([['a.jsonl', 'skipped', unchanged]]);
  });
});

describe('a file ingested before in another --tz', () => {
  it('is skipped with a warning that its zone-less times stay read in the earlier zone; in the same zone, without one', async () => {
    const { dir, path } = await readOnce();
    const copy = join(dir, 'copy.jsonl');
    copyFileSync(path, copy);
    await sleep(50);
    const warnings: string[] = [];
    const again = await ingestFiles(db!, [dir], settled({ tz: 'Europe/Berlin', onWarning: (text) => warnings.push(text) }));
    expect(outcomes(again)).toEqual([
      ['a.jsonl', 'skipped', unchanged],
      ['copy.jsonl', 'skipped', sameHash],
    ]);
    const warning = (file: string) =>
      `${file} was ingested before with --tz UTC, and is not read again: any times in it written without a zone stay read in UTC, not Europe/Berlin. ` +
      'To read them in Europe/Berlin, ingest it into a new database (--db).';
    expect(warnings).toEqual([warning(path), warning(copy)]);
    warnings.length = 0;
    await ingestFiles(db!, [dir], settled({ onWarning: (text) => warnings.push(text) }));
    // the same zone by another of its names is no other zone
    await ingestFiles(db!, [dir], settled({ tz: 'Etc/UTC', onWarning: (text) => warnings.push(text) }));
    expect(warnings).toEqual([]);
  });
});
