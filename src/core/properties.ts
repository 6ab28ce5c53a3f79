import { CUSTOM_ATTRIBUTE_NUMBERS, fold, type Mailbox } from './mailbox.js';

/**
 * The filterable properties of DESIGN.md §2. One table drives the OPATH filter back-ends,
 * so a property added here is filterable on every store at once.
 */
export type PropertyType = 'string' | 'boolean' | 'date';

export interface PropertyDefinition {
  /** The Exchange name, as written in filters and output. */
  name: string;
  type: PropertyType;
  /** Multi-valued: `-eq` matches when any value does. */
  multiValued: boolean;
  /**
   * SQL expression over the `mailboxes` row aliased `m` (SQLite store). For multi-valued
   * properties, the table and column holding one value per row, keyed by `mailbox_id`.
   */
  sql: { expression: string } | { table: string; column: string };
  /**
   * How the LDAP store holds it: an attribute, a protocol's value of the multi-valued
   * `casEnabledService` (absent = disabled), or null when LDAP cannot express it (evaluated client-side).
   */
  ldap: { attribute: string } | { enabledService: string } | null;
  /** The value(s) on an in-memory mailbox. */
  read(mailbox: Mailbox): string | boolean | null | string[];
}

function text(name: keyof Mailbox & string, column: string, ldapAttribute: string | null): PropertyDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    sql: { expression: `m.${column}` },
    ldap: ldapAttribute === null ? null : { attribute: ldapAttribute },
    read: (mailbox) => mailbox[name] as string | null,
  };
}

function flag(
  name: 'PopEnabled' | 'ImapEnabled' | 'PopUseProtocolDefaults' | 'ImapUseProtocolDefaults',
  expression: string,
  ldap: PropertyDefinition['ldap'],
): PropertyDefinition {
  return { name, type: 'boolean', multiValued: false, sql: { expression }, ldap, read: (mailbox) => mailbox[name] };
}

export const PROPERTIES: readonly PropertyDefinition[] = [
  text('Guid', 'guid', 'casGuid'),
  text('DistinguishedName', 'distinguished_name', null),
  text('Name', 'name', 'cn'),
  text('DisplayName', 'display_name', 'displayName'),
  text('Alias', 'alias', 'uid'),
  text('SamAccountName', 'sam_account_name', 'casSamAccountName'),
  text('UserPrincipalName', 'user_principal_name', 'casUserPrincipalName'),
  text('PrimarySmtpAddress', 'primary_smtp_address', 'mail'),
  {
    name: 'EmailAddresses',
    type: 'string',
    multiValued: true,
    sql: { table: 'email_addresses', column: 'address' },
    ldap: { attribute: 'casEmailAddress' },
    read: (mailbox) => mailbox.EmailAddresses,
  },
  text('OrganizationalUnit', 'organizational_unit', null),
  text('Department', 'department', 'departmentNumber'),
  text('Title', 'title', 'title'),
  text('Company', 'company', 'o'),
  text('Office', 'office', 'physicalDeliveryOfficeName'),
  text('City', 'city', 'l'),
  text('StateOrProvince', 'state_or_province', 'st'),
  text('CountryOrRegion', 'country_or_region', 'c'),
  ...CUSTOM_ATTRIBUTE_NUMBERS.map(
    (n): PropertyDefinition => ({
      name: `CustomAttribute${n}`,
      type: 'string',
      multiValued: false,
      sql: { expression: `m.custom_attribute_${n}` },
      ldap: { attribute: `casCustomAttribute${n}` },
      read: (mailbox) => mailbox.CustomAttributes[n - 1] ?? null,
    }),
  ),
  {
    name: 'RecipientType',
    type: 'string',
    multiValued: false,
    // Every kind of mailbox is a UserMailbox recipient in Exchange; the details tell them apart.
    sql: { expression: `'UserMailbox'` },
    ldap: null,
    read: () => 'UserMailbox',
  },
  text('RecipientTypeDetails', 'recipient_type_details', 'casRecipientTypeDetails'),
  // The Administrator mailbox reads as disabled whatever is stored (DESIGN.md §2).
  flag('PopEnabled', '(m.pop_enabled AND NOT m.is_administrator)', { enabledService: 'pop3' }),
  flag('ImapEnabled', '(m.imap_enabled AND NOT m.is_administrator)', { enabledService: 'imap' }),
  flag('PopUseProtocolDefaults', 'm.pop_use_protocol_defaults', { attribute: 'casPopUseProtocolDefaults' }),
  flag('ImapUseProtocolDefaults', 'm.imap_use_protocol_defaults', { attribute: 'casImapUseProtocolDefaults' }),
  { name: 'WhenCreated', type: 'date', multiValued: false, sql: { expression: 'm.when_created' }, ldap: null, read: (mailbox) => mailbox.WhenCreated },
  { name: 'WhenChanged', type: 'date', multiValued: false, sql: { expression: 'm.when_changed' }, ldap: null, read: (mailbox) => mailbox.WhenChanged },
];

const byFoldedName = new Map(PROPERTIES.map((property) => [fold(property.name), property]));

/** Property names are case-insensitive, as in Exchange. */
export function findProperty(name: string): PropertyDefinition | undefined {
  return byFoldedName.get(fold(name));
}
