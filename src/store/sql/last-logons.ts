import type { LastLogonSource } from '../../core/last-logons.js';
import { latestLogons, retentionCutoff, type LogonRow } from '../last-logon-rows.js';
import type { LastLogonOpenOptions } from '../store-driver.js';
import type { SqlPool } from './client.js';
import type { SqlDialect } from './dialect.js';
import type { SqlLastLogonServer } from './last-logon-driver.js';
import { explainLastLogonError } from './last-logon-errors.js';
import { LAST_LOGON_COLUMNS as C, LAST_LOGON_TABLE, RECORDING_SINCE } from './last-logon-table.js';
import type { SqlConfigSection } from './server-settings.js';

/** Names per query: an index range each, well under any engine's limit on a statement's size. */
const BATCH = 1000;

/**
 * The latest row per user and service among the given spellings, within the retention. The
 * inner query finds each maximum by the primary key's leading columns (an index range per name,
 * never a scan); the join takes the client address of the row holding it.
 */
function latestQuery(dialect: SqlDialect): string {
  const names = dialect.inList(`t.${C.username}`, dialect.placeholder(1, 'textList'), 'textList');
  return [
    `SELECT l.${C.username} AS login, l.${C.service} AS service, l.${C.time} AS time, l.${C.clientAddress} AS address FROM ${LAST_LOGON_TABLE} l`,
    `JOIN (SELECT t.${C.username} AS username, t.${C.service} AS service, max(t.${C.time}) AS latest FROM ${LAST_LOGON_TABLE} t`,
    `  WHERE ${names} AND t.${C.time} >= ${dialect.placeholder(2)} GROUP BY t.${C.username}, t.${C.service}) g`,
    `ON l.${C.username} = g.username AND l.${C.service} = g.service AND l.${C.time} = g.latest`,
  ].join(' ');
}

function source(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>, pool: SqlPool, recordingSince: Date | null): LastLogonSource {
  const { dialect, where } = server;
  const cutoff = retentionCutoff(options);
  const query = latestQuery(dialect);
  return {
    where,
    retentionDays: options.retentionDays,
    recordingSince,
    async lastLogons(users) {
      try {
        return await latestLogons(users, BATCH, async (names) => {
          const rows = await pool.query<{ login: unknown; service: unknown; time: unknown; address: unknown }>(query, [dialect.listParam(names), cutoff]);
          return rows.map((row): LogonRow => ({ user: String(row.login), service: String(row.service), time: dialect.readInt(row.time), address: String(row.address ?? '') }));
        });
      } catch (error) {
        throw explainLastLogonError(error, dialect, where);
      }
    },
    close: () => pool.close(),
  };
}

/** When casctl set recording up (RECORDING_SINCE), read as the table is first touched: a missing table fails here. */
async function recordingSince(pool: SqlPool, dialect: SqlDialect): Promise<Date | null> {
  const [row] = await pool.query<{ time: unknown }>(
    `SELECT ${C.time} AS time FROM ${LAST_LOGON_TABLE} WHERE ${C.username} = ${dialect.placeholder(1)} AND ${C.service} = ${dialect.placeholder(2)}`,
    [RECORDING_SINCE.username, RECORDING_SINCE.service],
  );
  return row === undefined ? null : new Date(dialect.readInt(row.time) * 1000);
}

/**
 * Connects and makes sure the table is there: a StoreError that says how to set recording up
 * when the database or its table is missing, or, with `ifMissing: null`, null for a missing
 * table (a store's own database where nothing records logins).
 */
async function open(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>, ifMissing: 'error' | 'null'): Promise<LastLogonSource | null> {
  let pool: SqlPool | undefined;
  let since: Date | null;
  try {
    pool = await server.connect(true, options);
    since = await recordingSince(pool, server.dialect);
  } catch (error) {
    await pool?.close().catch(() => undefined);
    if (ifMissing === 'null' && server.dialect.classify(error) === 'noSuchTable') return null;
    throw explainLastLogonError(error, server.dialect, server.where);
  }
  return source(server, options, pool, since);
}

/** The logins recorded in a SQL server's database (its "lastLogons" URL). */
export async function openSqlLastLogons(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>): Promise<LastLogonSource> {
  return (await open(server, options, 'error')) as LastLogonSource;
}

/** The logins recorded beside a store in its own database, or null when it has no such table. */
export function sqlLastLogonsIfRecorded(server: SqlLastLogonServer, options: LastLogonOpenOptions<SqlConfigSection>): Promise<LastLogonSource | null> {
  return open(server, options, 'null');
}
