import { resolve } from 'node:path';
import { StoreError } from '../core/errors.js';
import type { DirectoryStore } from './directory-store.js';
import type { LdapConfigSection } from './ldap/settings.js';
import { isLdapUrl } from './ldap/url.js';

export interface OpenStoreOptions {
  /** Create a missing store (only `casctl init` does). */
  create: boolean;
  /**
   * The command only reads: a SQLite store is opened read-only, so a user who may only read the
   * file can use it, and a file that is not a casctl store is never written. LDAP ignores it.
   */
  readOnly?: boolean;
  /** The `ldap` section of the configuration file in use (bind DN, password file, TLS); absent: the environment alone. */
  ldap?: LdapConfigSection;
  /** Where CASCTL_LDAP_BIND_DN, CASCTL_LDAP_PASSWORD and CASCTL_LDAP_PASSWORD_FILE are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Told, once, when a change waits for another writer to finish (stderr, in the CLI). */
  onWait?: (message: string) => void;
}

/** `sqlite:/var/lib/casctl/directory.db`, `sqlite:directory.db`, `sqlite:///abs.db` or a plain path. */
export function sqlitePath(url: string, cwd: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme === null || /^[a-z]:[\\/]/i.test(url)) return resolve(cwd, url);
  if (scheme[1]?.toLowerCase() !== 'sqlite') return null;
  const rest = url.slice(scheme[0].length);
  return resolve(cwd, rest.startsWith('//') ? rest.slice(2) : rest);
}

/** Loads the driver the URL names, lazily, so commands that never touch a store start fast. */
export async function openStore(url: string, cwd: string, options: OpenStoreOptions): Promise<DirectoryStore> {
  if (isLdapUrl(url)) {
    const env = options.env ?? process.env;
    const { resolveLdapSettings } = await import('./ldap/settings.js');
    const settings = resolveLdapSettings(options.ldap, env, cwd);
    const { LdapStore } = await import('./ldap/ldap-store.js');
    return LdapStore.open(url, settings, { create: options.create });
  }
  const path = sqlitePath(url, cwd);
  if (path === null) {
    throw new StoreError(
      `Unsupported store URL '${url}': casctl stores are 'sqlite:<path>' (or a plain file path), 'ldap://host:port/<base DN>' or 'ldaps://host:port/<base DN>'.`,
    );
  }
  const { SqliteStore } = await import('./sqlite/sqlite-store.js');
  return SqliteStore.open(`sqlite:${path}`, path, options);
}
