import { LAST_LOGON_TABLE } from '../last-logon-rows.js';
import type { LastLogonTableSql } from '../sql/create-last-logon-table.js';
import { postgresDialect } from './dialect.js';

/** The logins table on PostgreSQL: the SQLite table's columns, the time a BIGINT (seconds past 2038). */
export function postgresLastLogonTable(dovecotUser: string): LastLogonTableSql {
  return {
    create: `CREATE TABLE IF NOT EXISTS ${LAST_LOGON_TABLE} (
  username TEXT NOT NULL,
  service TEXT NOT NULL,
  client_address TEXT NOT NULL DEFAULT '',
  last_logon BIGINT NOT NULL,
  PRIMARY KEY (username, service, client_address)
)`,
    // Dovecot's upsert is INSERT ... ON CONFLICT DO UPDATE, which needs SELECT on the key beside INSERT and UPDATE.
    grant: `GRANT SELECT, INSERT, UPDATE ON ${LAST_LOGON_TABLE} TO ${postgresDialect.quote(dovecotUser)}`,
    casctlGrants: true,
  };
}
