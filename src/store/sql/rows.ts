import { MAILBOX_FIELDS, fold, type Mailbox, type MailboxField } from '../../core/mailbox.js';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS, isNullable, type UseDefaultsName } from '../../core/protocols.js';
import type { SqlRow, SqlSession } from './client.js';
import type { FoldedIndex } from './folded-index.js';
import { Params } from './params.js';
import type { SqlLayout } from './layout.js';
import { TEXT_FIELDS, type TextField } from './mailbox-schema.js';

/** The row id's alias in every mailbox select list. */
const ID = '_id';

const flag = (value: unknown): boolean => Number(value) === 1;
const nullableFlag = (value: unknown): boolean | null => (value === null ? null : Number(value) === 1);

/** How to read some fields of mailboxes over `m`: the select list (the row id first) and the row → object conversion. */
export interface Projection<F extends MailboxField> {
  readonly select: string;
  /** Reads what the select list leaves to a query of its own (a mapped schema's addresses), into the rows; before toMailbox. */
  complete(session: SqlSession, rows: SqlRow[], folded?: FoldedIndex): Promise<void>;
  toMailbox(row: SqlRow): Pick<Mailbox, F>;
}

/** The primary address's alias in the select list, where the addresses are read apart. */
const PRIMARY = '_primary';

/** A mailbox id as the store's keyset pages and history use it: an integer, or the admin's text key. */
export type RowId = number | string;

export const rowId = (layout: SqlLayout, row: SqlRow): RowId => readId(layout, row[ID]);

export const readId = (layout: SqlLayout, value: unknown): RowId => (layout.schema.mailboxes.idType === 'int' ? layout.dialect.readInt(value) : String(value));

/** Ids in the store's order: numbers by value, text by code point. */
export const byId = (a: RowId, b: RowId): number => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/** What each field is in SQL, and how its value reads back. */
function source(layout: SqlLayout, field: MailboxField): { items: [string, string][]; read: (row: SqlRow) => unknown } {
  const { dialect, schema } = layout;
  if ((TEXT_FIELDS as readonly string[]).includes(field)) {
    return { items: [[layout.text(field as TextField), field]], read: (row) => row[field] ?? null };
  }
  if (field === 'EmailAddresses' && !schema.addresses.holdsPrimary) {
    // Filled in by addressesApart: a per-row subquery would scan an unindexed alias table once a row.
    return { items: [[layout.text('PrimarySmtpAddress'), PRIMARY]], read: (row) => row[field] };
  }
  if (field === 'EmailAddresses') {
    const { mailboxId, address, position } = layout.addressColumns;
    const list = dialect.listAggregate(`e.${dialect.quote(address)}`, `e.${dialect.quote(position)}`);
    return {
      items: [[`(SELECT ${list} FROM ${layout.addresses} e WHERE e.${layout.q(mailboxId)} = ${layout.id})`, field]],
      read: (row) => dialect.readList(row[field]),
    };
  }
  if (field === 'CustomAttributes') {
    const names = schema.mailboxes.customAttributes.map((_, i) => `CustomAttribute${i + 1}`);
    return {
      items: schema.mailboxes.customAttributes.map((column, i) => [layout.m(column), names[i] as string]),
      read: (row) => names.map((name) => (row[name] ?? null) as string | null),
    };
  }
  if (field === 'IsAdministrator') return { items: [[`(CASE WHEN ${layout.administratorCondition()} THEN 1 ELSE 0 END)`, field]], read: (row) => flag(row[field]) };
  if (field === 'WhenCreated' || field === 'WhenChanged') {
    return { items: [[layout.when(field), field]], read: (row) => row[field] };
  }
  const protocol = PROTOCOLS.find((p) => p.property === field);
  if (protocol !== undefined) {
    return { items: [[layout.settingValue(protocol), field]], read: (row) => (isNullable(protocol) ? nullableFlag(row[field]) : flag(row[field])) };
  }
  const defaults = USE_DEFAULTS_PROTOCOLS.find((p) => p.useDefaultsProperty === (field as UseDefaultsName));
  if (defaults !== undefined) {
    const column = schema.mailboxes.useDefaults[defaults.name];
    // Exchange's default; a schema without the column never holds another value.
    return { items: [[column === undefined ? '1' : layout.m(column), field]], read: (row) => flag(row[field]) };
  }
  throw new Error(`The SQL store has no column for the mailbox field '${field}'.`);
}

export function projection<F extends MailboxField>(layout: SqlLayout, fields: readonly F[]): Projection<F> {
  const sources = [...new Set(fields)].map((field) => [field, source(layout, field)] as const);
  const items = [`${layout.id} AS ${layout.q(ID)}`, ...sources.flatMap(([, s]) => s.items.map(([sql, alias]) => `${sql} AS ${layout.q(alias)}`))];
  const apart = fields.includes('EmailAddresses' as F) && !layout.schema.addresses.holdsPrimary;
  return {
    select: items.join(', '),
    complete: (session, rows, folded) => (apart ? addressesApart(session, layout, rows, folded) : Promise.resolve()),
    toMailbox(row) {
      const mailbox: Partial<Record<MailboxField, unknown>> = {};
      for (const [field, s] of sources) mailbox[field] = s.read(row);
      return mailbox as Pick<Mailbox, F>;
    },
  };
}

/** Every field, for reads that do not narrow them. */
export const fullProjection = (layout: SqlLayout): Projection<MailboxField> => projection(layout, MAILBOX_FIELDS);


/** Rows' keys per statement of addressesApart. */
const KEYS_PER_READ = 1000;

/**
 * A mapped schema's addresses (its primary one, then the alias table's rows of it in order), read
 * for many rows at once: from the store's folded index (the alias table read once), else one
 * statement per thousand rows, whatever indexes the admin's table has.
 */
async function addressesApart(session: SqlSession, layout: SqlLayout, rows: SqlRow[], folded: FoldedIndex | undefined): Promise<void> {
  const { table, mailboxId, address, position, only } = layout.schema.addresses;
  const byKey = folded === undefined ? new Map<string, string[]>() : await folded.aliasesByMailbox(session);
  for (let i = 0; folded === undefined && i < rows.length; i += KEYS_PER_READ) {
    const keys = rows.slice(i, i + KEYS_PER_READ).map((row) => rowId(layout, row));
    const p = new Params(layout.dialect);
    const found = await session.query(
      `SELECT a.${layout.q(mailboxId)} AS k, a.${layout.q(address)} AS v FROM ${layout.q(table)} a
       WHERE ${p.in(`a.${layout.q(mailboxId)}`, keys as string[] | number[], layout.idListParam)}${only === null ? '' : ` AND a.${layout.q(only.column)} = ${Number(only.value)}`}
       ${position === null ? '' : `ORDER BY a.${layout.q(position)}`}`,
      p.values,
    );
    for (const row of found) {
      const key = fold(String(row.k));
      byKey.set(key, [...(byKey.get(key) ?? []), String(row.v)]);
    }
  }
  for (const row of rows) {
    const primary = row[PRIMARY];
    row.EmailAddresses = [...(typeof primary === 'string' && primary !== '' ? [primary] : []), ...(byKey.get(fold(String(rowId(layout, row)))) ?? [])];
  }
}
