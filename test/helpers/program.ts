import { PassThrough } from 'node:stream';
import { buildProgram, type Cli } from '../../src/cli/program.js';
import { capture } from './capture.js';
import { NO_TERMINAL } from './fake-terminal.js';

/** The program as main.ts builds it, in this process, with its output captured. */
export function capturedProgram(): { cli: Cli; stdout: ReturnType<typeof capture> } {
  const stdout = capture();
  const cli = buildProgram({
    stdin: new PassThrough(),
    stdout,
    stderr: capture(),
    env: {},
    cwd: '/nonexistent',
    now: () => new Date(),
    argv: [],
    actor: { osUser: 'tester', sudoUser: null, host: 'test-host' },
    terminal: NO_TERMINAL,
  });
  return { cli, stdout };
}
