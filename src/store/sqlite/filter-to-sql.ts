import { fold, isAscii } from '../../core/mailbox.js';
import { operandText, positiveOperator, type ComparisonNode, type FilterAst } from '../../filter/index.js';
import { checkFilterLimits } from '../sql/filter-limits.js';
import { likePattern } from '../sql/like-pattern.js';
import { propertyColumn } from './property-columns.js';

export interface SqlFilter {
  /** A boolean expression over the `mailboxes` row aliased `m`; never NULL. */
  where: string;
  /** Values for the `?` placeholders of `where`, in order. */
  params: (string | number)[];
}

/**
 * Compiles a filter to a SQLite WHERE fragment. User text only ever travels as a bound
 * parameter; the SQL text is made of the store's column expressions (property-columns.ts)
 * and fixed keywords. A filter beyond SQLite's limits is a UsageError located like a parse error.
 *
 * Two-valued logic (filter/ast.ts) is kept by making every comparison fragment TRUE or FALSE, never
 * NULL (`expr IS NOT NULL AND ...`, `m.id IN (...)`), so `NOT` is exact. Where it can, the fragment
 * stays a plain `column op ?` under NOCASE so that SQLite uses the column's index.
 *
 * Needs the connection to have `casctl_fold` (fold() as a SQL function) and
 * `PRAGMA case_sensitive_like` off, the default.
 */
export function filterToSql(ast: FilterAst): SqlFilter {
  checkFilterLimits(ast);
  const params: (string | number)[] = [];
  const where = compile(ast, params);
  return { where, params };
}

function compile(ast: FilterAst, params: (string | number)[]): string {
  switch (ast.kind) {
    case 'and':
      return balanced(
        ast.operands.map((operand) => compile(operand, params)),
        'AND',
      );
    case 'or':
      return balanced(
        ast.operands.map((operand) => compile(operand, params)),
        'OR',
      );
    case 'not':
      return `NOT ${compile(ast.operand, params)}`;
    case 'comparison':
      return compileComparison(ast, params);
  }
}

/**
 * `a AND b AND c ...` parses in SQLite as a left-deep tree and a long chain hits its expression
 * depth limit (1000); pairing operands keeps the depth logarithmic.
 */
function balanced(parts: string[], connective: 'AND' | 'OR'): string {
  if (parts.length === 1) return parts[0] as string;
  const middle = Math.ceil(parts.length / 2);
  return `(${balanced(parts.slice(0, middle), connective)} ${connective} ${balanced(parts.slice(middle), connective)})`;
}

function compileComparison(node: ComparisonNode, params: (string | number)[]): string {
  const { operator, negated } = positiveOperator(node.operator);
  const positive = positiveComparison(node, operator, params);
  return negated ? `NOT ${positive}` : positive;
}

type PositiveOperator = ReturnType<typeof positiveOperator>['operator'];

function positiveComparison(node: ComparisonNode, operator: PositiveOperator, params: (string | number)[]): string {
  const { property, value } = node;
  const sql = propertyColumn(property.name);

  if ('table' in sql) {
    // Multi-valued: one row per value, keyed by mailbox_id; ANY value matching. Written as
    // `m.id IN (...)` rather than a correlated EXISTS, which is the same set (mailbox_id is
    // NOT NULL, so IN never yields NULL) but lets SQLite start from the value's index
    // instead of probing every mailbox.
    const column = `e.${sql.column}`;
    const values = `SELECT e.mailbox_id FROM ${sql.table} e WHERE ${column} <> ''`;
    if (value.type === 'null') return `m.id NOT IN (${values})`;
    // The parser only lets text reach a multi-valued (string) property.
    if (value.type === 'boolean') return '0';
    return `m.id IN (${values} AND ${textComparison(column, operator, operandText(value), params)})`;
  }

  const expression = sql.expression;
  if (value.type === 'null') {
    return property.type === 'boolean' ? `(${expression} IS NULL)` : `(${expression} IS NULL OR ${expression} = '')`;
  }
  if (value.type === 'boolean') {
    params.push(value.value ? 1 : 0);
    return `COALESCE(${expression} = ?, 0)`;
  }
  const literal = operandText(value);
  if (property.type === 'date') {
    // ISO text on both sides; BINARY order is chronological order.
    params.push(literal);
    const symbol = operator === 'eq' || operator === 'like' ? '=' : SYMBOLS[operator];
    return `(${expression} IS NOT NULL AND ${expression} <> '' AND ${expression} ${symbol} ?)`;
  }
  return `(${expression} IS NOT NULL AND ${expression} <> '' AND ${textComparison(expression, operator, literal, params)})`;
}

const SYMBOLS = { lt: '<', gt: '>', le: '<=', ge: '>=' } as const;

/**
 * A case-insensitive comparison of a (present) text expression with a literal. SQLite's NOCASE
 * and LIKE fold ASCII only, which equals fold() when the literal is ASCII (see filter/ast.ts for the
 * two exotic exceptions) and keeps indexes usable; other literals compare folded on both sides.
 */
function textComparison(expression: string, operator: PositiveOperator, literal: string, params: (string | number)[]): string {
  const ascii = isAscii(literal);
  const left = ascii ? expression : `casctl_fold(${expression})`;
  const operand = ascii ? literal : fold(literal);
  // An explicit COLLATE on the operand wins over the column's, and makes a constant
  // expression (RecipientType) compare case-insensitively too. fold()ed text needs BINARY.
  const collate = ascii ? ' COLLATE NOCASE' : '';
  if (operator === 'like') {
    params.push(likePattern(operand));
    return `${left} LIKE ? ESCAPE '\\'`;
  }
  params.push(operand);
  const symbol = operator === 'eq' ? '=' : SYMBOLS[operator];
  return `${left} ${symbol} ?${collate}`;
}
