/** What the real-server harnesses (dovecot.ts, slapd.ts, mariadb.ts) share: finding and running programs, and stopping a daemon by PID. */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Daemons live in sbin, which a non-root PATH lacks. */
export const SBIN = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** The absolute path of a program on PATH or in the sbin directories. */
export function which(program: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN]) {
    const path = join(dir, program);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Alive and not a zombie: PID 1 here reaps late, and kill(pid, 0) still succeeds on a zombie. */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

/** Every daemon this process started and has not stopped, by its directory: ended with the process. */
const daemons = new Map<string, number>();
let hooked = false;

function endAll(): void {
  for (const [dir, pid] of daemons) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
  daemons.clear();
}

/** Remembers a started daemon so that no test file leaves one running, whatever way it ends. */
export function trackDaemon(dir: string, pid: number): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', endAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        endAll();
        process.kill(process.pid, signal);
      });
    }
  }
  daemons.set(dir, pid);
}

/** SIGTERM, wait until the process is gone (SIGKILL after 5 s), then remove its directory. */
export async function stopDaemon(name: string, pid: number, dir: string): Promise<void> {
  daemons.delete(dir);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const killAt = Date.now() + 5000;
  let killed = false;
  while (running(pid)) {
    if (!killed && Date.now() > killAt) {
      killed = true;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    if (killed && Date.now() > killAt + 3000) throw new Error(`${name} (pid ${pid}) survived SIGKILL`);
    await sleep(20);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Runs a program to its exit, its stdout and stderr together. */
export function run(program: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    // A daemon forks into the background: its parent exits once it is set up, and the daemon
    // keeps the pipes open, so wait for 'exit', never for 'close'.
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}
