import { open, readFile, rm } from 'node:fs/promises';
import { CliError, ExitCode } from '../errors.js';

export interface RunLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock file of an output folder, so that two nightly runs never work on it at once. A lock left by a run
 * that was killed (its process is gone) is taken over, so the next run completes the work.
 */
export async function acquireRunLock(path: string): Promise<RunLock> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() }));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readHolder(path);
      if (holder && alive(holder.pid) && holder.pid !== process.pid) {
        throw new CliError(
          `another nightly run (pid ${holder.pid}, started ${holder.started_at}) is working on this output folder.\n` +
            `Wait for it to finish; if that process is gone, remove ${path}.`,
          ExitCode.failure,
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new CliError(`cannot take the lock ${path}; remove it if no nightly run is working`, ExitCode.failure);
}

async function readHolder(path: string): Promise<{ pid: number; started_at: string } | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; started_at?: unknown };
    return typeof value.pid === 'number' ? { pid: value.pid, started_at: String(value.started_at) } : undefined;
  } catch {
    return undefined;
  }
}
