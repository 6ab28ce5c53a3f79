import type { SqlSession, SqlValue } from './client.js';

/** How a parameter is typed where the engine cannot infer it (PostgreSQL's `$1::text[]`). */
export type ParamType = 'text' | 'int' | 'textList' | 'intList';

/** What a database error means to casctl, whatever the engine's codes. */
export type SqlErrorKind =
  | 'unique'
  | 'deadlock'
  | 'serialization'
  | 'lockTimeout'
  | 'refused'
  | 'auth'
  | 'readOnly'
  | 'noSuchTable'
  | 'noSuchDatabase';

/**
 * What differs between SQL servers, and nothing else: the SQL store (sql-store.ts) builds every
 * statement through it. Text comparisons: every expression handed to `compare` and `like` is
 * already folded with `fold`, and the operand is fold()ed text (core/mailbox.ts), so equality is
 * exact whatever the column's collation; `compare` orders by code point as SQLite's BINARY does.
 */
export interface SqlDialect {
  /** For messages: `PostgreSQL`, `MariaDB`. */
  readonly name: string;
  /** The n-th (1-based) placeholder: `$1`, `?`. */
  placeholder(index: number, type?: ParamType): string;
  /** A list as a parameter: an array (pg), JSON text (mysql2). */
  listParam(values: readonly string[] | readonly number[]): SqlValue;
  /** `expression` is one of the list in `placeholder`. */
  inList(expression: string, placeholder: string, type: 'textList' | 'intList'): string;
  /** A table `alias(value, k)` of a text list's values and their 1-based positions. */
  numbered(values: string, alias: string): string;
  quote(identifier: string): string;
  /** The case-folded text of an expression (lower-case, Unicode-aware). */
  fold(expression: string): string;
  /** A folded expression against a folded operand, in code point order. */
  compare(folded: string, operator: '=' | '<' | '>' | '<=' | '>=', operand: string): string;
  /** A folded expression LIKE a pattern (likePattern's escapes: backslash). */
  like(folded: string, pattern: string): string;
  /** a and b differ, NULL being a value of its own. */
  distinct(a: string, b: string): string;
  /** A scalar subquery's aggregate of text values in order, read back by readList. */
  listAggregate(value: string, orderBy: string): string;
  readList(value: unknown): string[];
  /** An integer column as read: some drivers return 64-bit counts as text. */
  readInt(value: unknown): number;
  /** `INSERT ... ` with, on a key conflict, `assignments` (given how to name the inserted value of a column). */
  upsert(insert: string, key: readonly string[], assignments: (inserted: (column: string) => string) => string): string;
  /**
   * `UPDATE table AS alias` joined to the rows of `source` where `on` holds, setting each
   * (unqualified, quoted) column to its value. Only `source` may hold placeholders: engines put
   * it before or after the assignments.
   */
  updateJoin(table: string, alias: string, source: string, on: string, assignments: readonly (readonly [column: string, value: string])[]): string;
  begin(readOnly: boolean): string;
  /**
   * Takes the store's writer lock for the current transaction, waiting at most `waitMs`: false
   * when another writer still holds it. Every change holds it, so change ids are handed out in
   * commit order and a compare-and-set reads what the previous writer committed.
   */
  lockWriters(session: SqlSession, waitMs: number): Promise<boolean>;
  /** Releases it, where the lock outlives the transaction (MariaDB's GET_LOCK); after COMMIT or ROLLBACK. */
  unlockWriters(session: SqlSession): Promise<void>;
  classify(error: unknown): SqlErrorKind | null;
  /** The constraint or index a unique violation names, when the error says. */
  violatedKey(error: unknown): string | null;
}
