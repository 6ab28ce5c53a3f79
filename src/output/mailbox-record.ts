import { CUSTOM_ATTRIBUTE_NUMBERS, proxyAddresses, type Mailbox } from '../core/mailbox.js';
import type { View } from './formats.js';
import type { OutputRecord, OutputValue } from './values.js';

type Getter = (mailbox: Mailbox) => OutputValue;

/** Every property casctl shows of a mailbox, by its Exchange name, in display order. */
const GETTERS = new Map<string, Getter>([
  ['Identity', (m) => `${m.OrganizationalUnit}/${m.Name}`],
  ['Guid', (m) => m.Guid],
  ['Name', (m) => m.Name],
  ['DisplayName', (m) => m.DisplayName],
  ['Alias', (m) => m.Alias],
  ['SamAccountName', (m) => m.SamAccountName],
  ['UserPrincipalName', (m) => m.UserPrincipalName],
  ['PrimarySmtpAddress', (m) => m.PrimarySmtpAddress],
  ['EmailAddresses', (m) => proxyAddresses(m)],
  ['OrganizationalUnit', (m) => m.OrganizationalUnit],
  ['DistinguishedName', (m) => m.DistinguishedName],
  ['RecipientType', () => 'UserMailbox'],
  ['RecipientTypeDetails', (m) => m.RecipientTypeDetails],
  ['Department', (m) => m.Department],
  ['Title', (m) => m.Title],
  ['Company', (m) => m.Company],
  ['Office', (m) => m.Office],
  ['City', (m) => m.City],
  ['StateOrProvince', (m) => m.StateOrProvince],
  ['CountryOrRegion', (m) => m.CountryOrRegion],
  ['PopEnabled', (m) => m.PopEnabled],
  ['ImapEnabled', (m) => m.ImapEnabled],
  ['PopUseProtocolDefaults', (m) => m.PopUseProtocolDefaults],
  ['ImapUseProtocolDefaults', (m) => m.ImapUseProtocolDefaults],
  ...CUSTOM_ATTRIBUTE_NUMBERS.map((n): [string, Getter] => [`CustomAttribute${n}`, (m) => m.CustomAttributes[n - 1] ?? null]),
  ['WhenCreated', (m) => m.WhenCreated],
  ['WhenChanged', (m) => m.WhenChanged],
]);

/** The chosen properties of a mailbox, keyed by their Exchange names: only those are computed. */
export function mailboxRecord(mailbox: Mailbox, properties: readonly string[]): OutputRecord {
  const record: OutputRecord = {};
  for (const property of properties) record[property] = (GETTERS.get(property) as Getter)(mailbox);
  return record;
}

const ALL = [...GETTERS.keys()];

/** Get-CASMailbox: the access settings. `--property` may still name any mailbox property. */
export const CAS_MAILBOX_VIEW: View = {
  properties: ALL,
  defaults: [
    'Identity', 'Guid', 'Name', 'DisplayName', 'PrimarySmtpAddress', 'SamAccountName', 'OrganizationalUnit',
    'RecipientTypeDetails', 'PopEnabled', 'ImapEnabled', 'PopUseProtocolDefaults', 'ImapUseProtocolDefaults', 'WhenChanged',
  ],
  table: ['Name', 'PrimarySmtpAddress', 'PopEnabled', 'ImapEnabled'],
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
