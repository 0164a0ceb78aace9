// Runs one `hearth …` command line and returns the exit code: 0 on success, 1 on any error.
// User errors print one line without a stack; anything else is a bug and shows its stack.
import { CommanderError } from 'commander';
import { describeUserError } from './cli-error.js';
import type { CliOutput } from './cli-output.js';
import { createProgram } from './program.js';

export async function runCli(argv: readonly string[], output: CliOutput): Promise<number> {
  const program = createProgram(output);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    // Commander has already printed usage errors and help.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    const line = describeUserError(error);
    if (line !== undefined) {
      if (line !== '') output.stderr(`${line}\n`);
      return 1;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    output.stderr(`hearth: unexpected error (a bug in Hearth; please report it):\n${detail}\n`);
    return 1;
  }
}
