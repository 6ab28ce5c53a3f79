/**
 * The counting invariant of set-casmailbox and undo on random selections, run in this process
 * (commands through the program, as main.ts runs them, on a store file): see helpers/change-counts.ts.
 */
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { normaliseArgv } from '../../../src/cli/normalise-argv.js';
import { buildProgram } from '../../../src/cli/program.js';
import { CasctlError } from '../../../src/core/errors.js';
import { capture } from '../../helpers/capture.js';
import { checkChangeCounts, propertySeed, type Runner } from '../../helpers/change-counts.js';
import { tempDir } from '../../helpers/cli.js';
import { NO_TERMINAL } from '../../helpers/fake-terminal.js';

/** One command in-process: main.ts's parse and its error handling, streams captured. */
const inProcess: Runner = async (args, store) => {
  const stdout = capture();
  const stderr = capture();
  const argv = [...args, '--store', store];
  const cli = buildProgram({
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: {},
    cwd: tempDir(),
    now: () => new Date(),
    argv,
    actor: { osUser: 'tester', sudoUser: null, host: 'test-host' },
    terminal: NO_TERMINAL,
  });
  let code: number;
  try {
    await cli.program.parseAsync(normaliseArgv(argv, cli.vocabulary), { from: 'user' });
    code = cli.exitCode();
  } catch (error) {
    if (!(error instanceof CasctlError)) throw error;
    stderr.write(`casctl: ${error.message}\n`);
    code = error.exitCode;
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
};

for (const administratorStoredEnabled of [false, true]) {
  const seed = propertySeed();
  test(`random selections: items, statuses, summary and stderr agree; the Administrator stored ${administratorStoredEnabled ? 'enabled' : 'disabled'} never ends enabled (seed ${seed})`, async () => {
    await checkChangeCounts({ runner: inProcess, dir: tempDir(), seed, mailboxes: 300, iterations: 60, administratorStoredEnabled });
  });
}
