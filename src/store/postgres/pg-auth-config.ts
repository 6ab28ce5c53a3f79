import { dovecotSqlFiles, type DovecotSqlBackend } from '../sql/dovecot-sql-config.js';
import { dovecotLookupAccount } from '../sql/dovecot-lookup.js';
import { SqlLayout } from '../sql/layout.js';
import { CASCTL_MAILBOX_SCHEMA } from '../sql/mailbox-schema.js';
import type { ServerTarget } from '../sql/server-settings.js';
import type { DovecotConfigRequest } from '../store-driver.js';
import { postgresDialect } from './dialect.js';
import { pgsqlConnection } from './pg-connection.js';

/**
 * Dovecot's pgsql driver on casctl's PostgreSQL schema. A login is any of the mailbox's
 * addresses or its UPN, compared lower-cased (the schema indexes lower(address) and
 * lower(user_principal_name)); the user variable comes first in each query, so `doveadm auth
 * cache flush <login>` finds Dovecot's cache entry.
 */
export function postgresAuthFiles<Section>(request: DovecotConfigRequest<Section>, target: ServerTarget): Map<string, string> {
  const account = dovecotLookupAccount(request.env, request.cwd, target.user);
  const layout = new SqlLayout(postgresDialect, CASCTL_MAILBOX_SCHEMA);
  const connection = pgsqlConnection(target, account);
  const backend: DovecotSqlBackend = {
    engine: 'PostgreSQL',
    connection23: [...connection.lines23.slice(0, -1), 'driver = pgsql', ...connection.lines23.slice(-1)],
    connection24: ['sql_driver = pgsql', ...connection.block24],
    mailboxOf: (user) =>
      `m.id = (SELECT mailbox_id FROM email_addresses WHERE lower(address) = '${user}' UNION ALL SELECT id FROM mailboxes WHERE lower(user_principal_name) = '${user}' LIMIT 1)`,
    enabled: (protocol) => layout.enabledCondition(protocol),
    allowedCase: (subject, branches) => `(CASE ${subject} ${branches} ELSE TRUE END)`,
  };
  return dovecotSqlFiles({ version: request.version, backend, directory: request.directory, reason: request.reason, webmailNetworks: request.webmailNetworks });
}
