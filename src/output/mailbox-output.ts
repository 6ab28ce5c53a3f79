import { LAST_LOGON_FILTER_PROPERTIES } from '../core/last-logon-properties.js';
import { LAST_LOGON_PROPERTIES, type MailboxLastLogons } from '../core/last-logons.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, proxyAddresses, type Mailbox, type MailboxField } from '../core/mailbox.js';
import { CAS_SETTINGS, TABLE_CAS_SETTINGS, USE_DEFAULTS_PROPERTIES } from '../core/protocols.js';
import type { View } from './formats.js';
import type { OutputRecord, OutputValue } from './values.js';

/** A property: the mailbox fields it is computed from, and how; `logons`: from the recorded logins (undefined: none are recorded). */
interface Property {
  needs: readonly MailboxField[];
  get: (mailbox: Mailbox, logons: MailboxLastLogons | undefined) => OutputValue;
  logons?: true;
}

/** A property that shows one field as it is. */
const field = (name: MailboxField): Property => ({ needs: [name], get: (m) => m[name] });

/** Every property casctl shows of a mailbox, by its Exchange name, in display order. */
const PROPERTIES = new Map<string, Property>([
  ['Identity', { needs: ['OrganizationalUnit', 'Name'], get: (m) => `${m.OrganizationalUnit}/${m.Name}` }],
  ['Guid', field('Guid')],
  ['Name', field('Name')],
  ['DisplayName', field('DisplayName')],
  ['Alias', field('Alias')],
  ['SamAccountName', field('SamAccountName')],
  ['UserPrincipalName', field('UserPrincipalName')],
  ['PrimarySmtpAddress', field('PrimarySmtpAddress')],
  ['EmailAddresses', { needs: ['EmailAddresses', 'PrimarySmtpAddress'], get: (m) => proxyAddresses(m) }],
  ['OrganizationalUnit', field('OrganizationalUnit')],
  ['DistinguishedName', field('DistinguishedName')],
  ['RecipientType', { needs: [], get: () => 'UserMailbox' }],
  ['RecipientTypeDetails', field('RecipientTypeDetails')],
  ['Department', field('Department')],
  ['Title', field('Title')],
  ['Company', field('Company')],
  ['Office', field('Office')],
  ['City', field('City')],
  ['StateOrProvince', field('StateOrProvince')],
  ['CountryOrRegion', field('CountryOrRegion')],
  ...[...CAS_SETTINGS, ...USE_DEFAULTS_PROPERTIES].map((name): [string, Property] => [name, field(name)]),
  ...CUSTOM_ATTRIBUTE_NUMBERS.map((n): [string, Property] => [
    `CustomAttribute${n}`,
    { needs: ['CustomAttributes'], get: (m) => m.CustomAttributes[n - 1] ?? null },
  ]),
  ['WhenCreated', field('WhenCreated')],
  ['WhenChanged', field('WhenChanged')],
  // Personal data (who logged in when, from where): the addresses only when asked for (not in any view's defaults).
  ...LAST_LOGON_FILTER_PROPERTIES.map((p): [string, Property] => [
    p.name,
    { needs: ['PrimarySmtpAddress'], logons: true, get: (_, logons) => (logons === undefined ? null : p.read(logons)) },
  ]),
]);

const property = (name: string): Property => PROPERTIES.get(name) as Property;

/** The mailbox fields the given properties are computed from: all a listing needs to read. */
export function fieldsFor(properties: readonly string[]): MailboxField[] {
  return [...new Set(properties.flatMap((name) => property(name).needs))];
}

/** Whether any of the properties comes from the recorded logins: only then are they read. */
export function showsLastLogons(properties: readonly string[]): boolean {
  return properties.some((name) => property(name).logons === true);
}

/** The properties but those of the recorded logins. */
export function withoutLastLogons(properties: readonly string[]): string[] {
  return properties.filter((name) => property(name).logons !== true);
}

/**
 * Makes output rows (what a listing prints; the import row is ImportRecord, store/directory-store.ts)
 * of the chosen properties of mailboxes, keyed by their Exchange names: only those are computed,
 * from only the fields fieldsFor() named (a mailbox read with those is enough).
 */
export function mailboxOutputRecords(properties: readonly string[]): (mailbox: Mailbox, logons?: MailboxLastLogons) => OutputRecord {
  const getters = properties.map((name) => [name, property(name).get] as const);
  return (mailbox, logons) => {
    const record: OutputRecord = {};
    for (const [name, get] of getters) record[name] = get(mailbox, logons);
    return record;
  };
}

const ALL = [...PROPERTIES.keys()];

/**
 * Get-CASMailbox: the access settings, and when each recorded protocol was last used (not in the
 * table, which stays Exchange's). `--property` may still name any mailbox property.
 */
export const CAS_MAILBOX_VIEW: View = {
  properties: ALL,
  defaults: [
    'Identity', 'Guid', 'Name', 'DisplayName', 'PrimarySmtpAddress', 'SamAccountName', 'OrganizationalUnit',
    'RecipientTypeDetails', ...CAS_SETTINGS, ...USE_DEFAULTS_PROPERTIES, 'WhenChanged', ...LAST_LOGON_PROPERTIES,
  ],
  table: ['Name', 'PrimarySmtpAddress', ...TABLE_CAS_SETTINGS],
  id: 'Guid',
};

/** Get-Mailbox: the mailbox as a recipient. */
export const MAILBOX_VIEW: View = {
  properties: ALL,
  defaults: [
    'Identity', 'Guid', 'Name', 'DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName', 'PrimarySmtpAddress',
    'EmailAddresses', 'OrganizationalUnit', 'DistinguishedName', 'RecipientType', 'RecipientTypeDetails',
    ...CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `CustomAttribute${n}`), 'WhenCreated', 'WhenChanged',
  ],
  table: ['Name', 'Alias', 'PrimarySmtpAddress', 'RecipientTypeDetails', 'OrganizationalUnit'],
  id: 'Guid',
};

/** Get-User: the person behind the mailbox. */
export const USER_VIEW: View = {
  properties: ALL,
  defaults: [
    'Identity', 'Guid', 'Name', 'DisplayName', 'SamAccountName', 'UserPrincipalName', 'Department', 'Title', 'Company',
    'Office', 'City', 'StateOrProvince', 'CountryOrRegion', 'OrganizationalUnit', 'DistinguishedName', 'RecipientType',
    'RecipientTypeDetails', 'WhenCreated', 'WhenChanged',
  ],
  table: ['Name', 'RecipientType', 'Department', 'Title', 'StateOrProvince'],
  id: 'Guid',
};
