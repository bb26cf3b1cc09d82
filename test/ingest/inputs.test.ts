import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandInputs } from '../../src/ingest/files.js';
import { fixture, runCli, tempDir } from './helpers.js';

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
