import { CUSTOM_ATTRIBUTE_NUMBERS, proxyAddresses, type Mailbox } from '../core/mailbox.js';
import type { View } from './formats.js';
import type { OutputRecord } from './values.js';

/** Every property casctl shows of a mailbox, keyed by its Exchange name. */
export function mailboxRecord(mailbox: Mailbox): OutputRecord {
  const record: OutputRecord = {
    Identity: `${mailbox.OrganizationalUnit}/${mailbox.Name}`,
    Guid: mailbox.Guid,
    Name: mailbox.Name,
    DisplayName: mailbox.DisplayName,
    Alias: mailbox.Alias,
    SamAccountName: mailbox.SamAccountName,
    UserPrincipalName: mailbox.UserPrincipalName,
    PrimarySmtpAddress: mailbox.PrimarySmtpAddress,
    EmailAddresses: proxyAddresses(mailbox),
    OrganizationalUnit: mailbox.OrganizationalUnit,
    DistinguishedName: mailbox.DistinguishedName,
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: mailbox.RecipientTypeDetails,
    Department: mailbox.Department,
    Title: mailbox.Title,
    Company: mailbox.Company,
    Office: mailbox.Office,
    City: mailbox.City,
    StateOrProvince: mailbox.StateOrProvince,
    CountryOrRegion: mailbox.CountryOrRegion,
    PopEnabled: mailbox.PopEnabled,
    ImapEnabled: mailbox.ImapEnabled,
    PopUseProtocolDefaults: mailbox.PopUseProtocolDefaults,
    ImapUseProtocolDefaults: mailbox.ImapUseProtocolDefaults,
    WhenCreated: mailbox.WhenCreated,
    WhenChanged: mailbox.WhenChanged,
  };
  CUSTOM_ATTRIBUTE_NUMBERS.forEach((n) => {
    record[`CustomAttribute${n}`] = mailbox.CustomAttributes[n - 1] ?? null;
  });
  return record;
}

const ALL = [
  'Identity', 'Guid', 'Name', 'DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName', 'PrimarySmtpAddress',
  'EmailAddresses', 'OrganizationalUnit', 'DistinguishedName', 'RecipientType', 'RecipientTypeDetails', 'Department',
  'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion', 'PopEnabled', 'ImapEnabled',
  'PopUseProtocolDefaults', 'ImapUseProtocolDefaults', ...CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `CustomAttribute${n}`),
  'WhenCreated', 'WhenChanged',
];

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
