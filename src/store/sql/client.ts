/**
 * What the SQL store needs of a database client (pg, mysql2): statements with bound parameters
 * on a pool of connections, and a connection of its own for a transaction. Rows come back as
 * objects keyed by the select list's aliases.
 */

/** A bound parameter: lists travel as the dialect encodes them (SqlDialect.listParam). */
export type SqlValue = string | number | null | readonly string[] | readonly number[];

export type SqlRow = Record<string, unknown>;

export interface SqlSession {
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** How many rows the statement changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Inserts one row and returns the id the database generated for its `id` column. */
  insertId(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** A connection taken from the pool: one transaction runs on it, then it goes back. */
export interface SqlConnection extends SqlSession {
  /** `broken`: the connection is in an unknown state (a failed ROLLBACK), so it is closed rather than reused. */
  release(broken?: boolean): void;
}

export interface SqlPool extends SqlSession {
  connect(): Promise<SqlConnection>;
  close(): Promise<void>;
}
