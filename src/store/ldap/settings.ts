import { resolve } from 'node:path';
import { ConfigError, StoreError } from '../../core/errors.js';
import { sectionObject } from '../config-section.js';
import { passwordSetting, passwordSource, profileSetting, readPassword, sectionSetting, variable, type EffectiveSetting } from '../effective-setting.js';
import type { Trace } from '../../core/trace.js';
import type { Environment } from '../store-driver.js';
import { parseProfile, type ProfileSetting } from './profile-config.js';

/**
 * The `ldap` section of the casctl configuration file: how to bind to an LDAP directory store.
 *
 *   "ldap": { "bindDn": "cn=casadmin,dc=example,dc=com", "passwordFile": "/etc/casctl/ldap.secret",
 *             "startTls": true, "caFile": "/etc/ssl/certs/example-ca.pem" }
 *
 * Relative file paths are relative to the configuration file. The password is best kept in a
 * file readable only by the admins (mode 0600/0640), not in the configuration itself.
 */
export interface LdapConfigSection {
  bindDn?: string;
  password?: string;
  passwordFile?: string;
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  startTls?: boolean;
  /** PEM file of the CA(s) that sign the server certificate (ldaps:// and StartTLS). */
  caFile?: string;
  /** Entries per page of a paged search (default 500); lower it if the server's size.pr limit is lower. */
  pageSize?: number;
  /** Milliseconds to wait for the server to answer (default 30000). */
  timeoutMs?: number;
  /** The mapping onto an existing directory: a built-in profile's name (`iredmail`) or a generic profile (profile-config.ts). */
  profile?: ProfileSetting;
}

const BIND_DN = 'CASCTL_LDAP_BIND_DN';
const PASSWORD_VARIABLES = { password: 'CASCTL_LDAP_PASSWORD', file: 'CASCTL_LDAP_PASSWORD_FILE' };

/** get-config: the settings resolveLdapSettings would use and where each comes from; the password is not read. */
export function describeLdapSettings(section: LdapConfigSection | undefined, env: Environment, cwd: string): EffectiveSetting[] {
  const bindDn = variable(env, BIND_DN);
  return [
    bindDn === undefined ? sectionSetting('bindDn', section?.bindDn, null) : { key: 'bindDn', value: bindDn, origin: { kind: 'environment', variable: BIND_DN } },
    passwordSetting(passwordSource(env, cwd, PASSWORD_VARIABLES, section)),
    sectionSetting('startTls', section?.startTls, false),
    sectionSetting('caFile', section?.caFile, null),
    sectionSetting('pageSize', section?.pageSize, DEFAULT_PAGE_SIZE),
    sectionSetting('timeoutMs', section?.timeoutMs, DEFAULT_TIMEOUT_MS),
    profileSetting(section?.profile),
  ];
}

const KEYS = ['bindDn', 'password', 'passwordFile', 'startTls', 'caFile', 'pageSize', 'timeoutMs', 'profile'] as const;

/** Validates the `ldap` section of the configuration file at `path`. */
export function parseLdapSection(value: unknown, path: string, directory: string): LdapConfigSection {
  const where = `The configuration file '${path}': "ldap"`;
  const section = sectionObject(value, where, KEYS);
  const result: LdapConfigSection = {};
  for (const key of ['bindDn', 'password', 'passwordFile', 'caFile'] as const) {
    const item = section[key];
    if (item === undefined) continue;
    // Never echo the value: it may be the password.
    if (typeof item !== 'string' || item === '') throw new ConfigError(`${where}.${key} must be a non-empty string.`);
    result[key] = key === 'passwordFile' || key === 'caFile' ? resolve(directory, item) : item;
  }
  if (result.password !== undefined && result.passwordFile !== undefined) {
    throw new ConfigError(`${where} has both "password" and "passwordFile"; keep one (preferably the file).`);
  }
  if (section.startTls !== undefined) {
    if (typeof section.startTls !== 'boolean') throw new ConfigError(`${where}.startTls must be true or false.`);
    result.startTls = section.startTls;
  }
  for (const key of ['pageSize', 'timeoutMs'] as const) {
    const item = section[key];
    if (item === undefined) continue;
    if (typeof item !== 'number' || !Number.isInteger(item) || item < 1) throw new ConfigError(`${where}.${key} must be a positive whole number.`);
    result[key] = item;
  }
  if (section.profile !== undefined) result.profile = parseProfile(section.profile, path);
  return result;
}

/** What the LDAP store connects and binds with, resolved from the environment and the configuration. */
export interface LdapConnectionSettings {
  /** Null: an anonymous bind (reads only, as far as the server's ACLs allow). */
  bindDn: string | null;
  password: string | null;
  startTls: boolean;
  caFile: string | null;
  pageSize: number;
  timeoutMs: number;
  /** Modifications in flight at once on the one connection. */
  concurrency: number;
  /** --verbose: where each operation is shown (operation-trace.ts); absent: nowhere. */
  trace?: Trace;
}

export const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONCURRENCY = 16;

/**
 * The environment wins over the configuration file: CASCTL_LDAP_BIND_DN, then CASCTL_LDAP_PASSWORD
 * or CASCTL_LDAP_PASSWORD_FILE. A bind DN without a password is refused: LDAP treats an empty
 * password as an unauthenticated bind that "succeeds" with no rights, which would surface later as
 * a confusing access error.
 */
export function resolveLdapSettings(section: LdapConfigSection | undefined, env: Environment, cwd: string): LdapConnectionSettings {
  const bindDn = variable(env, BIND_DN) ?? section?.bindDn ?? null;
  const source = passwordSource(env, cwd, PASSWORD_VARIABLES, section);
  const password = source === null ? null : readPassword(source, env, { name: 'ldap', ...(section?.password === undefined ? {} : { password: section.password }) }, 'LDAP');
  if (bindDn !== null && password === null) {
    throw new StoreError(
      `No password for the LDAP bind DN '${bindDn}': set CASCTL_LDAP_PASSWORD_FILE (or CASCTL_LDAP_PASSWORD), or "passwordFile" in the "ldap" section of the configuration file.`,
    );
  }
  if (bindDn === null && password !== null) {
    throw new StoreError('An LDAP password is set but no bind DN: set CASCTL_LDAP_BIND_DN or "bindDn" in the "ldap" section of the configuration file.');
  }
  return {
    bindDn,
    password,
    startTls: section?.startTls ?? false,
    caFile: section?.caFile ?? null,
    pageSize: section?.pageSize ?? DEFAULT_PAGE_SIZE,
    timeoutMs: section?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    concurrency: DEFAULT_CONCURRENCY,
  };
}
