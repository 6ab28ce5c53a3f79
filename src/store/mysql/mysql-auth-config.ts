import { dovecotSqlFiles, type DovecotSqlBackend } from '../sql/dovecot-sql-config.js';
import { dovecotLookupAccount } from '../sql/dovecot-lookup.js';
import { SqlLayout } from '../sql/layout.js';
import { CASCTL_MAILBOX_SCHEMA } from '../sql/mailbox-schema.js';
import type { ServerTarget } from '../sql/server-settings.js';
import type { DovecotConfigRequest } from '../store-driver.js';
import { mysqlDialect } from './dialect.js';
import { mysqlConnection } from './mysql-connection.js';

/**
 * Dovecot's mysql driver on casctl's MySQL/MariaDB schema. A login is any of the mailbox's
 * addresses or its UPN, compared with their folded twins (address_folded, user_principal_name_folded:
 * lower-cased, binary, uniquely indexed): the columns' own collation ignores accents, so
 * `address = 'jose@…'` would also find josé@…. The user variable comes first in each query, so
 * `doveadm auth cache flush <login>` finds Dovecot's cache entry.
 */
export function mysqlAuthFiles<Section>(request: DovecotConfigRequest<Section>, target: ServerTarget): Map<string, string> {
  const account = dovecotLookupAccount(request.env, request.cwd, target.user);
  // Only its quoting is used, the same on both servers: no need to ask which one it is.
  const layout = new SqlLayout(mysqlDialect('MySQL', target.database, new Set()), CASCTL_MAILBOX_SCHEMA);
  const connection = mysqlConnection(target, account);
  const backend: DovecotSqlBackend = {
    engine: 'MySQL/MariaDB',
    connection23: [...connection.lines23.slice(0, -1), 'driver = mysql', ...connection.lines23.slice(-1)],
    connection24: ['sql_driver = mysql', ...connection.block24],
    mailboxOf: (user) =>
      `m.id = (SELECT mailbox_id FROM email_addresses WHERE address_folded = '${user}' UNION ALL SELECT id FROM mailboxes WHERE user_principal_name_folded = '${user}' LIMIT 1)`,
    enabled: (protocol) => layout.enabledCondition(protocol),
    allowedCase: (subject, branches) => `(CASE ${subject} ${branches} ELSE 1 END) = 1`,
  };
  return dovecotSqlFiles({ version: request.version, backend, directory: request.directory, reason: request.reason, webmailNetworks: request.webmailNetworks });
}
