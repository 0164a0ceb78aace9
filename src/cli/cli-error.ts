// Errors the user can act on. The CLI prints their message (no stack trace) and exits 1.
// Anything else reaching the top is a bug and is printed with its stack.

/** A mistake or condition the user can fix; `message` says what to do. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** An AWS-style error answered by the server (`x-amzn-ErrorType` + JSON `message`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The AWS exception name, e.g. `ResourceNotFoundException`. */
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The command has already said what went wrong (e.g. a function error); just exit 1. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
}

/** The line printed for an error that ends the command, or undefined when it is a bug. */
export function describeUserError(error: unknown): string | undefined {
  if (error instanceof ApiError) return `Error (${error.code}): ${error.message}`;
  if (error instanceof CliError) return `Error: ${error.message}`;
  if (error instanceof CommandFailed) return '';
  return undefined;
}
