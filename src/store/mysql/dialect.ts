import { createHash } from 'node:crypto';
import type { SqlSession } from '../sql/client.js';
import type { SqlDialect } from '../sql/dialect.js';
import { classifyMysqlError, duplicateKey } from './mysql-errors.js';

/** Which server answered: the two differ in the names of their collations. */
export type MysqlFlavor = 'MariaDB' | 'MySQL';

/**
 * Code point order, trailing spaces significant (NO PAD): SQLite's BINARY, what the SQL store's
 * folded comparisons need. MariaDB's utf8mb4_bin pads, so 'a ' would equal 'a'.
 */
export function binaryCollation(flavor: MysqlFlavor): string {
  return flavor === 'MariaDB' ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
}

/**
 * The collation of casctl's case-insensitive text columns: Unicode-aware and NO PAD. It also
 * ignores accents ('josé' = 'jose'), so no unique key and no lookup relies on it: those compare
 * folded values (a column's stored twin, schema.ts, else LOWER()) under the binary collation.
 */
export function caseInsensitiveCollation(flavor: MysqlFlavor): string {
  return flavor === 'MariaDB' ? 'utf8mb4_unicode_520_nopad_ci' : 'utf8mb4_0900_ai_ci';
}

/** A GET_LOCK name for one of casctl's locks on a database: names are server-wide and at most 64 characters, so a long database name is hashed. */
export function lockName(purpose: 'writers' | 'init', database: string): string {
  const name = `casctl-${purpose}:${database}`;
  return name.length <= 64 ? name : `casctl-${purpose}:${createHash('sha256').update(database).digest('hex').slice(0, 40)}`;
}

/** `alias.column` or ``alias.`column` ``: a column the fold may read from its twin. */
const COLUMN = /^(\w+)\.(?:`(\w+)`|(\w+))$/;

/**
 * The dialect of a MySQL or MariaDB store. `foldedColumns` names the columns that have a stored,
 * indexed twin `<column>_folded` (schema.ts) in every table that has them: folding such a column
 * reads the twin, so a lookup uses its index; on a schema without twins (an admin's own), none.
 */
export function mysqlDialect(flavor: MysqlFlavor, database: string, foldedColumns: ReadonlySet<string>): SqlDialect {
  const binary = binaryCollation(flavor);
  const text = `VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE ${binary}`;
  const quote = (identifier: string): string => `\`${identifier.replace(/`/g, '``')}\``;
  const lock = lockName('writers', database);
  return {
    name: flavor,
    placeholder: () => '?',
    // An array: mysql2 expands it into a list of escaped literals, which the optimizer reads as
    // an index range (also under OR, by index merge), where a JSON_TABLE subquery is evaluated per
    // row. An empty list (an import's rows without a Guid) becomes '', which no key equals.
    listParam: (values) => (values.length === 0 ? [''] : values),
    // A column keeps its own collation, and so its index (a twin is binary already; the store
    // names a raw column only with values as stored); a computed value compares binary, exactly.
    inList: (expression, placeholder, type) =>
      type === 'intList' || COLUMN.test(expression) ? `${expression} IN (${placeholder})` : `${expression} COLLATE ${binary} IN (${placeholder})`,
    numbered: (values, alias) => `JSON_TABLE(JSON_ARRAY(${values}), '$[*]' COLUMNS (k FOR ORDINALITY, value ${text} PATH '$')) ${alias}`,
    quote,
    fold: (expression) => {
      const column = COLUMN.exec(expression);
      const name = column?.[2] ?? column?.[3];
      return column !== null && name !== undefined && foldedColumns.has(name) ? `${column[1] ?? ''}.${quote(`${name}_folded`)}` : `LOWER(${expression})`;
    },
    compare: (folded, operator, operand) => `${folded} COLLATE ${binary} ${operator} ${operand}`,
    like: (folded, pattern) => `${folded} COLLATE ${binary} LIKE ${pattern} ESCAPE '\\\\'`,
    distinct: (a, b) => `NOT (${a} <=> ${b})`,
    // Not JSON_ARRAYAGG: MySQL's takes no ORDER BY. The session's group_concat_max_len is raised for it (client.ts).
    listAggregate: (value, orderBy) => `CONCAT('[', GROUP_CONCAT(JSON_QUOTE(${value}) ORDER BY ${orderBy} SEPARATOR ','), ']')`,
    readList: (value) => (value === null || value === undefined ? [] : (JSON.parse(String(value)) as string[])),
    readInt: (value) => {
      const number = typeof value === 'number' ? value : Number(value);
      if (!Number.isSafeInteger(number)) throw new Error(`${flavor} returned ${String(value)} where casctl expects an integer.`);
      return number;
    },
    // The source (and its placeholders) comes before SET; a column is qualified, as the join makes names ambiguous.
    updateJoin: (table, alias, source, on, assignments) =>
      `UPDATE ${table} AS ${alias} JOIN ${source} ON ${on} SET ${assignments.map(([column, value]) => `${alias}.${column} = ${value}`).join(', ')}`,
    upsert: (insert, _key, assignments) => `${insert} ON DUPLICATE KEY UPDATE ${assignments((column) => `VALUES(${quote(column)})`)}`,
    // Without READ WRITE: a session opened read-only (SET SESSION TRANSACTION READ ONLY) stays so.
    begin: (readOnly) => (readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION'),
    async lockWriters(session: SqlSession, waitMs: number) {
      const [row] = await session.query<{ got: unknown }>('SELECT GET_LOCK(?, ?) AS got', [lock, waitMs / 1000]);
      return Number(row?.got) === 1;
    },
    async unlockWriters(session: SqlSession) {
      await session.query('SELECT RELEASE_LOCK(?) AS released', [lock]);
    },
    classify: classifyMysqlError,
    violatedKey: duplicateKey,
  };
}
