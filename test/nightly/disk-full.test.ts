import { describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { outputsDiskFull } from '../../src/nightly/nightly.js';
import { CliError } from '../../src/errors.js';
import { tempDir } from '../ingest/helpers.js';

/** What Node said when the report met a full 120 KB tmpfs (seen with nightly fixtures/sample --out on it). */
const full = Object.assign(new Error('cannot write the report to /out/.partial-x/report.html: ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

describe('a night whose outputs meet a full disk', () => {
  it('says the ingest is stored, nothing was published, where latest points, and what to do', async () => {
    const out = tempDir();
    mkdirSync(join(out, '2026-03-04'));
    symlinkSync('2026-03-04', join(out, 'latest'));
    const error = await outputsDiskFull(full, out);
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    const lines = error.message.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'the disk is full: cannot write the report to /out/.partial-x/report.html: ENOSPC: no space left on device, write',
      "The night's ingest is stored (the next night skips its files), but its report, exports and alerts were not published:",
    ]);
    expect(lines[2]).toMatch(new RegExp(`^${join(out, 'latest')} still points at the last complete night\\. ${out} has \\d+\\.\\d (MB|GB|TB) free\\.$`));
    expect(lines[3]).toBe('Free some space there (or give --out a folder on a disk with more room) and run nightly again.');
  });

  it('before any night was published, says so', async () => {
    const out = tempDir();
    expect((await outputsDiskFull(full, out)).message.split('\n')[2]).toMatch(new RegExp(`^No night has been published there yet\\. ${out} has `));
  });
});
