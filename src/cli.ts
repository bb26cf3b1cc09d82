#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './errors.js';
import { ingestCommand } from './commands/ingest.js';
import { summaryCommand } from './commands/summary.js';
import { exportCommand } from './commands/export.js';
import { nightlyCommand } from './commands/nightly.js';
import { reportCommand } from './commands/report.js';
import { outputFailure, processOutput, terminalSafe } from './tty.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('ocpp-faults')
    .description('Fault analytics for exported OCPP 1.6 charging-station logs.')
    .version('0.1.0')
    .option('--debug', 'show stack traces for unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of [ingestCommand(), summaryCommand(), exportCommand(), reportCommand(), nightlyCommand()]) {
    // addCommand does not pass these settings down, and usage errors must reach main() to exit with 2
    program.addCommand(command.exitOverride().showHelpAfterError('(run with --help for usage)'));
  }
  return program;
}

/**
 * An error message line by line, with control characters shown escaped: messages quote file names and DuckDB's
 * own text, either of which may carry bytes that would drive the terminal.
 */
function linesSafe(message: string): string {
  return message.split('\n').map(terminalSafe).join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    const failure = await outputFailure();
    if (failure) {
      processOutput.err(
        `error: standard output could not be written (${linesSafe(failure.message)}): what this command printed there is incomplete.\n` +
          'Free space where it goes (or send it elsewhere) and run the command again; a repeated ingest skips the files it stored.',
      );
      return ExitCode.failure;
    }
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed help, the version, or the usage error
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof CliError) {
      processOutput.err(`error: ${linesSafe(error.message)}`);
      if (argv.includes('--debug') && error.cause instanceof Error) processOutput.err(error.cause.stack ?? String(error.cause));
      return error.exitCode;
    }
    const unexpected = error instanceof Error ? error : new Error(String(error));
    processOutput.err(`error: ${linesSafe(unexpected.message)}`);
    if (argv.includes('--debug')) processOutput.err(unexpected.stack ?? '');
    else processOutput.err('(run again with --debug for the stack trace)');
    return ExitCode.failure;
  }
}

// Should a wait never end (a bug: nothing left that could settle it), Node would stop with exit code 13 and no word,
// which a nightly job's log would not explain
let finished = false;
process.once('beforeExit', () => {
  if (finished) return;
  processOutput.err(
    'error: the command stopped before it finished, waiting on work that can no longer complete (a bug in ocpp-faults). ' +
      'An ingest stores nothing then. Run it again with --debug, and report it with the command and the files it read.',
  );
  process.exit(ExitCode.failure);
});
process.exitCode = await main(process.argv);
finished = true;
