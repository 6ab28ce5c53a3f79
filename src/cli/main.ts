import type { Actor } from '../core/actor.js';
import { ExitCode, isCasctlError } from '../core/errors.js';
import { useColour } from '../output/colour.js';
import { failureLine } from '../output/messages.js';
import { promptTerminal } from '../output/prompt-terminal.js';
import { currentActor } from './actor.js';
import type { CommandContext } from './context.js';
import { normaliseArgv } from './normalise-argv.js';
import { buildProgram } from './program.js';

/** The only place that ends the process: every error becomes one message and a documented exit code. */
async function main(): Promise<void> {
  let actor: Actor | undefined;
  let stdout: NodeJS.WriteStream | undefined;
  // Made when first used: process.stdin opens a stream on fd 0 (on a pipe or a terminal, loading
  // node:net with it), the actor asks the system who and where we are; most commands need neither.
  const context: CommandContext = {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return (stdout ??= endingQuietlyOnClosedPipe(process.stdout));
    },
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    argv: process.argv.slice(2),
    get actor() {
      return (actor ??= currentActor(process.env));
    },
    terminal: promptTerminal(process),
  };
  const cli = buildProgram(context);
  try {
    await cli.program.parseAsync(normaliseArgv(context.argv, cli.vocabulary), { from: 'user' });
    process.exitCode = cli.exitCode();
    if (cli.endsProcess()) process.exit();
  } catch (error) {
    process.exitCode = report(error, context);
  }
}

/**
 * A reader that stops early (`| head`) closes the pipe: the rest of the output is not wanted, which
 * is no failure. Any other write error still ends the process loudly.
 */
function endingQuietlyOnClosedPipe(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  return stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

function report(error: unknown, context: CommandContext): number {
  const fail = (text: string): boolean => context.stderr.write(failureLine(text, useColour(context.stderr, context.env)));
  if (isCasctlError(error)) {
    // Messages quote what was typed or stored; their own line breaks (candidates, a caret) stay.
    fail(error.message);
    return error.exitCode;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    // commander has printed its message in casctl's style (program.ts); asking for help or the version is not an error.
    if (code === 'commander.optionMissingArgument') {
      // `-PopEnabled $false` as the last word, unquoted: the shell left the option without its value.
      fail("if you typed $false, $true or another $word there, your shell removed it: quote it ('$false').");
    }
    return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(code) ? ExitCode.Ok : ExitCode.Usage;
  }
  fail(`internal error (please report it): ${(error as Error).stack ?? String(error)}`);
  return ExitCode.Internal;
}

await main();
