import { sqlLastLogonDriver, type SqlLastLogonServer } from '../sql/last-logon-driver.js';
import type { StoreDriver } from '../store-driver.js';
import { connectionTarget, describeSqlSettings, parseServerUrl, parseSqlSection, refuseLdapOptions, sqlPassword, type SqlConfigSection } from '../sql/server-settings.js';

const STORE = 'MySQL';
const DEFAULT_PORT = 3306;

/** A MySQL or MariaDB database as the place logins are recorded, reached with the credentials a MySQL store takes. */
async function lastLogonServer(url: string): Promise<SqlLastLogonServer> {
  const target = parseServerUrl(url, STORE, DEFAULT_PORT);
  const [{ MysqlPool }, { mysqlDialect }, { mysqlLastLogonTable, mysqlPruneBatch, MYSQL_READ_ONLY_QUERY }, { mysqlDictConnection }] = await Promise.all([
    import('./client.js'), import('./dialect.js'), import('./last-logon-table.js'), import('./mysql-connection.js'),
  ]);
  return {
    connect: (readOnly, options) => MysqlPool.open(target, sqlPassword(options.section, options.env, options.cwd, 'mysql', STORE), readOnly, options.trace),
    user: target.user,
    // The statements are the same on both servers: no need to ask which one it is.
    dialect: mysqlDialect(STORE, target.database, new Set()),
    where: target.printable,
    table: (dovecotUser) => mysqlLastLogonTable(target.database, dovecotUser),
    pruneBatch: mysqlPruneBatch,
    readOnlyQuery: MYSQL_READ_ONLY_QUERY,
    dict: (account) => mysqlDictConnection(target, account),
  };
}

/**
 * A MySQL or MariaDB database holding casctl's schema; its `mysql` configuration section names
 * the password file. Light: mysql2 and the SQL store load only when a store is opened.
 */
export const mysqlDriver: StoreDriver<SqlConfigSection> = {
  name: 'mysql',
  schemes: ['mysql', 'mariadb'],
  urlForms: ["'mysql://user@host:port/database'", "'mariadb://user@host:port/database'"],
  configSection: { name: 'mysql', parse: (value, file) => parseSqlSection('mysql', value, file), describe: describeSqlSettings },
  resolveUrl: (url) => url,
  async open(url, options) {
    const target = connectionTarget(url, options, STORE, DEFAULT_PORT);
    const password = sqlPassword(options.section, options.env, options.cwd, 'mysql', STORE);
    const { openMysqlStore } = await import('./open-mysql-store.js');
    return openMysqlStore(target, password, options);
  },
  async dovecotConfig(request) {
    refuseLdapOptions(request, STORE);
    const target = parseServerUrl(request.url, STORE, DEFAULT_PORT);
    const { mysqlAuthFiles } = await import('./mysql-auth-config.js');
    return mysqlAuthFiles(request, target);
  },
  lastLogons: sqlLastLogonDriver(lastLogonServer),
};
