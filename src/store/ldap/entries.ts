import { isAdministratorAccount } from '../../core/administrator.js';
import { CUSTOM_ATTRIBUTE_NUMBERS } from '../../core/mailbox.js';
import { BUILT_IN_DEFAULTS, NULLABLE_PROTOCOLS, PROTOCOLS, USE_DEFAULTS_PROTOCOLS, admits, isNullable, type Protocol } from '../../core/protocols.js';
import { ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import type { CompleteRecord, TransportConfig } from '../directory-store.js';
import type { LdapEntry } from './connection.js';
import { CASCTL_MAPPING, marksAdministrator, type LdapMapping } from './mapping.js';
import { ENABLED_SERVICE_VALUES, SETTING_ATTRIBUTE, USE_DEFAULTS_ATTRIBUTE } from './protocol-values.js';

/**
 * How a mailbox is an LDAP entry of casctl's own schema: inetOrgPerson + casMailbox
 * (schema/casmailbox.schema). Reads go through the layout's mapping (mailbox-projection.ts), so a
 * profile's entries read the same way.
 */
export const MAILBOX_OBJECT_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'casMailbox'];
export const MAILBOX_CLASS_FILTER = CASCTL_MAPPING.mailboxes.filter;

/** The text properties an import writes, each to its attribute of casctl's schema (CASCTL_MAPPING). */
const IMPORTED_TEXT = ['DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName', 'Department', 'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion'] as const;

const customAttribute = (n: number): string => `casCustomAttribute${n}`;

/** Is the entry the Administrator mailbox (core/administrator.ts)? */
export function isAdministratorEntry(entry: LdapEntry, mapping: LdapMapping = CASCTL_MAPPING): boolean {
  return mapping.administrator !== null && marksAdministrator(mapping, entry.values(mapping.administrator.attribute));
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
