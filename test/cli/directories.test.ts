import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { makeDirectory } from '../../src/directories.js';

const dir = mkdtempSync(join(tmpdir(), 'ocpp-faults-dirs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeDirectory', () => {
  test('makes a folder and the missing folders above it, and takes one that is there', async () => {
    const nested = join(dir, 'a', 'b', 'c');
    await makeDirectory(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
    await makeDirectory(nested);
    await makeDirectory(join(dir, 'a'));
    expect(statSync(nested).isDirectory()).toBe(true);
  });

  test('a file in the way is an EEXIST, one above it an ENOTDIR', async () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    await expect(makeDirectory(file)).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(makeDirectory(join(file, 'below'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  // Node 20's recursive mkdir never returns here: /proc exists, and refuses a new folder with ENOENT
  test('a folder the file system refuses under a parent that exists fails with its ENOENT, and makes nothing', async () => {
    await expect(makeDirectory('/proc/ocpp-faults-test/out')).rejects.toMatchObject({ code: 'ENOENT', path: '/proc/ocpp-faults-test' });
    expect(existsSync('/proc/ocpp-faults-test')).toBe(false);
  });
});
