import { CUSTOM_ATTRIBUTE_NUMBERS, fold } from '../../core/mailbox.js';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS } from '../../core/protocols.js';
import { operandText, positiveOperator, type ComparisonNode, type FilterAst } from '../../filter/index.js';
import { checkFilterLimits } from './filter-limits.js';
import type { SqlLayout } from './layout.js';
import { likePattern } from './like-pattern.js';
import type { TextField } from './mailbox-schema.js';
import type { Params } from './params.js';

/** Where a filterable property lives: an SQL expression over `m`, or a table of one value per row keyed by the mailbox id. */
type PropertySql = { expression: string } | { table: string; column: string; mailboxId: string };

function propertySql(layout: SqlLayout, name: string): PropertySql {
  const { mailboxes, addresses } = layout.schema;
  if (name in mailboxes.text) return { expression: layout.m(mailboxes.text[name as TextField]) };
  if (name === 'EmailAddresses') return { table: layout.q(addresses.table), column: layout.q(addresses.address), mailboxId: layout.q(addresses.mailboxId) };
  const custom = /^CustomAttribute(\d+)$/.exec(name);
  if (custom !== null && CUSTOM_ATTRIBUTE_NUMBERS.includes(Number(custom[1]))) {
    return { expression: layout.m(mailboxes.customAttributes[Number(custom[1]) - 1] as string) };
  }
  // Every mailbox is a UserMailbox recipient (core/properties.ts): a constant, no column.
  if (name === 'RecipientType') return { expression: `'UserMailbox'` };
  const protocol = PROTOCOLS.find((p) => p.property === name);
  // The Administrator reads as disabled whatever is stored; a nullable setting is NULL when it follows the organisation.
  if (protocol !== undefined) return { expression: layout.settingValue(protocol) };
  const defaults = USE_DEFAULTS_PROTOCOLS.find((p) => p.useDefaultsProperty === name);
  if (defaults !== undefined) return { expression: layout.m(mailboxes.useDefaults[defaults.name]) };
  if (name === 'WhenCreated') return { expression: layout.m(mailboxes.whenCreated) };
  if (name === 'WhenChanged') return { expression: layout.m(mailboxes.whenChanged) };
  throw new Error(`The SQL store has no column for the property '${name}'.`);
}

/**
 * Compiles a filter to an SQL boolean over the mailbox row `m`, user text only ever as bound
 * parameters. As on SQLite (sqlite/filter-to-sql.ts), two-valued logic is kept by making every
 * comparison TRUE or FALSE, never NULL, so `NOT` is exact; text compares folded on both sides
 * (the dialect's fold, the literal through fold()), which is case-insensitive on every engine.
 */
export function filterToSql(layout: SqlLayout, ast: FilterAst, params: Params): string {
  checkFilterLimits(ast);
  return compile(layout, ast, params);
}

function compile(layout: SqlLayout, ast: FilterAst, params: Params): string {
  switch (ast.kind) {
    case 'and':
    case 'or':
      return `(${ast.operands.map((operand) => compile(layout, operand, params)).join(ast.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${compile(layout, ast.operand, params)})`;
    case 'comparison': {
      const { operator, negated } = positiveOperator(ast.operator);
      const positive = comparison(layout, ast, operator, params);
      return negated ? `(NOT ${positive})` : positive;
    }
  }
}

type PositiveOperator = ReturnType<typeof positiveOperator>['operator'];

const SYMBOLS = { eq: '=', lt: '<', gt: '>', le: '<=', ge: '>=' } as const;

function comparison(layout: SqlLayout, node: ComparisonNode, operator: PositiveOperator, params: Params): string {
  const { property, value } = node;
  const sql = propertySql(layout, property.name);
  if ('table' in sql) {
    const values = `SELECT e.${sql.mailboxId} FROM ${sql.table} e WHERE e.${sql.column} <> ''`;
    if (value.type === 'null') return `(${layout.id} NOT IN (${values}))`;
    // The parser only lets text reach a multi-valued (string) property.
    if (value.type === 'boolean') return '(1 = 0)';
    return `(${layout.id} IN (${values} AND ${text(layout, `e.${sql.column}`, operator, operandText(value), params)}))`;
  }
  const expression = sql.expression;
  if (value.type === 'null') {
    return property.type === 'boolean' ? `(${expression} IS NULL)` : `(${expression} IS NULL OR ${expression} = '')`;
  }
  if (value.type === 'boolean') return `COALESCE(${expression} = ${params.add(value.value ? 1 : 0, 'int')}, FALSE)`;
  const literal = operandText(value);
  if (property.type === 'date') {
    // ISO text on both sides: code point order is chronological order.
    const symbol = operator === 'like' ? '=' : SYMBOLS[operator];
    return `(${expression} IS NOT NULL AND ${expression} <> '' AND ${layout.dialect.compare(expression, symbol, params.add(literal, 'text'))})`;
  }
  return `(${expression} IS NOT NULL AND ${expression} <> '' AND ${text(layout, expression, operator, literal, params)})`;
}

function text(layout: SqlLayout, expression: string, operator: PositiveOperator, literal: string, params: Params): string {
  const folded = layout.dialect.fold(expression);
  if (operator === 'like') return layout.dialect.like(folded, params.add(likePattern(fold(literal)), 'text'));
  return layout.dialect.compare(folded, SYMBOLS[operator], params.add(fold(literal), 'text'));
}
