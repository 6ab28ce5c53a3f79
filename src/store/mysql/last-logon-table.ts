import type { LastLogonTableSql } from '../sql/create-last-logon-table.js';
import { LAST_LOGON_COLUMNS as C, LAST_LOGON_TABLE } from '../sql/last-logon-table.js';

const quoteName = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
const quoteText = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * The logins table on MariaDB/MySQL. Binary text, as the other engines compare: a spelling of a
 * user is a key of its own, as Dovecot wrote it. The widths hold an address (254), a service
 * name and an IPv6 address, within InnoDB's 3,072 bytes per key in utf8mb4.
 */
export function mysqlLastLogonTable(database: string, dovecotUser: string): LastLogonTableSql {
  return {
    create: `CREATE TABLE IF NOT EXISTS ${LAST_LOGON_TABLE} (
  ${C.username} VARCHAR(255) NOT NULL,
  ${C.service} VARCHAR(32) NOT NULL,
  ${C.clientAddress} VARCHAR(64) NOT NULL DEFAULT '',
  ${C.time} BIGINT NOT NULL,
  PRIMARY KEY (${C.username}, ${C.service}, ${C.clientAddress})
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    // '%': any host; the admin names the mail servers' hosts instead where Dovecot's account is bound to them.
    grant: `GRANT SELECT, INSERT, UPDATE ON ${quoteName(database)}.${LAST_LOGON_TABLE} TO ${quoteText(dovecotUser)}@'%'`,
    casctlGrants: false,
  };
}

/** MySQL's and MariaDB's DELETE takes a LIMIT (and no LIMIT in an IN subquery). */
export const mysqlPruneBatch = (limit: number): string => `DELETE FROM ${LAST_LOGON_TABLE} WHERE ${C.time} < ? LIMIT ${limit}`;

/** A replica set read-only, as replicas are (read_only also covers super_read_only). */
export const MYSQL_READ_ONLY_QUERY = 'SELECT @@global.read_only = 1 AS ro';
