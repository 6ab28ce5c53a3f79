import { StoreError } from '../../core/errors.js';
import type { SqlPool, SqlSession } from './client.js';
import type { SqlDialect } from './dialect.js';
import { inTransaction } from './transaction.js';

/** The table that records which migrations ran: what makes a database a casctl store. */
export const MIGRATIONS_TABLE = 'casctl_schema_migrations';

/** A migration: its statements, in order (engines that take one statement per call get them one by one). */
export type Migration = readonly string[];

export interface SchemaCheck {
  pool: SqlPool;
  dialect: SqlDialect;
  /** This casctl's migrations for the engine, in order; never edit a released one. */
  migrations: readonly Migration[];
  /** The statement that lists the tables of the database (or schema) the store uses. */
  tablesQuery: string;
  /** `casctl init`: may create the schema in an empty database. */
  create: boolean;
  /** The command only reads: an out-of-date store is an error, not upgraded. */
  readOnly: boolean;
  url: string;
  onWait: (message: string) => void;
}

/**
 * Makes sure the database is a casctl store this casctl understands, creating (init) or
 * upgrading it (any changing command) when it needs it. A database with tables of its own but
 * no migrations table is not a casctl store and is never touched. Migrations run in one
 * transaction under the writer lock: two `casctl init`s at once apply them once, and no change
 * runs while the schema moves.
 */
export async function prepareSchema(check: SchemaCheck): Promise<void> {
  const version = await schemaVersion(check);
  const known = check.migrations.length;
  if (version > known) {
    throw new StoreError(`The store ${check.url} has schema version ${version}, newer than this casctl understands (${known}). Upgrade casctl.`);
  }
  if (version === known) return;
  if (check.readOnly) {
    throw new StoreError(
      `The store ${check.url} needs upgrading to this casctl's schema (version ${version} of ${known}): run any changing command (or 'casctl init') once with an account that may alter its tables.`,
    );
  }
  await inTransaction(check.pool, check.dialect, { write: true, url: check.url, onWait: check.onWait, retry: false }, async (session) => {
    await session.execute(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER NOT NULL PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)`);
    // Read again under the lock: another casctl may have done it meanwhile.
    const current = await appliedVersion(session, check.dialect);
    for (let next = current; next < known; next++) {
      for (const statement of check.migrations[next] as Migration) await session.execute(statement);
      await session.execute(
        `INSERT INTO ${MIGRATIONS_TABLE} (version, applied_at) VALUES (${check.dialect.placeholder(1, 'int')}, ${check.dialect.placeholder(2, 'text')})`,
        [next + 1, new Date().toISOString()],
      );
    }
  });
}

async function appliedVersion(session: SqlSession, dialect: SqlDialect): Promise<number> {
  const [row] = await session.query(`SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`);
  return row?.v === null || row?.v === undefined ? 0 : dialect.readInt(row.v);
}

/** The store's schema version; 0 for an empty database (init only); a database of other tables is refused. */
async function schemaVersion(check: SchemaCheck): Promise<number> {
  const tables = (await check.pool.query(check.tablesQuery)).map((row) => String(Object.values(row)[0]));
  if (tables.includes(MIGRATIONS_TABLE)) return appliedVersion(check.pool, check.dialect);
  if (tables.length > 0) {
    throw new StoreError(
      `The database of ${check.url} is not a casctl store (it has tables: ${listed(tables)}, but no ${MIGRATIONS_TABLE}); casctl init only creates a store in an empty database or upgrades its own. Name the right store with --store or CASCTL_STORE; nothing was changed.`,
    );
  }
  if (!check.create) throw new StoreError(`The database of ${check.url} is not a casctl store (no schema). Create one with 'casctl init'.`);
  return 0;
}

function listed(names: readonly string[]): string {
  const shown = 10;
  const sorted = [...names].sort();
  return sorted.length > shown ? `${sorted.slice(0, shown).join(', ')} and ${sorted.length - shown} more` : sorted.join(', ');
}

