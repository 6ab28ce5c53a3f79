import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';

export interface SystemAccount {
  /** As the admin named it, for messages and chown commands. */
  name: string;
  uid: number;
  /** Its primary group; null when given as a bare uid. */
  gid: number | null;
}

/**
 * A UNIX account by name (through `id`, so NSS accounts count) or as a numeric uid, for a Dovecot
 * whose accounts are not this machine's (in a container or chroot): `100` or `100:102`.
 */
export function systemAccount(given: string, what: string): SystemAccount {
  const numeric = /^(\d+)(?::(\d+))?$/.exec(given);
  if (numeric !== null) return { name: given, uid: Number(numeric[1]), gid: numeric[2] === undefined ? null : Number(numeric[2]) };
  const id = (flag: string): number => Number(execFileSync('id', [flag, '--', given], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { name: given, uid: id('-u'), gid: id('-g') };
  } catch {
    throw new UsageError(`${what} '${given}' is no user on this machine: name an existing one, or give its numeric uid (uid:gid) as Dovecot's machine knows it.`);
  }
}

/**
 * Why `account` cannot reach `path`, when an ancestor directory keeps it out (its primary group
 * counted, no other), as a warning with the fix; null when nothing does.
 */
export function unreachableBy(path: string, account: SystemAccount, who: string): string | null {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const bit = st.uid === account.uid ? 0o100 : account.gid !== null && st.gid === account.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      return `${who} (user ${account.name}) cannot reach ${path}: it may not enter ${dir} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}). Let it pass without listing or writing the directory: chmod o+x ${dir}`;
    }
    if (dir === dirname(dir)) return null;
  }
}
