import type { Actor } from './actor.js';
import { recordedCommandLine } from './command-line.js';
import type { ChangeContext } from '../store/directory-store.js';

/** What a change record is made from: who runs the command (found once, at the edge), when, and as what command line. */
export interface ChangeSource {
  actor: Actor;
  now: () => Date;
  /** The command line as typed: recorded with its secrets removed. */
  argv: readonly string[];
}

/** Who changes the store, from where, and how, as every change record keeps it (README "Safe changes"). */
export function changeContext(source: ChangeSource, extra: { undoOf?: number; note?: string } = {}): ChangeContext {
  const commandLine = recordedCommandLine(source.argv);
  return {
    when: source.now(),
    osUser: source.actor.osUser,
    sudoUser: source.actor.sudoUser,
    host: source.actor.host,
    // A note follows as a shell comment, so the command line can still be typed again as it stands.
    commandLine: extra.note === undefined ? commandLine : `${commandLine} # ${extra.note}`,
    ...(extra.undoOf === undefined ? {} : { undoOf: extra.undoOf }),
  };
}
