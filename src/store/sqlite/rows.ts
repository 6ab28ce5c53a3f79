import { effectiveEnabled } from '../../core/administrator.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, MAILBOX_FIELDS, type Mailbox, type MailboxField, type RecipientTypeDetails } from '../../core/mailbox.js';
import { isNullable, perCasSetting, perUseDefaults, type CasSettingName, type Protocol } from '../../core/protocols.js';
import { ENABLED_COLUMN, USE_DEFAULTS_COLUMN } from '../sql/casctl-columns.js';
import { settingColumn } from './setting-sql.js';

const CUSTOM_COLUMNS = CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `custom_attribute_${n}`);

/** What each column is as a select-list item over the `mailboxes` row aliased `m`. */
function selectItem(column: string): string {
  return column === 'email_addresses'
    ? '(SELECT json_group_array(address) FROM (SELECT address FROM email_addresses WHERE mailbox_id = m.id ORDER BY rowid)) AS email_addresses'
    : `m.${column}`;
}

/** A raw row (an array: twice as fast to read as an object) of a projection's columns; `id` first. */
export type MailboxRow = readonly unknown[];
type At = Readonly<Record<string, number>>;

interface FieldSource<F extends MailboxField> {
  columns: readonly string[];
  read: (row: MailboxRow, at: At) => Mailbox[F];
}

const text = (name: string) => ({ columns: [name], read: (row: MailboxRow, at: At) => row[at[name] as number] as string });
const optional = (name: string) => ({ columns: [name], read: (row: MailboxRow, at: At) => row[at[name] as number] as string | null });
const flag = (name: string) => ({ columns: [name], read: (row: MailboxRow, at: At) => row[at[name] as number] === 1 });
/** A nullable setting as set: 1, 0, or NULL (follows the organisation default). */
const nullableFlag = (name: string) => ({
  columns: [name],
  read: (row: MailboxRow, at: At) => {
    const value = row[at[name] as number];
    return value === null ? null : value === 1;
  },
});
/** The Administrator mailbox never uses a protocol the rule covers, whatever a row says (DESIGN.md §2). */
const access = (protocol: Protocol) => {
  if (isNullable(protocol)) return nullableFlag(settingColumn(protocol));
  const name = ENABLED_COLUMN[protocol.name];
  return {
    columns: [name, 'is_administrator'],
    read: (row: MailboxRow, at: At) => effectiveEnabled(protocol, row[at.is_administrator as number] === 1, row[at[name] as number] === 1),
  };
};

/** Where each Mailbox field comes from: a read selects only the columns of the fields it needs. */
const SOURCES: { readonly [F in MailboxField]: FieldSource<F> } = {
  Guid: text('guid'),
  DistinguishedName: text('distinguished_name'),
  Name: text('name'),
  DisplayName: text('display_name'),
  Alias: text('alias'),
  SamAccountName: text('sam_account_name'),
  UserPrincipalName: text('user_principal_name'),
  PrimarySmtpAddress: text('primary_smtp_address'),
  EmailAddresses: { columns: ['email_addresses'], read: (row, at) => JSON.parse(row[at.email_addresses as number] as string) as string[] },
  OrganizationalUnit: text('organizational_unit'),
  Department: optional('department'),
  Title: optional('title'),
  Company: optional('company'),
  Office: optional('office'),
  City: optional('city'),
  StateOrProvince: optional('state_or_province'),
  CountryOrRegion: optional('country_or_region'),
  CustomAttributes: { columns: CUSTOM_COLUMNS, read: (row, at) => CUSTOM_COLUMNS.map((c) => row[at[c] as number] as string | null) },
  RecipientTypeDetails: { columns: ['recipient_type_details'], read: (row, at) => row[at.recipient_type_details as number] as RecipientTypeDetails },
  IsAdministrator: flag('is_administrator'),
  // Each setting's reader returns its own field's type; the registry cannot say so per entry.
  ...(perCasSetting(access) as { [F in CasSettingName]: FieldSource<F> }),
  ...perUseDefaults((p) => flag(USE_DEFAULTS_COLUMN[p.name])),
  WhenCreated: text('when_created'),
  WhenChanged: text('when_changed'),
};

/** How to read some fields of mailboxes: the select list, and the row → object conversion. */
export interface Projection<F extends MailboxField> {
  /** The select list over `mailboxes m`; the row id comes first. */
  readonly select: string;
  toMailbox(row: MailboxRow): Pick<Mailbox, F>;
}

export const rowId = (row: MailboxRow): number => row[0] as number;

export function projection<F extends MailboxField>(fields: readonly F[]): Projection<F> {
  const wanted = [...new Set(fields)];
  const columns = ['id', ...new Set(wanted.flatMap((field) => SOURCES[field].columns))];
  const at: At = Object.fromEntries(columns.map((name, index) => [name, index]));
  const readers = wanted.map((field) => [field, SOURCES[field].read] as const);
  return {
    select: columns.map(selectItem).join(', '),
    toMailbox(row) {
      const mailbox: Partial<Record<MailboxField, unknown>> = {};
      for (const [field, read] of readers) mailbox[field] = read(row, at);
      return mailbox as Pick<Mailbox, F>;
    },
  };
}

/** Every field: what a read returns when the caller did not narrow it. */
export const FULL = projection(MAILBOX_FIELDS);
