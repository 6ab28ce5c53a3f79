import { ExitCode, UsageError } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { SHELLS, type Shell } from '../completion/shells.js';
import { completionSpec, type CompletionSpec } from '../completion/spec.js';
import { zshScript } from '../completion/zsh.js';
import type { CommandContext } from '../context.js';

const SCRIPTS: Readonly<Record<Shell, (spec: CompletionSpec) => string>> = { bash: bashScript, zsh: zshScript, fish: fishScript };

const isShell = (text: string): text is Shell => (SHELLS as readonly string[]).includes(text);

/** `casctl completion <shell>`: the script, written from the program definition itself; no store is opened. */
export async function run(context: CommandContext, _options: object, [shell = '']: string[]): Promise<number> {
  if (!isShell(shell)) throw new UsageError(`completion takes ${SHELLS.join(', ')}, not '${printable(shell)}'.`);
  // The definition main parsed the command line with, built again: a command is given no handle on it.
  const { buildProgram } = await import('../program.js');
  context.stdout.write(SCRIPTS[shell](completionSpec(buildProgram(context).program)));
  return ExitCode.Ok;
}
