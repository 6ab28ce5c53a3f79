import type { DirectoryStore } from '../directory-store.js';
import type { DriverOpenOptions } from '../store-driver.js';
import { explainSqlError } from '../sql/errors.js';
import { openSqlStore } from '../sql/open-sql-store.js';
import { profileSources, type SqlConfigSection, type ServerTarget } from '../sql/server-settings.js';
import { MysqlPool } from './client.js';
import { mysqlDialect, type MysqlFlavor } from './dialect.js';
import { COLUMNS_QUERY, FOLDED_COLUMNS, MAPPED_FOLDED_COLUMNS, TABLES_QUERY, mysqlKeyType, mysqlMigrations } from './schema.js';

/** Connects and asks the server whether it is MariaDB or MySQL (their collations differ), then opens the SQL store on it. */
export async function openMysqlStore(target: ServerTarget, password: string | null, options: DriverOpenOptions<SqlConfigSection>): Promise<DirectoryStore> {
  const readOnly = options.readOnly && !options.create;
  let flavor: MysqlFlavor;
  let pool: MysqlPool | undefined;
  try {
    pool = await MysqlPool.open(target, password, readOnly, options.trace);
    const [row] = await pool.query<{ version: unknown }>('SELECT VERSION() AS version');
    flavor = /mariadb/i.test(String(row?.version)) ? 'MariaDB' : 'MySQL';
  } catch (error) {
    await pool?.close().catch(() => undefined);
    // Before the server said which it is, the message names both by the protocol's name.
    throw explainSqlError(error, mysqlDialect('MySQL', target.database, new Set()), target.printable);
  }
  return openSqlStore({
    pool,
    dialect: mysqlDialect(flavor, target.database, new Set(FOLDED_COLUMNS)),
    migrations: mysqlMigrations(flavor),
    tablesQuery: TABLES_QUERY,
    url: target.printable,
    create: options.create,
    readOnly,
    onWait: options.onWait,
    section: 'mysql',
    profiles: profileSources(options),
    columnsQuery: COLUMNS_QUERY,
    mappedDialect: mysqlDialect(flavor, target.database, new Set(MAPPED_FOLDED_COLUMNS)),
    keyType: mysqlKeyType,
  });
}
