import { StoreError } from '../../core/errors.js';
import type { LastLogonSource } from '../../core/last-logons.js';
import { LAST_LOGON_TABLE, latestLogons, retentionCutoff, type LogonRow } from '../last-logon-rows.js';
import type { LastLogonOpenOptions } from '../store-driver.js';
import type { SqlPool } from './client.js';
import type { SqlDialect } from './dialect.js';
import type { SqlConfigSection } from './server-settings.js';
import { createLastLogonTable, type LastLogonTableResult, type LastLogonTableSql } from './create-last-logon-table.js';

/** Names per query: an index range each, well under any engine's limit on a statement's size. */
const BATCH = 1000;

/** A SQL server's database as the place logins are recorded: how to reach it, named by a driver. */
export interface SqlLastLogonServer {
  /**
   * Connects as the URL's user, with the credentials a store of the kind takes (read from the
   * options' environment and section): read-only to read, as casctl never writes the recorded
   * logins, read-write to create the table.
   */
  connect(readOnly: boolean, options: LastLogonOpenOptions<SqlConfigSection>): Promise<SqlPool>;
  /** The URL's user: casctl's account on that server. */
  user: string;
  dialect: SqlDialect;
  /** The database as messages name it (no password). */
  where: string;
  /** The table on this engine, with the grant for Dovecot's account. */
  table(dovecotUser: string): LastLogonTableSql;
}

const CREATE_HINT = 'Create it and let Dovecot write it with casctl get-dovecotconfig --last-logons --write.';

/** What the server said, as a StoreError that says what to do; anything it does not recognise passes through. */
function explained(error: unknown, dialect: SqlDialect, where: string): unknown {
  const detail = `${dialect.name}: ${(error as Error).message}`;
  switch (dialect.classify(error)) {
    case 'noSuchTable':
      return new StoreError(`No logins are recorded in ${where}: it has no table ${LAST_LOGON_TABLE} (${detail}). ${CREATE_HINT}`);
    case 'noSuchDatabase':
      return new StoreError(`No logins are recorded in ${where}: the database does not exist (${detail}). ${CREATE_HINT}`);
    case 'refused':
      return new StoreError(`Cannot connect to the ${dialect.name} server of the recorded logins ${where} (${detail}). Check that it runs and that "lastLogons" names its host and port.`);
    case 'auth':
      return new StoreError(
        `The ${dialect.name} server refused casctl's credentials for the recorded logins ${where} (${detail}). Check the user in the URL and the password in CASCTL_SQL_PASSWORD_FILE (or CASCTL_SQL_PASSWORD).`,
      );
    case 'readOnly':
      return new StoreError(`casctl's account may not read the recorded logins in ${where} (${detail}): grant it SELECT on ${LAST_LOGON_TABLE}.`);
    default:
      return error;
  }
}

/**
 * The latest row per user and service among the given spellings, within the retention. The
 * inner query finds each maximum by the primary key's leading columns (an index range per name,
 * never a scan); the join takes the client address of the row holding it.
 */
function latestQuery(dialect: SqlDialect): string {
  const names = dialect.inList('t.username', dialect.placeholder(1, 'textList'), 'textList');
  return [
    `SELECT l.username AS login, l.service AS service, l.last_logon AS time, l.client_address AS address FROM ${LAST_LOGON_TABLE} l`,
    `JOIN (SELECT t.username AS username, t.service AS service, max(t.last_logon) AS latest FROM ${LAST_LOGON_TABLE} t`,
    `  WHERE ${names} AND t.last_logon >= ${dialect.placeholder(2)} GROUP BY t.username, t.service) g`,
    'ON l.username = g.username AND l.service = g.service AND l.last_logon = g.latest',
  ].join(' ');
}

function source(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>, pool: SqlPool): LastLogonSource {
  const { dialect, where } = server;
  const cutoff = retentionCutoff(options);
  const query = latestQuery(dialect);
  return {
    where,
    retentionDays: options.retentionDays,
    async lastLogons(users) {
      try {
        return await latestLogons(users, BATCH, async (names) => {
          const rows = await pool.query<{ login: unknown; service: unknown; time: unknown; address: unknown }>(query, [dialect.listParam(names), cutoff]);
          return rows.map((row): LogonRow => ({ user: String(row.login), service: String(row.service), time: dialect.readInt(row.time), address: String(row.address ?? '') }));
        });
      } catch (error) {
        throw explained(error, dialect, where);
      }
    },
    close: () => pool.close(),
  };
}

/**
 * Connects and makes sure the table is there: a StoreError that says how to set recording up
 * when the database or its table is missing, or, with `ifMissing: null`, null for a missing
 * table (a store's own database where nothing records logins).
 */
async function open(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>, ifMissing: 'error' | 'null'): Promise<LastLogonSource | null> {
  let pool: SqlPool | undefined;
  try {
    pool = await server.connect(true, options);
    await pool.query(`SELECT 1 AS present FROM ${LAST_LOGON_TABLE} WHERE 1 = 0`);
  } catch (error) {
    await pool?.close().catch(() => undefined);
    if (ifMissing === 'null' && server.dialect.classify(error) === 'noSuchTable') return null;
    throw explained(error, server.dialect, server.where);
  }
  return source(server, options, pool);
}

/** The logins recorded in a SQL server's database (its "lastLogons" URL). */
export async function openSqlLastLogons(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>): Promise<LastLogonSource> {
  return (await open(server, options, 'error')) as LastLogonSource;
}

/** The logins recorded beside a store in its own database, or null when it has no such table. */
export function sqlLastLogonsIfPresent(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>): Promise<LastLogonSource | null> {
  return open(server, options, 'null');
}

/**
 * Creates the table (when missing) as casctl's account, and lets Dovecot's account write it
 * where casctl may (none needed when Dovecot writes as casctl's own account). What casctl's
 * account may not do is a StoreError that names the statements for the database's owner.
 */
export async function createSqlLastLogonTable(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>, dovecotUser: string): Promise<LastLogonTableResult> {
  const table = server.table(dovecotUser);
  let pool: SqlPool | undefined;
  try {
    pool = await server.connect(false, options);
    return await createLastLogonTable(pool, table, dovecotUser === server.user ? null : dovecotUser);
  } catch (error) {
    if (server.dialect.classify(error) !== 'readOnly') throw explained(error, server.dialect, server.where);
    throw new StoreError(
      `casctl's account ${server.user} may not create the table ${LAST_LOGON_TABLE} in ${server.where}, or grant Dovecot's account on it (${server.dialect.name}: ${(error as Error).message}). Run as the database's owner:\n${table.create};\n${table.grant};`,
    );
  } finally {
    await pool?.close().catch(() => undefined);
  }
}
