import { effectiveEnabled, isAdministratorAccount } from '../../core/administrator.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, RECIPIENT_TYPE_DETAILS, type Mailbox, type RecipientTypeDetails } from '../../core/mailbox.js';
import { BUILT_IN_DEFAULTS, NULLABLE_PROTOCOLS, PROTOCOLS, USE_DEFAULTS_PROTOCOLS, admits, isNullable, perCasSetting, perUseDefaults, type CasSettingValues, type NullableProtocol, type Protocol } from '../../core/protocols.js';
import { ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import type { CompleteRecord, TransportConfig } from '../directory-store.js';
import type { LdapEntry } from './connection.js';
import type { DirectoryLayout } from './layout.js';
import { ENABLED_SERVICE_VALUES, SETTING_ATTRIBUTE, USE_DEFAULTS_ATTRIBUTE, enablesProtocol, settingValueOf } from './protocol-values.js';

/**
 * How a mailbox is an LDAP entry: inetOrgPerson + casMailbox (schema/casmailbox.schema). The
 * standard attributes match the filter mappings of property-attributes.ts, which the filter
 * back-end pushes down; Name and OrganizationalUnit come from the DN.
 */
export const MAILBOX_OBJECT_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'casMailbox'];
export const MAILBOX_CLASS_FILTER = '(objectClass=casMailbox)';

const TEXT_ATTRIBUTES = {
  DisplayName: 'displayName',
  Alias: 'uid',
  SamAccountName: 'casSamAccountName',
  UserPrincipalName: 'casUserPrincipalName',
  Department: 'departmentNumber',
  Title: 'title',
  Company: 'o',
  Office: 'physicalDeliveryOfficeName',
  City: 'l',
  StateOrProvince: 'st',
  CountryOrRegion: 'c',
} as const;

const customAttribute = (n: number): string => `casCustomAttribute${n}`;

/** Every attribute a mailbox read asks for (never userPassword). */
export const MAILBOX_ATTRIBUTES: readonly string[] = [
  'cn', 'mail', 'casGuid', 'casEmailAddress', 'casRecipientTypeDetails', ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE,
  ...Object.values(TEXT_ATTRIBUTES), ...USE_DEFAULTS_PROTOCOLS.map((p) => USE_DEFAULTS_ATTRIBUTE[p.name]), ...NULLABLE_PROTOCOLS.map((p) => SETTING_ATTRIBUTE[p.name]),
  ...CUSTOM_ATTRIBUTE_NUMBERS.map(customAttribute),
  'createTimestamp', 'modifyTimestamp',
];

/** Is the entry the Administrator mailbox (core/administrator.ts)? */
export function isAdministratorEntry(entry: LdapEntry): boolean {
  return entry.first(ADMINISTRATOR_ATTRIBUTE)?.toUpperCase() === 'TRUE';
}

/** The mailbox an entry holds, with the effective CAS values (the Administrator reads disabled). */
export function entryToMailbox(entry: LdapEntry, layout: DirectoryLayout): Mailbox {
  const { name, container } = layout.nameAndContainer(entry.dn);
  const administrator = isAdministratorEntry(entry);
  const text = (attribute: string): string | null => entry.first(attribute);
  const primary = (text('mail') ?? '').toLowerCase();
  const addresses = entry.values('casEmailAddress');
  const type = text('casRecipientTypeDetails');
  // The Administrator mailbox never uses a protocol the rule covers, whatever the entry says (DESIGN.md §2).
  // A nullable setting is the value as set, not the casEnabledService values it leads to.
  const enabled = (protocol: Protocol): boolean | null =>
    isNullable(protocol) ? settingValueOf(entry, protocol as NullableProtocol) : effectiveEnabled(protocol, administrator, enablesProtocol(entry, protocol));
  return {
    Guid: text('casGuid') ?? '',
    DistinguishedName: entry.dn,
    Name: name === '' ? (text('cn') ?? '') : name,
    DisplayName: text(TEXT_ATTRIBUTES.DisplayName) ?? '',
    Alias: text(TEXT_ATTRIBUTES.Alias) ?? '',
    SamAccountName: text(TEXT_ATTRIBUTES.SamAccountName) ?? '',
    UserPrincipalName: text(TEXT_ATTRIBUTES.UserPrincipalName) ?? '',
    PrimarySmtpAddress: primary,
    EmailAddresses: addresses.length > 0 ? addresses : primary === '' ? [] : [primary],
    OrganizationalUnit: container ?? '',
    Department: text(TEXT_ATTRIBUTES.Department),
    Title: text(TEXT_ATTRIBUTES.Title),
    Company: text(TEXT_ATTRIBUTES.Company),
    Office: text(TEXT_ATTRIBUTES.Office),
    City: text(TEXT_ATTRIBUTES.City),
    StateOrProvince: text(TEXT_ATTRIBUTES.StateOrProvince),
    CountryOrRegion: text(TEXT_ATTRIBUTES.CountryOrRegion),
    CustomAttributes: CUSTOM_ATTRIBUTE_NUMBERS.map((n) => text(customAttribute(n))),
    RecipientTypeDetails: (RECIPIENT_TYPE_DETAILS as readonly string[]).includes(type ?? '') ? (type as RecipientTypeDetails) : 'UserMailbox',
    IsAdministrator: administrator,
    ...(perCasSetting(enabled) as CasSettingValues),
    // Absent reads as the Exchange default, true.
    ...perUseDefaults((p) => text(USE_DEFAULTS_ATTRIBUTE[p.name])?.toUpperCase() !== 'FALSE'),
    WhenCreated: isoFromGeneralizedTime(text('createTimestamp')),
    WhenChanged: isoFromGeneralizedTime(text('modifyTimestamp')),
  };
}

const present = (value: string | null): string[] => (value === null || value === '' ? [] : [value]);

/**
 * The attributes an import writes. `created`: the whole entry (objectClass, sn, the Guid, the
 * protocol-defaults flags); otherwise what an update replaces, like the SQLite store's update
 * (Guid, WhenCreated, the protocol defaults and sn are left as they are; the password only when given).
 */
export function recordAttributes(record: CompleteRecord, guid: string, created: boolean, defaults: TransportConfig = BUILT_IN_DEFAULTS): Record<string, string[]> {
  const addresses: string[] = [];
  const seen = new Set<string>();
  for (const address of record.EmailAddresses.map((a) => a.toLowerCase())) {
    if (!seen.has(address)) addresses.push(address);
    seen.add(address);
  }
  const attributes: Record<string, string[]> = {
    cn: [record.Name],
    mail: [record.PrimarySmtpAddress.toLowerCase()],
    casEmailAddress: addresses,
    casRecipientTypeDetails: [record.RecipientTypeDetails],
    [ADMINISTRATOR_ATTRIBUTE]: isAdministratorAccount(record.SamAccountName) ? ['TRUE'] : [],
    [ENABLED_SERVICE_ATTRIBUTE]: PROTOCOLS.filter((p) => admitted(p, record, defaults)).flatMap((p) => ENABLED_SERVICE_VALUES[p.name]),
  };
  for (const [property, attribute] of Object.entries(TEXT_ATTRIBUTES)) {
    attributes[attribute] = present(record[property as keyof typeof TEXT_ATTRIBUTES]);
  }
  CUSTOM_ATTRIBUTE_NUMBERS.forEach((n, index) => {
    attributes[customAttribute(n)] = present(record.CustomAttributes[index] ?? null);
  });
  if (record.Password !== null) attributes.userPassword = [ldapPassword(record.Password)];
  if (created) {
    attributes.objectClass = MAILBOX_OBJECT_CLASSES;
    // inetOrgPerson requires a surname; the model has none, so the Name stands in (only when created).
    attributes.sn = [record.Name];
    attributes.casGuid = [guid];
    for (const protocol of USE_DEFAULTS_PROTOCOLS) attributes[USE_DEFAULTS_ATTRIBUTE[protocol.name]] = ['TRUE'];
    // An update's settings go through applyCasChanges, which keeps the attribute and the values together.
    for (const protocol of NULLABLE_PROTOCOLS) {
      const value = record[protocol.property];
      attributes[SETTING_ATTRIBUTE[protocol.name]] = value === null ? [] : [value ? 'TRUE' : 'FALSE'];
    }
  }
  return attributes;
}

/** Whether the record's setting admits the protocol's logins: what casEnabledService holds for it. */
function admitted(protocol: Protocol, record: CompleteRecord, defaults: TransportConfig): boolean {
  const value = record[protocol.property];
  return isNullable(protocol) ? admits(protocol, value, defaults[protocol.property as keyof TransportConfig]) : value === true;
}

const CRYPT_SCHEMES = /^\{(SHA512-CRYPT|SHA256-CRYPT|MD5-CRYPT|BLF-CRYPT|DES-CRYPT)\}/i;

/**
 * A password hash as userPassword holds it. Dovecot's crypt(3) schemes ({SHA512-CRYPT}$6$...)
 * become {CRYPT}$6$...: slapd verifies {CRYPT} with the system crypt(3) (so a bind as the user
 * works, and Dovecot's auth_bind), and Dovecot reads {CRYPT} values as the same hash. Other
 * schemes ({SSHA}, {PLAIN}, ...) are stored as they are.
 */
export function ldapPassword(hash: string): string {
  return hash.replace(CRYPT_SCHEMES, '{CRYPT}');
}

/** GeneralizedTime `20260131100000Z` (or with a fraction) as `2026-01-31T10:00:00.000Z`; '' when absent. */
export function isoFromGeneralizedTime(value: string | null): string {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?Z$/.exec(value ?? '');
  if (match === null) return '';
  const [, y, mo, d, h, mi, s, fraction = ''] = match;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${fraction.padEnd(3, '0').slice(0, 3)}Z`;
}

/** `2026-01-31T10:00:00.123Z` as GeneralizedTime `20260131100000.123Z`. */
export function generalizedTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '');
}
