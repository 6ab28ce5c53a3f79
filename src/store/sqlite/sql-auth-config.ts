import type { IpNetwork } from '../../core/ip-networks.js';
import type { DovecotVersion } from '../../dovecot/version.js';
import { dovecotSqlFiles, type DovecotSqlBackend } from '../sql/dovecot-sql-config.js';
import { effectiveEnabledTerms } from './administrator-sql.js';

export interface SqliteAuthOptions {
  version: DovecotVersion;
  /** Path of the SQLite store Dovecot reads. */
  databasePath: string;
  /** Where the files will live (2.3's passdb names its args file by absolute path). */
  directory: string;
  /** Tell a refused client why, after a correct password. */
  reason: boolean;
  /** Where the webmail logs in from (normalised); none: OWAEnabled is not enforced. */
  webmailNetworks?: readonly IpNetwork[];
}

/**
 * Dovecot's sqlite driver on the store file. A login is any of the mailbox's addresses
 * (EmailAddresses holds the primary too) or its UPN, both NOCASE-indexed; the user variable comes
 * first in each query, so Dovecot's cache key starts with the login and `doveadm auth cache
 * flush <login>` finds the entry.
 */
function sqliteBackend(databasePath: string): DovecotSqlBackend {
  return {
    engine: 'SQLite',
    connection23: ['driver = sqlite', `connect = ${databasePath}`],
    connection24: ['sql_driver = sqlite', `sqlite_path = ${databasePath}`],
    mailboxOf: (user) =>
      `m.id = (SELECT mailbox_id FROM email_addresses WHERE address = '${user}' UNION ALL SELECT id FROM mailboxes WHERE user_principal_name = '${user}' LIMIT 1)`,
    enabled: effectiveEnabledTerms,
    allowedCase: (subject, branches) => `(CASE ${subject} ${branches} ELSE 1 END) = 1`,
  };
}

/** casctl-auth.conf (to `!include` from dovecot.conf) and, for 2.3, the .conf.ext files it names. */
export function sqlAuthFiles(options: SqliteAuthOptions): Map<string, string> {
  const { databasePath, ...rest } = options;
  return dovecotSqlFiles({ ...rest, backend: sqliteBackend(databasePath) });
}
