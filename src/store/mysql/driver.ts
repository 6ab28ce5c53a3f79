import type { StoreDriver } from '../store-driver.js';
import { connectionTarget, parseServerUrl, parseSqlSection, refuseLdapOptions, sqlPassword, type SqlConfigSection } from '../sql/server-settings.js';

const STORE = 'MySQL';
const DEFAULT_PORT = 3306;

/**
 * A MySQL or MariaDB database holding casctl's schema; its `mysql` configuration section names
 * the password file. Light: mysql2 and the SQL store load only when a store is opened.
 */
export const mysqlDriver: StoreDriver<SqlConfigSection> = {
  name: 'mysql',
  schemes: ['mysql', 'mariadb'],
  urlForms: ["'mysql://user@host:port/database'", "'mariadb://user@host:port/database'"],
  configSection: { name: 'mysql', parse: (value, file) => parseSqlSection('mysql', value, file) },
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
};
