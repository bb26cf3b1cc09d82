/** Exit codes: 0 ok, 1 failure, 2 usage, 3 rejected lines under --strict (or over --max-rejects). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  rejected: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The one error type library code throws; only src/cli.ts prints it and exits. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = ExitCode.failure, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.usage);
}

/**
 * Whether an error is the disk running full: Node's ENOSPC, or DuckDB's IO Error for a write that failed with it
 * ('Could not write file "...": No space left on device'), from whichever write met the full disk.
 */
export function isOutOfDiskSpace(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC' || /No space left on device/i.test(e.message)) return true;
  }
  return false;
}

/** The first line of an error's message: DuckDB's go on with hints and context a one-line summary leaves out. */
export function errorFirstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
