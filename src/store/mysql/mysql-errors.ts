import type { SqlErrorKind } from '../sql/dialect.js';

/** Server error numbers (include/mysqld_error.h, the same in MySQL and MariaDB) casctl acts on. */
const BY_ERRNO: Readonly<Record<number, SqlErrorKind>> = {
  1062: 'unique', // ER_DUP_ENTRY
  1586: 'unique', // ER_DUP_ENTRY_WITH_KEY_NAME
  1213: 'deadlock', // ER_LOCK_DEADLOCK
  1205: 'lockTimeout', // ER_LOCK_WAIT_TIMEOUT
  1044: 'auth', // ER_DBACCESS_DENIED_ERROR: the account may not use that database
  1045: 'auth', // ER_ACCESS_DENIED_ERROR: wrong user or password
  1698: 'auth', // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1142: 'readOnly', // ER_TABLEACCESS_DENIED_ERROR: e.g. UPDATE denied to a SELECT-only account
  1143: 'readOnly', // ER_COLUMNACCESS_DENIED_ERROR
  1792: 'readOnly', // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1290: 'readOnly', // ER_OPTION_PREVENTS_STATEMENT: the server runs --read-only
  1836: 'readOnly', // ER_READ_ONLY_MODE
  1146: 'noSuchTable', // ER_NO_SUCH_TABLE
  1054: 'noSuchTable', // ER_BAD_FIELD_ERROR: a column is missing, the schema is not casctl's
  1049: 'noSuchDatabase', // ER_BAD_DB_ERROR
};

/** The client's own codes for a server it cannot reach, or lost. */
const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOENT', // a socket path that does not exist
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** What a mysql2 error means to the SQL store, by the server's error number or the socket's code; null: nothing it knows. */
export function classifyMysqlError(error: unknown): SqlErrorKind | null {
  if (typeof error !== 'object' || error === null) return null;
  const { errno, code, sqlState } = error as { errno?: unknown; code?: unknown; sqlState?: unknown };
  // A server error has an SQLSTATE beside its number; a socket error carries the OS's errno and code.
  if (typeof errno === 'number' && typeof sqlState === 'string') return BY_ERRNO[errno] ?? null;
  if (typeof code === 'string' && REFUSED_CODES.has(code)) return 'refused';
  return null;
}

/** The unique key a duplicate-entry error names (`Duplicate entry 'x' for key 'mailboxes.guid'`); MySQL 8 prefixes the table. */
export function duplicateKey(error: unknown): string | null {
  if (classifyMysqlError(error) !== 'unique') return null;
  const key = /for key '([^']+)'$/.exec((error as Error).message)?.[1];
  return key === undefined ? null : (key.split('.').at(-1) ?? key);
}
