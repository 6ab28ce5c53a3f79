import { CUSTOM_ATTRIBUTE_NUMBERS, type Mailbox, type RecipientTypeDetails } from '../../core/mailbox.js';

/** The columns every mailbox read selects, in order; rows are read raw (arrays), which is twice as fast as objects. */
const COLUMNS = [
  'id', 'guid', 'distinguished_name', 'name', 'display_name', 'alias', 'sam_account_name', 'user_principal_name',
  'primary_smtp_address', 'organizational_unit', 'department', 'title', 'company', 'office', 'city', 'state_or_province',
  'country_or_region', ...CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `custom_attribute_${n}`), 'recipient_type_details',
  'is_administrator', 'pop_enabled', 'imap_enabled', 'pop_use_protocol_defaults', 'imap_use_protocol_defaults',
  'when_created', 'when_changed', 'email_addresses',
] as const;

/** The select list over the `mailboxes` row aliased `m`. */
export const MAILBOX_COLUMNS = COLUMNS.map((column) =>
  column === 'email_addresses'
    ? '(SELECT json_group_array(address) FROM (SELECT address FROM email_addresses WHERE mailbox_id = m.id ORDER BY rowid)) AS email_addresses'
    : `m.${column}`,
).join(', ');

/** A raw row of MAILBOX_COLUMNS. */
export type MailboxRow = unknown[];

const index = new Map<string, number>(COLUMNS.map((column, i) => [column, i]));
const CUSTOM = CUSTOM_ATTRIBUTE_NUMBERS.map((n) => index.get(`custom_attribute_${n}`) as number);
const at = (column: (typeof COLUMNS)[number]): number => index.get(column) as number;
const I = {
  id: at('id'), guid: at('guid'), dn: at('distinguished_name'), name: at('name'), displayName: at('display_name'),
  alias: at('alias'), sam: at('sam_account_name'), upn: at('user_principal_name'), primary: at('primary_smtp_address'),
  ou: at('organizational_unit'), department: at('department'), title: at('title'), company: at('company'),
  office: at('office'), city: at('city'), state: at('state_or_province'), country: at('country_or_region'),
  type: at('recipient_type_details'), admin: at('is_administrator'), pop: at('pop_enabled'), imap: at('imap_enabled'),
  popDefaults: at('pop_use_protocol_defaults'), imapDefaults: at('imap_use_protocol_defaults'),
  created: at('when_created'), changed: at('when_changed'), addresses: at('email_addresses'),
};

export const rowId = (row: MailboxRow): number => row[I.id] as number;

export function rowToMailbox(row: MailboxRow): Mailbox {
  const text = (i: number): string => row[i] as string;
  const optional = (i: number): string | null => row[i] as string | null;
  const administrator = row[I.admin] === 1;
  return {
    Guid: text(I.guid),
    DistinguishedName: text(I.dn),
    Name: text(I.name),
    DisplayName: text(I.displayName),
    Alias: text(I.alias),
    SamAccountName: text(I.sam),
    UserPrincipalName: text(I.upn),
    PrimarySmtpAddress: text(I.primary),
    EmailAddresses: JSON.parse(text(I.addresses)) as string[],
    OrganizationalUnit: text(I.ou),
    Department: optional(I.department),
    Title: optional(I.title),
    Company: optional(I.company),
    Office: optional(I.office),
    City: optional(I.city),
    StateOrProvince: optional(I.state),
    CountryOrRegion: optional(I.country),
    CustomAttributes: CUSTOM.map(optional),
    RecipientTypeDetails: text(I.type) as RecipientTypeDetails,
    IsAdministrator: administrator,
    // The Administrator mailbox never uses POP3 or IMAP4, whatever a row says (DESIGN.md §2).
    PopEnabled: !administrator && row[I.pop] === 1,
    ImapEnabled: !administrator && row[I.imap] === 1,
    PopUseProtocolDefaults: row[I.popDefaults] === 1,
    ImapUseProtocolDefaults: row[I.imapDefaults] === 1,
    WhenCreated: text(I.created),
    WhenChanged: text(I.changed),
  };
}
