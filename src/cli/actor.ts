import { hostname, userInfo } from 'node:os';
import type { Actor } from '../core/actor.js';

/** Asks the operating system who runs casctl: once, when the command context is made. */
export function currentActor(env: NodeJS.ProcessEnv): Actor {
  return { osUser: currentUser(env), sudoUser: env.SUDO_USER ?? null, host: hostname() };
}

function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is the best we have.
    return env.USER ?? env.LOGNAME ?? 'unknown';
  }
}
