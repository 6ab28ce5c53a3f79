import type { DirectoryStore } from '../directory-store.js';
import type { SqlPool } from './client.js';
import type { SqlDialect } from './dialect.js';
import { explainSqlError } from './errors.js';
import { SqlLayout } from './layout.js';
import { CASCTL_MAILBOX_SCHEMA } from './mailbox-schema.js';
import { prepareSchema, type Migration } from './migrations.js';
import { SqlStore } from './sql-store.js';

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
}

/** Checks (creates, upgrades) casctl's schema on the server, then opens the store over it; the pool is closed when that fails. */
export async function openSqlStore(opening: SqlStoreOpening): Promise<DirectoryStore> {
  const { pool, dialect, url } = opening;
  try {
    await prepareSchema({ ...opening });
  } catch (error) {
    await pool.close().catch(() => undefined);
    throw explainSqlError(error, dialect, url);
  }
  return new SqlStore({ url, pool, layout: new SqlLayout(dialect, CASCTL_MAILBOX_SCHEMA), readOnly: opening.readOnly, onWait: opening.onWait });
}
