import { ServiceError } from '../core/errors.js';
import type { Trace } from '../core/trace.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one argv; passed in (the CLI passes runCommand), so tests can assert the commands instead of running them.
 * `input` is written to its stdin (the login names of `doveadm -F -`, never on argv); without it stdin is closed.
 */
export type CommandRunner = (argv: readonly string[], timeoutMs: number, input?: string) => Promise<CommandResult>;

export function showCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The runner with each command shown before it runs, as the admin would type it (--verbose). Only
 * the argv: casctl passes no secret there (names go on stdin, which is not shown), nor any
 * environment of its own.
 */
export function tracedRunner(runner: CommandRunner, trace: Trace): CommandRunner {
  return (argv, timeoutMs, input) => {
    trace('run', showCommand(argv));
    return runner(argv, timeoutMs, input);
  };
}

/** Process groups of the commands running now: ended with casctl, however it ends. */
const running = new Set<number>();
let hooked = false;

function endGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Runs a service command with execa: an argv array, never a shell, a timeout, stdin only the `input` given.
 * The command runs in a process group of its own, and a timeout ends the whole group: a command
 * that leaves children behind (`sh -c 'sleep 77 & sleep 78'`) would otherwise hold its output
 * pipes, and casctl, open long after the timeout.
 * A command that cannot start or times out is a ServiceError; a non-zero exit is returned for the caller to judge.
 */
export async function runCommand(argv: readonly string[], timeoutMs: number, input?: string): Promise<CommandResult> {
  const { execa } = await import('execa');
  const [file = '', ...args] = argv;
  if (!hooked) {
    hooked = true;
    process.on('exit', () => running.forEach(endGroup));
  }
  const stdin = input === undefined ? { stdin: 'ignore' as const } : { input };
  const subprocess = execa(file, args, { reject: false, ...stdin, all: false, detached: true, cleanup: false });
  const pid = subprocess.pid;
  let timedOut = false;
  const timer =
    pid === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          endGroup(pid);
        }, timeoutMs);
  if (pid !== undefined) running.add(pid);
  const result = await subprocess;
  clearTimeout(timer);
  if (pid !== undefined) running.delete(pid);
  if (timedOut) throw new ServiceError(`'${showCommand(argv)}' did not finish within ${timeoutMs / 1000} s.`);
  if (result.exitCode === undefined) {
    throw new ServiceError(`'${showCommand(argv)}' could not run: ${result.originalMessage ?? result.shortMessage}`);
  }
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** `shown` replaces the command as shown, when its argv is too long to print (hundreds of login names). */
export function failureMessage(argv: readonly string[], result: CommandResult, shown = `'${showCommand(argv)}'`): string {
  const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n  ');
  return `${shown} failed with exit code ${result.exitCode}${said === '' ? '.' : `:\n  ${said}`}`;
}
