import { existsSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../../core/errors.js';
import type { LastLogonSource } from '../../core/last-logons.js';
import { latestLogons, retentionCutoff, type LogonRow } from '../last-logon-rows.js';
import type { LastLogonOpenOptions } from '../store-driver.js';
import { LAST_LOGON_TABLE, RECORDING_SINCE } from '../sql/last-logon-table.js';
import { sqlitePath } from './path.js';
import { openReadOnly, type Db } from './read-only.js';

/** The table of every engine (sql/last-logon-table.ts), named here too for the SQLite store's callers. */
export { LAST_LOGON_TABLE };

/** The table as casctl creates it for Dovecot to write (Dovecot's dict creates no tables). */
export const LAST_LOGON_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${LAST_LOGON_TABLE} (
  username TEXT NOT NULL,
  service TEXT NOT NULL,
  client_address TEXT NOT NULL DEFAULT '',
  last_logon INTEGER NOT NULL,
  PRIMARY KEY (username, service, client_address)
) WITHOUT ROWID`;

/** Records when recording began, once: a later --write on the same database keeps the first time. */
export const RECORDING_SINCE_SQL = `INSERT OR IGNORE INTO ${LAST_LOGON_TABLE} (username, service, client_address, last_logon) VALUES ('${RECORDING_SINCE.username}', '${RECORDING_SINCE.service}', '${RECORDING_SINCE.clientAddress}', ?)`;

/** Names per query: SQLite's default limit on bound parameters is 32,766. */
const BATCH = 500;

/** The logins recorded in a SQLite file of their own, read without writing to it. */
export async function openSqliteLastLogons(url: string, options: LastLogonOpenOptions<unknown>): Promise<LastLogonSource> {
  const path = sqlitePath(url, options.cwd);
  if (!existsSync(path)) {
    throw new StoreError(`No logins are recorded in '${path}': the file does not exist. Create it and let Dovecot write it with casctl get-dovecotconfig --last-logons --write.`);
  }
  let db: Db;
  let since: { time: number } | undefined;
  try {
    db = openReadOnly(path, options.trace);
    since = db
      .prepare<[string, string], { time: number }>(`SELECT last_logon AS time FROM ${LAST_LOGON_TABLE} WHERE username = ? AND service = ?`)
      .get(RECORDING_SINCE.username, RECORDING_SINCE.service);
  } catch (error) {
    throw new StoreError(`Cannot read the recorded logins in '${path}': ${(error as Error).message}.`);
  }
  const cutoff = retentionCutoff(options);
  const statements = new Map<number, Statement<unknown[], LogonRow>>();
  const statement = (count: number): Statement<unknown[], LogonRow> => {
    let prepared = statements.get(count);
    if (prepared === undefined) {
      // The bare client_address beside max() is SQLite's documented pick: the row holding the maximum.
      prepared = db.prepare<unknown[], LogonRow>(
        `SELECT username AS user, service, max(last_logon) AS time, client_address AS address FROM ${LAST_LOGON_TABLE}` +
          ` WHERE username IN (${Array.from({ length: count }, () => '?').join(',')}) AND last_logon >= ? GROUP BY username, service`,
      );
      statements.set(count, prepared);
    }
    return prepared;
  };
  return {
    where: path,
    retentionDays: options.retentionDays,
    recordingSince: since === undefined ? null : new Date(since.time * 1000),
    async lastLogons(users) {
      return latestLogons(users, BATCH, async (names) => statement(names.length).all(...names, cutoff));
    },
    async close() {
      db.close();
    },
  };
}
