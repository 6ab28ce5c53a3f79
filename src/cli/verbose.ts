import { printable } from '../core/printable.js';
import type { Trace } from '../core/trace.js';
import { runCommand, tracedRunner, type CommandRunner } from '../services/run-command.js';
import { betweenFrames } from './command-progress.js';
import type { CommandContext } from './context.js';
import type { GlobalOptions } from './open.js';

/**
 * --verbose: what casctl sends outside itself, on stderr, one line each, marked so that it is told
 * apart from messages (`casctl: sql: ...`, `casctl: ldap: ...`, `casctl: run: ...`). Stored text
 * reaches the line (a DN, an OU name in a filter): no control character of it reaches the terminal.
 */
export function traceFor(context: CommandContext, options: GlobalOptions): Trace | undefined {
  if (options.verbose !== true) return undefined;
  return (kind, text) => void betweenFrames(context).write(`casctl: ${kind}: ${printable(text)}\n`);
}

/** How service commands run: shown first with --verbose. */
export function commandRunner(context: CommandContext, options: GlobalOptions): CommandRunner {
  const trace = traceFor(context, options);
  return trace === undefined ? runCommand : tracedRunner(runCommand, trace);
}
