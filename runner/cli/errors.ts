/**
 * The CLI's failures. Each becomes one line on stderr and an exit code: 2 for a command line the
 * CLI cannot use (Unix's usage-error convention), 1 for everything the control plane refused or
 * could not do. Nothing else is caught: anything else is a bug and keeps its stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A command line that cannot be used as written. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The control plane answered with an error envelope (or not at all: status 0). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message, 1);
  }
}
