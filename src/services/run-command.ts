import { ServiceError } from '../core/errors.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function showCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Runs a service command with execa: an argv array, never a shell, a timeout, no stdin.
 * A command that cannot start or times out is a ServiceError; a non-zero exit is returned for the caller to judge.
 */
export async function runCommand(argv: readonly string[], timeoutMs: number): Promise<CommandResult> {
  const { execa } = await import('execa');
  const [file = '', ...args] = argv;
  const result = await execa(file, args, { timeout: timeoutMs, reject: false, stdin: 'ignore', all: false });
  if (result.timedOut) throw new ServiceError(`'${showCommand(argv)}' did not finish within ${timeoutMs / 1000} s.`);
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
