import type { LastLogonTableSql } from '../sql/create-last-logon-table.js';
import { LAST_LOGON_COLUMNS as C, LAST_LOGON_TABLE } from '../sql/last-logon-table.js';
import { postgresDialect } from './dialect.js';

/** The logins table on PostgreSQL: the SQLite table's columns, the time a BIGINT (seconds past 2038). */
export function postgresLastLogonTable(dovecotUser: string): LastLogonTableSql {
  return {
    create: `CREATE TABLE IF NOT EXISTS ${LAST_LOGON_TABLE} (
  ${C.username} TEXT NOT NULL,
  ${C.service} TEXT NOT NULL,
  ${C.clientAddress} TEXT NOT NULL DEFAULT '',
  ${C.time} BIGINT NOT NULL,
  PRIMARY KEY (${C.username}, ${C.service}, ${C.clientAddress})
)`,
    // Dovecot's upsert is INSERT ... ON CONFLICT DO UPDATE, which needs SELECT on the key beside INSERT and UPDATE.
    grant: `GRANT SELECT, INSERT, UPDATE ON ${LAST_LOGON_TABLE} TO ${postgresDialect.quote(dovecotUser)}`,
    casctlGrants: true,
  };
}

/** PostgreSQL's DELETE takes no LIMIT: the rows by their physical address, a batch at a time. */
export const postgresPruneBatch = (limit: number): string =>
  `DELETE FROM ${LAST_LOGON_TABLE} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${LAST_LOGON_TABLE} WHERE ${C.time} < $1 LIMIT ${limit}))`;

/** A standby (in recovery), or a database whose transactions are read-only by default. */
export const POSTGRES_READ_ONLY_QUERY = "SELECT (pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on') AS ro";
