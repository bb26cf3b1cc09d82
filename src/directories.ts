import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Creates a folder and any missing folders above it, like `mkdir -p`, and fails where that cannot be done. Node's
 * own recursive mkdir never returns where the file system refuses a new folder with ENOENT under a parent that
 * exists (inside /proc, for one): it creates the parent again and retries for ever, and the command hangs.
 */
export async function makeDirectory(path: string): Promise<void> {
  const target = resolve(path);
  try {
    await mkdir(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await isDirectory(target))) return;
    const parent = dirname(target);
    // a missing folder above it is made first; with the parent there, the refusal is the file system's last word
    if (code !== 'ENOENT' || parent === target || (await exists(parent))) throw error;
    await makeDirectory(parent);
    await mkdir(target).catch(async (retry: NodeJS.ErrnoException) => {
      if (!(retry.code === 'EEXIST' && (await isDirectory(target)))) throw retry;
    });
  }
}

/** Whether a folder (or a link to one) is at `path`; false when nothing is, or it cannot be looked at. */
export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
