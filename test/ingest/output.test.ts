import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, fixture, query, repoRoot, tempDir } from './helpers.js';

/** The CLI with its standard output on /dev/full, where every write fails with ENOSPC, as on a full disk. */
function runIntoFullDisk(args: string[]) {
  const full = openSync('/dev/full', 'w');
  try {
    return spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', full, 'pipe'], env: { ...process.env, NO_COLOR: '1', CI: '1' } });
  } finally {
    closeSync(full);
  }
}

describe('standard output on a full disk (> out.json)', () => {
  it('ingest stores its files, then fails with exit 1 and says its output is incomplete', async () => {
    const db = join(tempDir(), 'f.duckdb');
    const run = runIntoFullDisk(['ingest', fixture('jsonl-mixed.jsonl'), '--db', db, '--json']);
    expect(run.stderr).toBe(
      'error: standard output could not be written (ENOSPC: no space left on device, write): what this command printed there is incomplete.\n' +
        'Free space where it goes (or send it elsewhere) and run the command again; a repeated ingest skips the files it stored.\n',
    );
    expect(run.status).toBe(1);
    expect(await query(db, 'select count(*)::int as n from messages')).toEqual([{ n: 10 }]);
  });

  it('summary fails with exit 1 rather than leaving an empty file behind a success', () => {
    const db = join(tempDir(), 'f.duckdb');
    expect(spawnSync(process.execPath, [cliPath, 'ingest', fixture('jsonl-mixed.jsonl'), '--db', db]).status).toBe(0);
    const run = runIntoFullDisk(['summary', '--db', db]);
    expect(run.status).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe('error: standard output could not be written (ENOSPC: no space left on device, write): what this command printed there is incomplete.');
  });
});
