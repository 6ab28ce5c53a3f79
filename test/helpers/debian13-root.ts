/**
 * The Debian 13 root whose Dovecot 2.4 the end-to-end tests run with chroot (built by
 * .ci/debian13-root, cached outside the clone). Each daemon sees the host's temp dir mounted at the
 * same path inside, so a store path or a config path means the same file in both views.
 */
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

/**
 * The argv that runs `argv` (a daemon that forks into the background) chrooted in the root, in a
 * mount namespace of its own where /proc and the temp dir are mounted inside. The namespace lives
 * as long as the daemon's processes do, and nothing outside it can unmount what it sees: test
 * files that ran at once used to stack identical mounts on the root's shared /tmp, and one file's
 * `umount -l` of the topmost took the mount away from under another file's Dovecot, whose master
 * had chdir()ed into its base_dir there. Every imap and pop3 process that master started then died
 * with "getcwd() failed: No such file or directory", and each login hung up after the greeting.
 */
export function daemonInRoot(argv: readonly string[]): string[] {
  if (process.getuid?.() !== 0) throw new Error('Dovecot 2.4 in the Debian 13 root needs root (unshare, mount, chroot)');
  mkdirSync(join(DEBIAN13_ROOT, tmpdir()), { recursive: true });
  const script = 'root=$1 tmp=$2; shift 2; mount -t proc proc "$root/proc" && mount --bind "$tmp" "$root$tmp" && exec chroot "$root" "$@"';
  return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', DEBIAN13_ROOT, tmpdir(), ...argv];
}

/** The argv that runs `argv` in the root as the daemon `pid` (started by daemonInRoot) sees it. */
export function besideDaemon(pid: number, argv: readonly string[]): string[] {
  return ['nsenter', '--target', String(pid), '--mount', 'chroot', DEBIAN13_ROOT, ...argv];
}
