import { effectiveEnabled, isAdministratorAccount } from '../../core/administrator.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, RECIPIENT_TYPE_DETAILS, type Mailbox, type RecipientTypeDetails } from '../../core/mailbox.js';
import { BUILT_IN_DEFAULTS, NULLABLE_PROTOCOLS, PROTOCOLS, USE_DEFAULTS_PROTOCOLS, admits, isNullable, perCasSetting, perUseDefaults, type CasSettingValues, type NullableProtocol, type Protocol } from '../../core/protocols.js';
import { ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import type { CompleteRecord, TransportConfig } from '../directory-store.js';
import type { LdapEntry } from './connection.js';
import type { DirectoryLayout } from './layout.js';
import { CASCTL_MAPPING, TEXT_PROPERTIES, marksAdministrator, type LdapMapping, type TextProperty } from './mapping.js';
import { ENABLED_SERVICE_VALUES, SETTING_ATTRIBUTE, USE_DEFAULTS_ATTRIBUTE, enablesProtocol, settingValueOf } from './protocol-values.js';

/**
 * How a mailbox is an LDAP entry of casctl's own schema: inetOrgPerson + casMailbox
 * (schema/casmailbox.schema); reads go through the layout's mapping (mapping.ts), so a profile's
 * entries read the same way. Name and OrganizationalUnit come from the DN.
 */
export const MAILBOX_OBJECT_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'casMailbox'];
export const MAILBOX_CLASS_FILTER = CASCTL_MAPPING.mailboxes.filter;

/** The text properties an import writes, each to its attribute of casctl's schema (CASCTL_MAPPING). */
const IMPORTED_TEXT = ['DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName', 'Department', 'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion'] as const;

const customAttribute = (n: number): string => `casCustomAttribute${n}`;

/** Every attribute a mailbox read of the mapping asks for (never userPassword). */
export function mailboxAttributes(mapping: LdapMapping): string[] {
  const named = [
    mapping.guid, ...TEXT_PROPERTIES.map((p) => mapping.attributes[p]), ...mapping.emailAddresses, mapping.switches.attribute, mapping.administrator?.attribute,
    ...Object.values(mapping.useDefaultsAttributes), ...Object.values(mapping.settingAttributes),
    ...(mapping.customAttributePrefix === null ? [] : CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `${mapping.customAttributePrefix ?? ''}${n}`)),
    'createTimestamp', 'modifyTimestamp',
  ];
  return [...new Set(named.filter((a): a is string => a !== null && a !== undefined))];
}

/** Every attribute a mailbox read of casctl's schema asks for. */
export const MAILBOX_ATTRIBUTES: readonly string[] = mailboxAttributes(CASCTL_MAPPING);

/** Is the entry the Administrator mailbox (core/administrator.ts)? */
export function isAdministratorEntry(entry: LdapEntry, mapping: LdapMapping = CASCTL_MAPPING): boolean {
  return mapping.administrator !== null && marksAdministrator(mapping, entry.values(mapping.administrator.attribute));
}

/** The mailbox an entry holds, with the effective CAS values (the Administrator reads disabled). */
export function entryToMailbox(entry: LdapEntry, layout: DirectoryLayout): Mailbox {
  const { mapping } = layout;
  const { name, container } = layout.nameAndContainer(entry.dn);
  const administrator = isAdministratorEntry(entry, mapping);
  const text = (attribute: string | null | undefined): string | null => (attribute === null || attribute === undefined ? null : entry.first(attribute));
  const property = (p: TextProperty): string | null => text(mapping.attributes[p]);
  const primary = (property('PrimarySmtpAddress') ?? '').toLowerCase();
  const addresses = mapping.emailAddresses.flatMap((attribute) => entry.values(attribute));
  const type = property('RecipientTypeDetails');
  // The Administrator mailbox never uses a protocol the rule covers, whatever the entry says (DESIGN.md §2).
  // A nullable setting is the value as set, not the switch values it leads to.
  const enabled = (protocol: Protocol): boolean | null =>
    isNullable(protocol) ? settingValueOf(entry, protocol as NullableProtocol, mapping) : effectiveEnabled(protocol, administrator, enablesProtocol(entry, protocol, mapping));
  return {
    Guid: text(mapping.guid) ?? '',
    DistinguishedName: entry.dn,
    Name: name === '' ? (property('Name') ?? '') : name,
    DisplayName: property('DisplayName') ?? '',
    Alias: property('Alias') ?? '',
    SamAccountName: property('SamAccountName') ?? '',
    UserPrincipalName: property('UserPrincipalName') ?? '',
    PrimarySmtpAddress: primary,
    EmailAddresses: addresses.length > 0 ? addresses : primary === '' ? [] : [primary],
    OrganizationalUnit: container ?? '',
    Department: property('Department'),
    Title: property('Title'),
    Company: property('Company'),
    Office: property('Office'),
    City: property('City'),
    StateOrProvince: property('StateOrProvince'),
    CountryOrRegion: property('CountryOrRegion'),
    CustomAttributes: CUSTOM_ATTRIBUTE_NUMBERS.map((n) => text(mapping.customAttributePrefix === null ? null : `${mapping.customAttributePrefix}${n}`)),
    RecipientTypeDetails: (RECIPIENT_TYPE_DETAILS as readonly string[]).includes(type ?? '') ? (type as RecipientTypeDetails) : 'UserMailbox',
    IsAdministrator: administrator,
    ...(perCasSetting(enabled) as CasSettingValues),
    // Absent (or no attribute in the mapping) reads as the Exchange default, true.
    ...perUseDefaults((p) => text(mapping.useDefaultsAttributes[p.name])?.toUpperCase() !== 'FALSE'),
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
  for (const property of IMPORTED_TEXT) {
    attributes[CASCTL_MAPPING.attributes[property] as string] = present(record[property]);
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
