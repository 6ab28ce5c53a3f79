import { UsageError } from '../../core/errors.js';
import { configValue } from '../../dovecot/config-value.js';
import type { DovecotLookupAccount } from '../sql/dovecot-lookup.js';
import type { LastLoginDictConnection } from '../sql/last-login-dict.js';
import type { ServerTarget } from '../sql/server-settings.js';

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

/** How Dovecot's mysql driver reaches a database as an account: its passdb and userdb, and its SQL dict. */
export interface MysqlConnection {
  /** 2.3: a comment where the password goes when it was not given (casctl never prints casctl's own), and the `connect` line. */
  lines23: readonly string[];
  /** 2.4's `mysql <host> { ... }` block, after `sql_driver = mysql`. */
  block24: readonly string[];
}

export function mysqlConnection(target: ServerTarget, account: DovecotLookupAccount): MysqlConnection {
  const host = configValue('The MySQL host', target.host);
  const settings: [string, string][] = [
    ['port', String(target.port)],
    ['dbname', configValue('The database name', target.database)],
    ['user', configValue('The Dovecot SQL user', account.user)],
    ...(account.password === null ? [] : [['password', passwordValue(account.password)] as [string, string]]),
  ];
  const missing = account.password === null ? `# the password of ${account.user}: casctl writes it only when given CASCTL_DOVECOT_SQL_PASSWORD_FILE` : null;
  return {
    lines23: [
      ...(missing === null ? [] : [`${missing} (add password=... to connect, or option_file=<a my.cnf holding it>)`]),
      `connect = host=${host} ${settings.map(([k, v]) => `${k}=${v}`).join(' ')}`,
    ],
    block24: [
      `mysql ${host} {`,
      ...settings.map(([k, v]) => `  ${k} = ${v}`),
      ...(missing === null ? [] : [`  ${missing}`, '  # password = ... (or option_file = <a my.cnf holding it>)']),
      '}',
    ],
  };
}

/** Dovecot's SQL dict on the database, as the account: where get-dovecotconfig --last-logons records logins. */
export function mysqlDictConnection(target: ServerTarget, account: DovecotLookupAccount): LastLoginDictConnection {
  const connection = mysqlConnection(target, account);
  return { engine: 'MySQL/MariaDB', driver23: 'mysql', connection23: connection.lines23, connection24: ['sql_driver = mysql', ...connection.block24] };
}
