import { sqlLastLogonDriver, type SqlLastLogonServer } from '../sql/last-logon-driver.js';
import type { StoreDriver } from '../store-driver.js';
import { connectionTarget, describeSqlSettings, parseServerUrl, parseSqlSection, profileSources, refuseLdapOptions, sqlPassword, type SqlConfigSection } from '../sql/server-settings.js';

const SECTION = 'postgres';
const DEFAULT_PORT = 5432;

/** A PostgreSQL database as the place logins are recorded, reached with the credentials a PostgreSQL store takes. */
async function lastLogonServer(url: string): Promise<SqlLastLogonServer> {
  const target = parseServerUrl(url, 'PostgreSQL', DEFAULT_PORT);
  const [{ postgresPool }, { postgresDialect }, { postgresLastLogonTable, postgresPruneBatch, POSTGRES_READ_ONLY_QUERY }, { pgsqlDictConnection }] = await Promise.all([
    import('./pg-pool.js'), import('./dialect.js'), import('./last-logon-table.js'), import('./pg-connection.js'),
  ]);
  return {
    connect: async (readOnly, options) => postgresPool(target, sqlPassword(options.section, options.env, options.cwd, SECTION, 'PostgreSQL'), readOnly, options.trace),
    user: target.user,
    dialect: postgresDialect,
    where: target.printable,
    table: postgresLastLogonTable,
    pruneBatch: postgresPruneBatch,
    readOnlyQuery: POSTGRES_READ_ONLY_QUERY,
    dict: (account) => pgsqlDictConnection(target, account),
  };
}

/**
 * A PostgreSQL database holding casctl's schema (`casctl init` creates it). The password comes
 * from CASCTL_SQL_PASSWORD(_FILE) or the `postgres` section's passwordFile, never from the URL.
 * node-postgres is loaded only when a store is opened.
 */
export const postgresDriver: StoreDriver<SqlConfigSection> = {
  name: 'postgres',
  schemes: ['postgres', 'postgresql'],
  urlForms: ["'postgres://user@host:port/database'"],
  configSection: { name: SECTION, parse: (value, file) => parseSqlSection(SECTION, value, file), describe: describeSqlSettings },
  resolveUrl: (url) => url,
  async open(url, options) {
    const target = connectionTarget(url, options, 'PostgreSQL', DEFAULT_PORT);
    const password = sqlPassword(options.section, options.env, options.cwd, SECTION, 'PostgreSQL');
    const [{ postgresPool }, { postgresDialect }, { POSTGRES_COLUMNS_QUERY, POSTGRES_MIGRATIONS, POSTGRES_TABLES_QUERY, postgresKeyType }, { openSqlStore }] = await Promise.all([
      import('./pg-pool.js'), import('./dialect.js'), import('./schema.js'), import('../sql/open-sql-store.js'),
    ]);
    return openSqlStore({
      pool: postgresPool(target, password, options.readOnly && !options.create, options.trace),
      dialect: postgresDialect,
      migrations: POSTGRES_MIGRATIONS,
      tablesQuery: POSTGRES_TABLES_QUERY,
      url: target.printable,
      create: options.create,
      readOnly: options.readOnly && !options.create,
      onWait: options.onWait,
      section: SECTION,
      profiles: profileSources(options),
      columnsQuery: POSTGRES_COLUMNS_QUERY,
      mappedDialect: postgresDialect,
      keyType: postgresKeyType,
    });
  },
  async dovecotConfig(request) {
    refuseLdapOptions(request, 'PostgreSQL');
    const target = parseServerUrl(request.url, 'PostgreSQL', DEFAULT_PORT);
    const { postgresAuthFiles } = await import('./pg-auth-config.js');
    return postgresAuthFiles(request, target);
  },
  lastLogons: sqlLastLogonDriver(lastLogonServer),
};
