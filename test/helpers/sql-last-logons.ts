import type { Connection } from 'mysql2/promise';
import type pg from 'pg';
import type { RecordedLogon } from './last-logons.js';

const COLUMNS = '(username, service, client_address, last_logon)';
const ROWS_PER_STATEMENT = 500;

type Values = [string, string, string, number];
const values = (logon: RecordedLogon): Values => [logon.user, logon.service, logon.clientAddress ?? '', Math.floor(logon.time.getTime() / 1000)];

/** Runs `insert` on chunks of rows, each handed its rows' values flattened. */
async function chunked(logons: readonly RecordedLogon[], insert: (rows: Values[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < logons.length; start += ROWS_PER_STATEMENT) await insert(logons.slice(start, start + ROWS_PER_STATEMENT).map(values));
}

/**
 * Writes logins into a PostgreSQL last_logon table (made by casctl) as Dovecot's dict does: an
 * upsert on the whole key, the later write winning. A key twice in one call: give them in order, one call each.
 */
export async function recordLogonsPostgres(client: pg.Client, logons: readonly RecordedLogon[]): Promise<void> {
  await chunked(logons, (rows) =>
    client.query(
      `INSERT INTO last_logon ${COLUMNS} VALUES ${rows.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`).join(', ')}` +
        ' ON CONFLICT (username, service, client_address) DO UPDATE SET last_logon = excluded.last_logon',
      rows.flat(),
    ),
  );
}

/** The same on MariaDB/MySQL: Dovecot's ON DUPLICATE KEY UPDATE. */
export async function recordLogonsMysql(connection: Connection, logons: readonly RecordedLogon[]): Promise<void> {
  await chunked(logons, (rows) =>
    connection.query(`INSERT INTO last_logon ${COLUMNS} VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')} ON DUPLICATE KEY UPDATE last_logon = VALUES(last_logon)`, rows.flat()),
  );
}
