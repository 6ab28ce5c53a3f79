import { resolve } from 'node:path';
import { readPasswordFile } from '../password-file.js';
import type { Environment } from '../store-driver.js';

/** The account Dovecot reads an SQL store with: best a read-only one of its own, not casctl's. */
export interface DovecotLookupAccount {
  user: string;
  /** Null: not given, so the configuration names where it goes instead of printing one. */
  password: string | null;
}

/**
 * CASCTL_DOVECOT_SQL_USER (default: the store URL's user), and its password only when given
 * through CASCTL_DOVECOT_SQL_PASSWORD_FILE or CASCTL_DOVECOT_SQL_PASSWORD: get-dovecotconfig never
 * prints casctl's own password, and prints Dovecot's only when asked to write it.
 */
export function dovecotLookupAccount(env: Environment, cwd: string, storeUser: string): DovecotLookupAccount {
  const set = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const user = dovecotSqlUser(env, storeUser);
  const file = set('CASCTL_DOVECOT_SQL_PASSWORD_FILE');
  const password = set('CASCTL_DOVECOT_SQL_PASSWORD') ?? (file === undefined ? null : readPasswordFile(resolve(cwd, file), 'CASCTL_DOVECOT_SQL_PASSWORD_FILE', "Dovecot's SQL"));
  return { user, password };
}

/** The name of Dovecot's SQL account: CASCTL_DOVECOT_SQL_USER, else the store URL's user. */
export function dovecotSqlUser(env: Environment, storeUser: string): string {
  const user = env.CASCTL_DOVECOT_SQL_USER;
  return user === undefined || user === '' ? storeUser : user;
}
