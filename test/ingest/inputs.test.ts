import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandInputs } from '../../src/ingest/files.js';
import { cliPath, fixture, query, runCli, tempDir } from './helpers.js';

const heartbeat = (i: number) => JSON.stringify({ timestamp: `2026-03-02T10:00:0${i}Z`, chargeBoxId: 'CP-1', direction: 'in', message: [2, `h${i}`, 'Heartbeat', {}] }) + '\n';

describe('the files a directory holds', () => {
  it('a symbolic link counts as what it points at; a link back up is not walked again; other names are left out', async () => {
    const dir = tempDir();
    const [inbox, store] = [join(dir, 'inbox'), join(dir, 'store')];
    mkdirSync(join(store, 'day'), { recursive: true });
    copyFileSync(fixture('frames.csv'), join(store, 'frames.csv'));
    copyFileSync(fixture('steve.log'), join(store, 'day', 'steve.log'));
    writeFileSync(join(store, 'notes.md'), 'not a log');
    mkdirSync(inbox);
    symlinkSync(join(store, 'frames.csv'), join(inbox, 'b-frames.csv'));
    symlinkSync(join(store, 'day'), join(inbox, 'c-day'));
    symlinkSync(join(store, 'notes.md'), join(inbox, 'd-notes.md'));
    symlinkSync(inbox, join(store, 'day', 'loop'));
    copyFileSync(fixture('status.csv'), join(inbox, 'a-status.csv'));
    const files = await expandInputs([inbox]);
    expect(files.map((f) => [f.path.slice(inbox.length + 1), f.size])).toEqual([
      ['a-status.csv', 789],
      ['b-frames.csv', 1466],
      ['c-day/steve.log', 1356],
    ]);
  });

  it('a link to a log that is gone fails the run and names it: the log would be lost without a word', () => {
    const dir = tempDir();
    copyFileSync(fixture('frames.csv'), join(dir, 'frames.csv'));
    symlinkSync(join(dir, 'gone.jsonl'), join(dir, 'today.jsonl'));
    symlinkSync(join(dir, 'gone.md'), join(dir, 'readme.md'));
    const run = runCli(['ingest', dir, '--db', join(tempDir(), 'x.duckdb')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: cannot read ${join(dir, 'today.jsonl')}: it links to ${join(dir, 'gone.jsonl')}, which does not exist. Remove the link or restore its file, and run again.\n`);
  });
});

describe('file names that are not UTF-8', () => {
  const latin1Name = Buffer.from('caf\xe9.jsonl', 'latin1');

  it('a directory walk reads such a file, and shows its name with the stray bytes as \\xNN', async () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'ok.jsonl'), heartbeat(1));
    writeFileSync(Buffer.concat([Buffer.from(`${logs}/`), latin1Name]), heartbeat(2));
    // a folder so named, and a file in it
    const folder = Buffer.from(`${logs}/d\xe9p\xf4t`, 'latin1');
    mkdirSync(folder);
    writeFileSync(Buffer.concat([folder, Buffer.from('/ok.jsonl')]), heartbeat(3));
    const db = join(dir, 'db.duckdb');
    const run = runCli(['ingest', logs, '--db', db, '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ files_ingested: 3, messages: 3, rejected: 0 });
    expect(await query(db, 'select path, messages from files order by file_id')).toEqual([
      { path: join(logs, 'caf\\xe9.jsonl'), messages: 1 },
      { path: join(logs, 'd\\xe9p\\xf4t/ok.jsonl'), messages: 1 },
      { path: join(logs, 'ok.jsonl'), messages: 1 },
    ]);
    // the same bytes again are known by their hash
    expect(JSON.parse(runCli(['ingest', logs, '--db', db, '--json']).stdout)).toMatchObject({ files_ingested: 0, files_skipped: 3 });
  });

  it('named on the command line: an error that says why it cannot be found and what to do', () => {
    const dir = tempDir();
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), latin1Name]), heartbeat(1));
    // a shell passes the name's bytes as they are; Node reads them as UTF-8, with U+FFFD for the stray byte
    const run = spawnSync('sh', ['-c', `"${process.execPath}" "${cliPath}" ingest "$(printf 'caf\\351.jsonl')" --db db.duckdb`], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'error: no such file or directory: caf\uFFFD.jsonl. A file name that is not UTF-8 cannot be passed on a command line: name the folder that holds it, or rename the file\n',
    );
  });
});
