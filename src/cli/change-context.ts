import { hostname, userInfo } from 'node:os';
import { recordedCommandLine } from '../core/command-line.js';
import type { ChangeContext } from '../store/directory-store.js';
import type { CommandContext } from './context.js';

/** Who changes the store, from where, and how, as every change record keeps it (README "Safe changes"). */
export function changeContext(context: CommandContext, extra: { undoOf?: number; note?: string } = {}): ChangeContext {
  const commandLine = recordedCommandLine(context.argv);
  return {
    when: context.now(),
    osUser: currentUser(context.env),
    sudoUser: context.env.SUDO_USER ?? null,
    host: hostname(),
    // A note follows as a shell comment, so the command line can still be typed again as it stands.
    commandLine: extra.note === undefined ? commandLine : `${commandLine} # ${extra.note}`,
    ...(extra.undoOf === undefined ? {} : { undoOf: extra.undoOf }),
  };
}

function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is the best we have.
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}
