import { CUSTOM_ATTRIBUTE_NUMBERS, type Mailbox, type RecipientTypeDetails } from '../../core/mailbox.js';

/** The columns every mailbox read selects; `m` is the `mailboxes` row. */
export const MAILBOX_COLUMNS = `m.id, m.guid, m.distinguished_name, m.name, m.display_name, m.alias, m.sam_account_name,
  m.user_principal_name, m.primary_smtp_address, m.organizational_unit, m.department, m.title, m.company, m.office,
  m.city, m.state_or_province, m.country_or_region,
  ${CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `m.custom_attribute_${n}`).join(', ')},
  m.recipient_type_details, m.is_administrator, m.pop_enabled, m.imap_enabled, m.pop_use_protocol_defaults,
  m.imap_use_protocol_defaults, m.when_created, m.when_changed,
  (SELECT json_group_array(address) FROM (SELECT address FROM email_addresses WHERE mailbox_id = m.id ORDER BY rowid)) AS email_addresses`;

export interface MailboxRow {
  id: number;
  guid: string;
  distinguished_name: string;
  name: string;
  display_name: string;
  alias: string;
  sam_account_name: string;
  user_principal_name: string;
  primary_smtp_address: string;
  organizational_unit: string;
  department: string | null;
  title: string | null;
  company: string | null;
  office: string | null;
  city: string | null;
  state_or_province: string | null;
  country_or_region: string | null;
  recipient_type_details: string;
  is_administrator: number;
  pop_enabled: number;
  imap_enabled: number;
  pop_use_protocol_defaults: number;
  imap_use_protocol_defaults: number;
  when_created: string;
  when_changed: string;
  email_addresses: string;
  [customAttribute: `custom_attribute_${number}`]: string | null;
}

export function rowToMailbox(row: MailboxRow): Mailbox {
  const administrator = row.is_administrator === 1;
  return {
    Guid: row.guid,
    DistinguishedName: row.distinguished_name,
    Name: row.name,
    DisplayName: row.display_name,
    Alias: row.alias,
    SamAccountName: row.sam_account_name,
    UserPrincipalName: row.user_principal_name,
    PrimarySmtpAddress: row.primary_smtp_address,
    EmailAddresses: JSON.parse(row.email_addresses) as string[],
    OrganizationalUnit: row.organizational_unit,
    Department: row.department,
    Title: row.title,
    Company: row.company,
    Office: row.office,
    City: row.city,
    StateOrProvince: row.state_or_province,
    CountryOrRegion: row.country_or_region,
    CustomAttributes: CUSTOM_ATTRIBUTE_NUMBERS.map((n) => row[`custom_attribute_${n}`] ?? null),
    RecipientTypeDetails: row.recipient_type_details as RecipientTypeDetails,
    IsAdministrator: administrator,
    // The Administrator mailbox never uses POP3 or IMAP4, whatever a row says (DESIGN.md §2).
    PopEnabled: !administrator && row.pop_enabled === 1,
    ImapEnabled: !administrator && row.imap_enabled === 1,
    PopUseProtocolDefaults: row.pop_use_protocol_defaults === 1,
    ImapUseProtocolDefaults: row.imap_use_protocol_defaults === 1,
    WhenCreated: row.when_created,
    WhenChanged: row.when_changed,
  };
}
