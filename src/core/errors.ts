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

/** What each exit code tells a script, one line each: the man page's EXIT STATUS (README "Exit codes" says more). */
export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCode, string>> = {
  [ExitCode.Ok]: 'all done (a no-op is done too: it prints Exchange\'s warning)',
  [ExitCode.PartialFailure]: 'some items failed (not found, ambiguous, refused); the others were applied',
  [ExitCode.Usage]: 'usage error, bad filter, bad input file or policy, or a change --max-active refuses: nothing was changed',
  [ExitCode.StoreUnavailable]:
    'the store or the configuration is unavailable (missing, busy, read-only for a change, damaged, not a casctl store), a service named that is not configured, or logins not recorded where a command must decide on them: nothing was changed',
  [ExitCode.ServiceFailed]: 'a service action failed (restart, status, refresh; doveadm could not read a mailbox)',
  [ExitCode.Violations]: 'an audit found violations, or --expect-none found a match',
  [ExitCode.Internal]: 'an internal error in casctl (please report it)',
  [ExitCode.Interrupted]: 'Ctrl-C at a confirmation question: nothing was changed',
};

/**
 * Marks casctl's errors. The start bundle and the commands' bundle each hold a copy of this module
 * (scripts/build.js), so the one place that meets errors of both, main.ts, knows them by this mark.
 */
const CASCTL_ERROR = Symbol.for('casctl.error');

export class CasctlError extends Error {
  readonly [CASCTL_ERROR] = true;

  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A CasctlError of either copy of this module (see CASCTL_ERROR). */
export function isCasctlError(value: unknown): value is CasctlError {
  return typeof value === 'object' && value !== null && (value as { [CASCTL_ERROR]?: unknown })[CASCTL_ERROR] === true;
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
