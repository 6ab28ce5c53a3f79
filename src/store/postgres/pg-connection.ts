import { configValue, secretConfigValue } from '../../dovecot/config-value.js';
import type { DovecotLookupAccount } from '../sql/dovecot-lookup.js';
import type { LastLoginDictConnection } from '../sql/last-login-dict.js';
import type { ServerTarget } from '../sql/server-settings.js';

/** A libpq connection string value: quoted when it holds a space, a quote or a backslash. */
const libpqValue = (value: string): string => (/^[^\s'\\]+$/.test(value) ? value : `'${value.replace(/([\\'])/g, '\\$1')}'`);

/** How Dovecot's pgsql driver reaches a database as an account: its passdb and userdb, and its SQL dict. */
export interface PgsqlConnection {
  /** 2.3: a comment where the password goes when it was not given (casctl never prints casctl's own), and the `connect` line. */
  lines23: readonly string[];
  /** 2.4's `pgsql <host> { parameters { ... } }` block, after `sql_driver = pgsql`. */
  block24: readonly string[];
}

export function pgsqlConnection(target: ServerTarget, account: DovecotLookupAccount): PgsqlConnection {
  const host = configValue('The PostgreSQL host', target.host);
  const parameters: [string, string][] = [
    ['port', String(target.port)],
    ['dbname', configValue('The database name', target.database)],
    ['user', configValue('The Dovecot SQL user', account.user)],
  ];
  const missing = account.password === null ? `# the password of ${account.user}: casctl writes it only when given CASCTL_DOVECOT_SQL_PASSWORD_FILE` : null;
  const connect = [`host=${host}`, ...parameters.map(([k, v]) => `${k}=${libpqValue(v)}`), ...(account.password === null ? [] : [`password=${libpqValue(account.password)}`])];
  return {
    lines23: [...(missing === null ? [] : [`${missing} (add password=... to connect)`]), `connect = ${connect.join(' ')}`],
    block24: [
      `pgsql ${host} {`,
      '  parameters {',
      ...parameters.map(([k, v]) => `    ${k} = ${v}`),
      ...(account.password === null ? [`    ${missing ?? ''}`, '    # password = ...'] : [`    password = ${secretConfigValue('The Dovecot SQL password', account.password)}`]),
      '  }',
      '}',
    ],
  };
}

/** Dovecot's SQL dict on the database, as the account: where get-dovecotconfig --last-logons records logins. */
export function pgsqlDictConnection(target: ServerTarget, account: DovecotLookupAccount): LastLoginDictConnection {
  const connection = pgsqlConnection(target, account);
  return { engine: 'PostgreSQL', driver23: 'pgsql', connection23: connection.lines23, connection24: ['sql_driver = pgsql', ...connection.block24] };
}
