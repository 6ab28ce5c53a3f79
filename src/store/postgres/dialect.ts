import type { SqlSession } from '../sql/client.js';
import type { ParamType, SqlDialect, SqlErrorKind } from '../sql/dialect.js';

const CASTS: Readonly<Record<ParamType, string>> = { text: 'text', int: 'int', textList: 'text[]', intList: 'int[]' };

/** The writer lock: a transaction-level advisory lock, so it ends with the transaction whatever happens. */
const WRITER_LOCK = 'pg_try_advisory_xact_lock(1667330931, 1)';
const POLL_MS = 25;

/** SQLSTATE classes and codes (PostgreSQL's appendix A) casctl tells apart. */
const CODES: Readonly<Record<string, SqlErrorKind>> = {
  '23505': 'unique',
  '40P01': 'deadlock',
  '40001': 'serialization',
  '55P03': 'lockTimeout',
  '28P01': 'auth',
  '28000': 'auth',
  '25006': 'readOnly',
  '42501': 'readOnly',
  '42P01': 'noSuchTable',
  '42703': 'noSuchTable',
  '3D000': 'noSuchDatabase',
};

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

const code = (error: unknown): string | undefined => {
  const value = (error as { code?: unknown } | null)?.code;
  return typeof value === 'string' ? value : undefined;
};

/**
 * PostgreSQL: `$n` placeholders with casts where a list or an untyped value needs one, lists as
 * arrays (`= ANY($1::text[])`, `unnest`), case-insensitive text as lower() on both sides (the
 * schema indexes lower(column)), code point order through the "C" collation.
 */
export const postgresDialect: SqlDialect = {
  name: 'PostgreSQL',
  placeholder: (index, type) => (type === undefined ? `$${index}` : `$${index}::${CASTS[type]}`),
  listParam: (values) => values,
  inList: (expression, placeholder) => `${expression} = ANY(${placeholder})`,
  numbered: (values, alias) => `unnest(${values}) WITH ORDINALITY AS ${alias}(value, k)`,
  quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
  fold: (expression) => `lower(${expression})`,
  // Equality needs no collation (and so keeps the lower() index usable); order is code point order.
  compare: (folded, operator, operand) => (operator === '=' ? `${folded} = ${operand}` : `${folded} COLLATE "C" ${operator} ${operand}`),
  like: (folded, pattern) => `${folded} LIKE ${pattern} ESCAPE '\\'`,
  distinct: (a, b) => `(${a} IS DISTINCT FROM ${b})`,
  listAggregate: (value, orderBy) => `COALESCE(array_agg(${value} ORDER BY ${orderBy}), '{}')`,
  readList: (value) => (Array.isArray(value) ? value.map(String) : []),
  readInt: (value) => Number(value),
  upsert: (insert, key, assignments) => `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${assignments((column) => `excluded.${column}`)}`,
  updateJoin: (table, alias, source, on, assignments) =>
    `UPDATE ${table} AS ${alias} SET ${assignments.map(([column, value]) => `${column} = ${value}`).join(', ')} FROM ${source} WHERE ${on}`,
  begin: (readOnly) => (readOnly ? 'BEGIN READ ONLY' : 'BEGIN'),
  async lockWriters(session: SqlSession, waitMs: number): Promise<boolean> {
    const until = Date.now() + waitMs;
    for (;;) {
      const [row] = await session.query(`SELECT ${WRITER_LOCK} AS locked`);
      if (row?.locked === true) return true;
      if (Date.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  },
  unlockWriters: async () => undefined,
  classify(error) {
    const c = code(error);
    if (c === undefined) return null;
    if (NETWORK.has(c)) return 'refused';
    return CODES[c] ?? null;
  },
  violatedKey: (error) => {
    const constraint = (error as { constraint?: unknown } | null)?.constraint;
    return typeof constraint === 'string' ? constraint : null;
  },
};
