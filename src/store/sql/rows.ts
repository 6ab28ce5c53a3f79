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

export const rowId = (layout: SqlLayout, row: SqlRow): number => layout.dialect.readInt(row[ID]);

/** What each field is in SQL, and how its value reads back. */
function source(layout: SqlLayout, field: MailboxField): { items: [string, string][]; read: (row: SqlRow) => unknown } {
  const { dialect, schema } = layout;
  if ((TEXT_FIELDS as readonly string[]).includes(field)) {
    const column = layout.m(schema.mailboxes.text[field as TextField]);
    return { items: [[column, field]], read: (row) => row[field] };
  }
  if (field === 'EmailAddresses') {
    const { table, mailboxId, address, position } = schema.addresses;
    const list = dialect.listAggregate(`e.${dialect.quote(address)}`, `e.${dialect.quote(position)}`);
    return {
      items: [[`(SELECT ${list} FROM ${layout.q(table)} e WHERE e.${layout.q(mailboxId)} = ${layout.id})`, field]],
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
  if (field === 'IsAdministrator') return { items: [[layout.m(schema.mailboxes.isAdministrator), field]], read: (row) => flag(row[field]) };
  if (field === 'WhenCreated' || field === 'WhenChanged') {
    const column = field === 'WhenCreated' ? schema.mailboxes.whenCreated : schema.mailboxes.whenChanged;
    return { items: [[layout.m(column), field]], read: (row) => row[field] };
  }
  const protocol = PROTOCOLS.find((p) => p.property === field);
  if (protocol !== undefined) {
    return { items: [[layout.settingValue(protocol), field]], read: (row) => (isNullable(protocol) ? nullableFlag(row[field]) : flag(row[field])) };
  }
  const defaults = USE_DEFAULTS_PROTOCOLS.find((p) => p.useDefaultsProperty === (field as UseDefaultsName));
  if (defaults !== undefined) return { items: [[layout.m(schema.mailboxes.useDefaults[defaults.name]), field]], read: (row) => flag(row[field]) };
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

