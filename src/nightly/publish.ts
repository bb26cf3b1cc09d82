import { chmod, lstat, mkdtemp, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makeDirectory } from '../directories.js';

/** A folder to write a night's outputs into, next to where they will be published. */
export async function stagingFolder(outDir: string): Promise<string> {
  await makeDirectory(outDir);
  const folder = await mkdtemp(join(outDir, '.partial-'));
  // mkdtemp makes it private; the published folder is read by whoever reads reports
  await chmod(folder, 0o755);
  return folder;
}

/**
 * Moves a finished staging folder to outDir/<name> and points outDir/latest at it. Each step is a rename, so a run
 * killed at any point leaves the previous complete folder (and `latest`) in place.
 */
export async function publish(outDir: string, staged: string, name: string): Promise<string> {
  const target = join(outDir, name);
  const previous = await exists(target);
  let parked: string | undefined;
  if (previous) {
    parked = join(outDir, `.replaced-${name}-${process.pid}`);
    await rename(target, parked);
  }
  await rename(staged, target);
  if (parked) await rm(parked, { recursive: true, force: true });

  const latest = join(outDir, 'latest');
  const link = join(outDir, `.latest-${process.pid}`);
  await rm(link, { force: true });
  await symlink(name, link, 'dir');
  const current = await lstat(latest).catch(() => undefined);
  if (current && !current.isSymbolicLink()) await rm(latest, { recursive: true, force: true });
  await rename(link, latest);
  return target;
}

/** Leftovers of killed runs: staging folders and parked copies. */
export async function removeLeftovers(outDir: string, entries: readonly string[]): Promise<void> {
  for (const entry of entries) {
    if (entry.startsWith('.partial-') || entry.startsWith('.replaced-') || entry.startsWith('.latest-')) {
      await rm(join(outDir, entry), { recursive: true, force: true });
    }
  }
}

export async function latestTarget(outDir: string): Promise<string | undefined> {
  return readlink(join(outDir, 'latest')).then(basename, () => undefined);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
