import { MAILBOX_FIELDS, type Mailbox, type MailboxField } from '../../core/mailbox.js';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS, isNullable, type UseDefaultsName } from '../../core/protocols.js';
import type { SqlRow } from './client.js';
import type { SqlLayout } from './layout.js';
import { TEXT_FIELDS, type TextField } from './mailbox-schema.js';

/** The row id's alias in every mailbox select list. */
const ID = '_id';

const flag = (value: unknown): boolean => Number(value) === 1;
const nullableFlag = (value: unknown): boolean | null => (value === null ? null : Number(value) === 1);

/** How to read some fields of mailboxes over `m`: the select list (the row id first) and the row → object conversion. */
export interface Projection<F extends MailboxField> {
  readonly select: string;
  toMailbox(row: SqlRow): Pick<Mailbox, F>;
}

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
  return {
    select: items.join(', '),
    toMailbox(row) {
      const mailbox: Partial<Record<MailboxField, unknown>> = {};
      for (const [field, s] of sources) mailbox[field] = s.read(row);
      return mailbox as Pick<Mailbox, F>;
    },
  };
}

/** Every field, for reads that do not narrow them. */
export const fullProjection = (layout: SqlLayout): Projection<MailboxField> => projection(layout, MAILBOX_FIELDS);

