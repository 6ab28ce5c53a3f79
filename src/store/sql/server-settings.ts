import { resolve } from 'node:path';
import { ConfigError, StoreError, UsageError } from '../../core/errors.js';
import { sectionObject } from '../config-section.js';
import { passwordSetting, passwordSource, profileSetting, readPassword, type EffectiveSetting } from '../effective-setting.js';
import type { ProfileSetting, ProfileSources } from '../mapping-profiles.js';
import type { ConfigFile, Environment } from '../store-driver.js';
import type { MailboxSchema } from './mailbox-schema.js';
import { parseSqlProfile } from './sql-profile-config.js';

/**
 * The configuration section of an SQL server store (`"postgres"`, `"mysql"`):
 *
 *   "postgres": { "passwordFile": "/etc/casctl/postgres.secret" }
 *
 * A relative path is relative to the configuration file. The password itself is never kept in
 * the configuration file: a file readable only by the admins (0600/0640) holds it.
 */
export interface SqlConfigSection {
  passwordFile?: string;
  /** The mapping onto an existing schema: a built-in profile's name (`iredmail`) or a generic profile (sql-profile-config.ts). */
  profile?: ProfileSetting<MailboxSchema>;
}

const KEYS = ['passwordFile', 'profile'] as const;

export function parseSqlSection(name: string, value: unknown, file: ConfigFile): SqlConfigSection {
  const where = `The configuration file '${file.path}': "${name}"`;
  const section = sectionObject(value, where, KEYS);
  const result: SqlConfigSection = section.profile === undefined ? {} : { profile: parseSqlProfile(section.profile, name, file.path) };
  const passwordFile = section.passwordFile;
  if (passwordFile === undefined) return result;
  // Never echo the value: it may be the password, put in the wrong key.
  if (typeof passwordFile !== 'string' || passwordFile === '') throw new ConfigError(`${where}.passwordFile must be a non-empty string (a file's path).`);
  return { ...result, passwordFile: resolve(file.directory, passwordFile) };
}

/** Where an SQL store lives, from its URL: everything but the password, which never travels in one. */
export interface ServerTarget {
  host: string;
  port: number | null;
  user: string;
  database: string;
  /** The URL as casctl prints it: scheme, user, host, port and database. */
  printable: string;
}

/**
 * `postgres://user@host:port/database`. A password in the URL is refused (it would end up in
 * shell history, `ps` and casctl's output) without repeating the URL, which holds it.
 */
export function parseServerUrl(url: string, store: string, defaultPort: number): ServerTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError(`The ${store} store URL is not a valid URL: write it as ${schemeOf(url)}://user@host:port/database.`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (parsed.password !== '') {
    throw new StoreError(
      `The ${store} store URL holds a password: casctl refuses it there (it would be seen in shell history and process lists). Remove it from the URL and put it in a file named by CASCTL_SQL_PASSWORD_FILE (or in CASCTL_SQL_PASSWORD, or the "passwordFile" of the configuration's "${scheme === 'postgresql' ? 'postgres' : scheme}" section).`,
    );
  }
  const user = decodeURIComponent(parsed.username);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (user === '' || host === '' || database === '' || database.includes('/')) {
    throw new StoreError(`The ${store} store URL '${url}' must name the user, the host and the database: ${scheme}://user@host:port/database.`);
  }
  if (parsed.search !== '' || parsed.hash !== '') throw new StoreError(`The ${store} store URL '${parsed.origin}…' takes no parameters: ${scheme}://user@host:port/database.`);
  const port = parsed.port === '' ? null : Number(parsed.port);
  const printable = `${scheme}://${encodeURIComponent(user)}@${parsed.host}/${encodeURIComponent(database)}`;
  return { host, port: port ?? defaultPort, user, database, printable };
}

const schemeOf = (url: string): string => /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? 'postgres';

/**
 * The password of the URL's user: CASCTL_SQL_PASSWORD, else the file CASCTL_SQL_PASSWORD_FILE
 * names (relative to the working directory), else the section's passwordFile; null when none
 * is set (the server may trust the connection: a local socket, peer or certificate auth).
 */
export function sqlPassword(section: SqlConfigSection | undefined, env: Environment, cwd: string, sectionName: string, store: string): string | null {
  const source = passwordSource(env, cwd, PASSWORD_VARIABLES, section);
  return source === null ? null : readPassword(source, env, { name: sectionName }, store);
}

const PASSWORD_VARIABLES = { password: 'CASCTL_SQL_PASSWORD', file: 'CASCTL_SQL_PASSWORD_FILE' };

/** get-config: where sqlPassword would read the password (not read), and the profile. */
export function describeSqlSettings(section: SqlConfigSection | undefined, env: Environment, cwd: string): EffectiveSetting[] {
  return [passwordSetting(passwordSource(env, cwd, PASSWORD_VARIABLES, section)), profileSetting(section?.profile)];
}

/** Where a mapping profile comes from at open: init's --profile, the section's "profile". */
export function profileSources(options: { profile?: string; section: SqlConfigSection | undefined }): Omit<ProfileSources<MailboxSchema>, 'recorded'> {
  const configured = options.section?.profile;
  return { ...(options.profile === undefined ? {} : { option: options.profile }), ...(configured === undefined ? {} : { configured }) };
}

/**
 * The server a command connects to: a command that only reads goes to the read URL when one is
 * configured (a standby near this host), every other command to the store URL (the primary), so
 * a change and the re-check after it see the same server. The read URL takes the store's
 * credentials, as an LDAP consumer does.
 */
export function connectionTarget(url: string, options: { readOnly: boolean; create: boolean; readUrl: string | undefined }, store: string, defaultPort: number): ServerTarget {
  const reads = options.readOnly && !options.create && options.readUrl !== undefined;
  return parseServerUrl(reads ? (options.readUrl as string) : url, store, defaultPort);
}

/** get-dovecotconfig's LDAP-only options (--ldap-uri, --ldap-bind-dn) on an SQL server store: a usage error, never ignored. */
export function refuseLdapOptions(request: { servers?: readonly string[]; lookupAccount?: unknown }, store: string): void {
  if (request.servers !== undefined || request.lookupAccount !== undefined) {
    throw new UsageError(`--ldap-uri and --ldap-bind-dn are for an LDAP store: for ${store}, Dovecot's account comes from CASCTL_DOVECOT_SQL_USER and CASCTL_DOVECOT_SQL_PASSWORD_FILE.`);
  }
}
