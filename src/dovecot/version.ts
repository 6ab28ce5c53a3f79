import { UsageError } from '../core/errors.js';

/** The configuration languages casctl writes: Dovecot 2.3 (Debian 12) and 2.4 (Debian 13), which differ in syntax and variables. */
export const DOVECOT_VERSIONS = ['2.3', '2.4'] as const;
export type DovecotVersion = (typeof DOVECOT_VERSIONS)[number];

/** Written when the version cannot be found out: the newest syntax, what current distributions ship. */
export const DEFAULT_DOVECOT_VERSION: DovecotVersion = '2.4';

/** `--dovecot-version 2.3|2.4` (a full version such as 2.3.19 is taken too). */
export function parseVersionOption(text: string): DovecotVersion {
  const version = versionOf(text);
  if (version === null) throw new UsageError(`--dovecot-version takes ${DOVECOT_VERSIONS.join(' or ')}, not '${text}'.`);
  return version;
}

/**
 * The configuration language of a Dovecot version as `dovecot --version` prints it
 * (`2.3.19.1 (9b53102964)`, `2.4.1-4 (7d8c0e5759)`); null for one casctl has no syntax for.
 */
export function versionOf(text: string): DovecotVersion | null {
  const match = /^\s*(\d+)\.(\d+)/.exec(text);
  if (match === null) return null;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major === 2 && minor === 3) return '2.3';
  if (major === 2 && minor === 4) return '2.4';
  return null;
}

/** The names Dovecot's variables have in each version: one-letter in 2.3, long with filters in 2.4. */
export interface DovecotVariables {
  /** The login name, as the passdb sees it. */
  user: string;
  /** The protocol being logged in to: imap, pop3, smtp, submission, sieve, ... */
  protocol: string;
  /** The login lower-cased: auth_username_format's value. */
  lowerUser: string;
  /** The client's address. */
  remoteIp: string;
}

export function variables(version: DovecotVersion): DovecotVariables {
  return version === '2.3'
    ? { user: '%u', protocol: '%s', lowerUser: '%Lu', remoteIp: '%r' }
    : { user: '%{user}', protocol: '%{protocol}', lowerUser: '%{user | lower}', remoteIp: '%{remote_ip}' };
}
