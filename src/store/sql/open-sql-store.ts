import type { DirectoryStore } from '../directory-store.js';
import type { ProfileSources } from '../mapping-profiles.js';
import type { SqlPool, SqlSession } from './client.js';
import type { SqlDialect } from './dialect.js';
import { explainSqlError } from './errors.js';
import { SqlLayout } from './layout.js';
import type { MailboxSchema } from './mailbox-schema.js';
import { MAPPED_MIGRATIONS_TABLE, besideMigrations, checkMappedColumns, mappedColumns, recordProfile, recordedProfile } from './mapped-schema.js';
import { MIGRATIONS_TABLE, listTables, prepareSchema, type Migration } from './migrations.js';
import { BUILT_IN_SQL_PROFILES, chooseSqlSchema } from './sql-profiles.js';
import { SqlStore } from './sql-store.js';
import { inTransaction } from './transaction.js';

export interface SqlStoreOpening {
  pool: SqlPool;
  dialect: SqlDialect;
  migrations: readonly Migration[];
  tablesQuery: string;
  /** Printable: never holds a secret. */
  url: string;
  create: boolean;
  readOnly: boolean;
  onWait: (message: string) => void;
  /** The driver's configuration section (`postgres`, `mysql`), where a generic profile goes. */
  section: string;
  /** Where a mapping onto the admin's schema comes from: init's --profile, the configuration. */
  profiles: Omit<ProfileSources<MailboxSchema>, 'recorded'>;
  /** Mapped schemas only: the (table, column) pairs of the store's database or schema. */
  columnsQuery: string;
  /** Mapped schemas only: the dialect over tables the admin made (no indexed twins of casctl's). */
  mappedDialect: SqlDialect;
  /** Mapped schemas only: the SQL type of the admin's mailbox key, for casctl's change items. */
  keyType: (session: SqlSession, table: string, column: string) => Promise<string>;
}

/** For a database a built-in profile fits (its tables are there): how to manage it in place instead. */
function profileHint(tables: readonly string[], url: string): string {
  const fits = [...BUILT_IN_SQL_PROFILES.values()].find((schema) => [...mappedColumns(schema).keys()].every((table) => tables.includes(table)));
  return fits === undefined ? '' : ` It has the tables of an existing ${fits.profile ?? ''} directory: manage it in place with 'casctl init --store ${url} --profile ${fits.profile ?? ''}'.`;
}

/**
 * Opens the store over casctl's schema (checked, created by init, upgraded) or, through a
 * mapping profile, over the admin's own tables with casctl's beside them; the pool is closed
 * when that fails.
 */
export async function openSqlStore(opening: SqlStoreOpening): Promise<DirectoryStore> {
  const { pool, dialect, url } = opening;
  try {
    const tables = await listTables(pool, opening.tablesQuery);
    const recorded = await recordedProfile(pool, tables, MIGRATIONS_TABLE);
    const schema = chooseSqlSchema({ ...opening.profiles, recorded }, opening.section, url);
    if (schema.profile === null) {
      await prepareSchema({ ...opening, foreignHint: (found) => profileHint(found, url) });
      return new SqlStore({ url, pool, layout: new SqlLayout(dialect, schema), readOnly: opening.readOnly, onWait: opening.onWait });
    }
    const caseInsensitive = await checkMappedColumns(pool, opening.columnsQuery, schema, url);
    const keyType = await opening.keyType(pool, schema.mailboxes.table, schema.mailboxes.id);
    const init = `casctl init --store ${url} --profile ${schema.profile}`;
    await prepareSchema({ ...opening, migrations: besideMigrations(opening.migrations, keyType), beside: { migrationsTable: MAPPED_MIGRATIONS_TABLE, init } });
    if (recorded === undefined) {
      await inTransaction(pool, dialect, { write: true, url, onWait: opening.onWait, retry: false }, (session) => recordProfile(session, schema.profile as string, dialect.placeholder(1, 'text')));
    }
    return new SqlStore({ url, pool, layout: new SqlLayout(opening.mappedDialect, schema, caseInsensitive), readOnly: opening.readOnly, onWait: opening.onWait });
  } catch (error) {
    await pool.close().catch(() => undefined);
    throw explainSqlError(error, dialect, url);
  }
}
