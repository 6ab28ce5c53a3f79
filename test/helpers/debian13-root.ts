/**
 * The Debian 13 root whose Dovecot 2.4 the end-to-end tests run with chroot (built by
 * .ci/debian13-root, cached outside the clone). The host's temp dir is bind-mounted at the same
 * path inside, so a store path or a config path means the same file in both views.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEBIAN13_ROOT = process.env.CASCTL_TEST_DEBIAN13_ROOT ?? '/var/cache/casctl-test/debian13';

/** Built completely (the build script writes this file last). */
export function debian13RootReady(): boolean {
  return existsSync(join(DEBIAN13_ROOT, '.casctl-ready')) && existsSync(join(DEBIAN13_ROOT, 'usr', 'sbin', 'dovecot'));
}

/** A user's uid and gid inside the root (its own /etc/passwd). */
export function rootAccount(name: string): { uid: number; gid: number } {
  const line = readFileSync(join(DEBIAN13_ROOT, 'etc', 'passwd'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const fields = line?.split(':');
  if (fields === undefined || fields.length < 4) throw new Error(`no user '${name}' in ${DEBIAN13_ROOT}/etc/passwd: rebuild it with .ci/debian13-root`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function mount(args: string[]): void {
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
}

/**
 * Mounts /proc and the temp dir into the root for one Dovecot; returns what undoes it. Mounts
 * stack, so test files running at once each add and remove their own identical pair.
 */
export function enterRoot(): () => void {
  if (process.getuid?.() !== 0) throw new Error('Dovecot 2.4 in the Debian 13 root needs root (chroot, mount)');
  const proc = join(DEBIAN13_ROOT, 'proc');
  const tmp = join(DEBIAN13_ROOT, tmpdir());
  mkdirSync(tmp, { recursive: true });
  mount(['-t', 'proc', 'proc', proc]);
  try {
    mount(['--bind', tmpdir(), tmp]);
  } catch (error) {
    spawnSync('umount', [proc]);
    throw error;
  }
  let left = false;
  const leave = (): void => {
    if (left) return;
    left = true;
    entered.delete(leave);
    // Lazy: a Dovecot process still exiting must not keep the mount (and with it the temp dir) alive.
    spawnSync('umount', ['-l', tmp]);
    spawnSync('umount', ['-l', proc]);
  };
  entered.add(leave);
  return leave;
}

/** Mounts not undone yet: undone when the test file's process ends, however it ends. */
const entered = new Set<() => void>();
process.on('exit', () => {
  for (const leave of [...entered]) leave();
});
