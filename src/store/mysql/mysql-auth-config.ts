import { UsageError } from '../../core/errors.js';
import { configValue } from '../../dovecot/config-value.js';
import { dovecotSqlFiles, type DovecotSqlBackend } from '../sql/dovecot-sql-config.js';
import { dovecotLookupAccount } from '../sql/dovecot-lookup.js';
import { SqlLayout } from '../sql/layout.js';
import { CASCTL_MAILBOX_SCHEMA } from '../sql/mailbox-schema.js';
import type { ServerTarget } from '../sql/server-settings.js';
import type { DovecotConfigRequest } from '../store-driver.js';
import { mysqlDialect } from './dialect.js';

/**
 * 2.3's `connect` string is split at spaces with no quoting, and both versions' values must read
 * back as written; checked without repeating the password in the message.
 */
function passwordValue(password: string): string {
  if (/[\s\p{Cc}"#$%\\{}]/u.test(password)) {
    throw new UsageError("The Dovecot SQL password holds a space, a control character or one of \" # $ % \\ { }, which Dovecot's MySQL settings cannot hold as written; nothing was written.");
  }
  return password;
}

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
  const host = configValue('The MySQL host', target.host);
  const settings: [string, string][] = [
    ['port', String(target.port)],
    ['dbname', configValue('The database name', target.database)],
    ['user', configValue('The Dovecot SQL user', account.user)],
    ...(account.password === null ? [] : [['password', passwordValue(account.password)] as [string, string]]),
  ];
  const missing = `# the password of ${account.user}: casctl writes it only when given CASCTL_DOVECOT_SQL_PASSWORD_FILE`;
  const backend: DovecotSqlBackend = {
    engine: 'MySQL/MariaDB',
    connection23: [
      ...(account.password === null ? [`${missing} (add password=... to connect, or option_file=<a my.cnf holding it>)`] : []),
      'driver = mysql',
      `connect = host=${host} ${settings.map(([k, v]) => `${k}=${v}`).join(' ')}`,
    ],
    connection24: [
      'sql_driver = mysql',
      `mysql ${host} {`,
      ...settings.map(([k, v]) => `  ${k} = ${v}`),
      ...(account.password === null ? [`  ${missing}`, '  # password = ... (or option_file = <a my.cnf holding it>)'] : []),
      '}',
    ],
    mailboxOf: (user) =>
      `m.id = (SELECT mailbox_id FROM email_addresses WHERE address_folded = '${user}' UNION ALL SELECT id FROM mailboxes WHERE user_principal_name_folded = '${user}' LIMIT 1)`,
    enabled: (protocol) => layout.enabledCondition(protocol),
    allowedCase: (subject, branches) => `(CASE ${subject} ${branches} ELSE 1 END) = 1`,
  };
  return dovecotSqlFiles({ version: request.version, backend, directory: request.directory, reason: request.reason, webmailNetworks: request.webmailNetworks });
}
