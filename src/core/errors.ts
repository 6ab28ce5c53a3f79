/** Stable exit codes (README "Exit codes"); only src/cli/main.ts turns them into a process exit. */
export const ExitCode = {
  Ok: 0,
  PartialFailure: 1,
  Usage: 2,
  StoreUnavailable: 3,
  ServiceFailed: 4,
  Violations: 5,
  /** Ctrl-C at a question: nothing was changed (128 + SIGINT, as a shell reports it). */
  Interrupted: 130,
  /** A bug in casctl, not in its input. */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CasctlError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command line, filter or input file: nothing was changed. */
export class UsageError extends CasctlError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
  }
}

/** The store (or the configuration that names it) cannot be used. */
export class StoreError extends CasctlError {
  constructor(message: string) {
    super(message, ExitCode.StoreUnavailable);
  }
}

/** The configuration file is missing, unreadable or wrong. */
export class ConfigError extends CasctlError {
  constructor(message: string) {
    super(message, ExitCode.StoreUnavailable);
  }
}

/** A protocol service command failed (restart, status, refresh). */
export class ServiceError extends CasctlError {
  constructor(message: string) {
    super(message, ExitCode.ServiceFailed);
  }
}
