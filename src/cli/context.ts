import type { Readable, Writable } from 'node:stream';
import type { Actor } from '../core/actor.js';
import type { Terminal } from '../output/prompt-terminal.js';

/** Everything a command touches outside itself, passed in so tests can supply their own. */
export interface CommandContext {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
  /** The command line as typed, for the change history. */
  argv: readonly string[];
  /** Who runs the command, for the change history. */
  actor: Actor;
  /** Where a confirmation or a password is asked (stdin/stderr, else the controlling terminal). */
  terminal: Terminal;
  /** Milliseconds since any fixed point, for when a progress bar shows; Date.now when absent (tests pass their own). */
  clock?: () => number;
}
