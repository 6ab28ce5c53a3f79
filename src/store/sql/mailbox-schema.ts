import { CUSTOM_ATTRIBUTE_NUMBERS } from '../../core/mailbox.js';
import { PROTOCOLS, type NullableProtocol, type ProtocolName, type ProtocolWithDefaults } from '../../core/protocols.js';
import { DEFAULT_COLUMN, ENABLED_COLUMN, SETTING_COLUMN, USE_DEFAULTS_COLUMN } from './casctl-columns.js';

/** The mailbox fields held as one text column each. */
export const TEXT_FIELDS = [
  'Guid', 'DistinguishedName', 'Name', 'DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName', 'PrimarySmtpAddress',
  'OrganizationalUnit', 'Department', 'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion', 'RecipientTypeDetails',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/**
 * Where the SQL store finds the mailbox data: every table and column name the store's SQL uses
 * for it comes from here, so the same code can run on a schema casctl did not create. A protocol
 * switch is a list of columns (iRedMail keeps `enablepop3`, `enablepop3secured` and
 * `enablepop3tls`): a write sets them all, a read admits only while every one is 1.
 */
export interface MailboxSchema {
  mailboxes: {
    table: string;
    /** An integer key the store pages on and other tables reference. */
    id: string;
    text: Readonly<Record<TextField, string>>;
    /** CustomAttribute1..15, in order. */
    customAttributes: readonly string[];
    isAdministrator: string;
    /** With a Dovecot scheme prefix; NULL: no login possible. */
    password: string;
    whenCreated: string;
    whenChanged: string;
    /** The column(s) Dovecot reads for each protocol: 1 while its logins are admitted. */
    enabled: Readonly<Record<ProtocolName, readonly string[]>>;
    /** A nullable setting as set (NULL: follows the organisation default). */
    setting: Readonly<Record<NullableProtocol['name'], string>>;
    useDefaults: Readonly<Record<ProtocolWithDefaults['name'], string>>;
  };
  /** Every address of a mailbox, the primary one too, one row each. */
  addresses: { table: string; mailboxId: string; address: string; position: string };
  organizationalUnits: { table: string; guid: string; name: string; canonicalName: string; distinguishedName: string };
  /** The one-row table of organisation defaults, a column per nullable setting. */
  transportConfig: { table: string; defaults: Readonly<Record<NullableProtocol['name'], string>> };
}

const each = (columns: Readonly<Record<ProtocolName, string>>): Record<ProtocolName, readonly string[]> =>
  Object.fromEntries(PROTOCOLS.map((p) => [p.name, [columns[p.name]]])) as Partial<Record<ProtocolName, readonly string[]>> as Record<ProtocolName, readonly string[]>;

/** casctl's own schema: the same names as the SQLite store's, which Dovecot's queries read. */
export const CASCTL_MAILBOX_SCHEMA: MailboxSchema = {
  mailboxes: {
    table: 'mailboxes',
    id: 'id',
    text: {
      Guid: 'guid', DistinguishedName: 'distinguished_name', Name: 'name', DisplayName: 'display_name', Alias: 'alias',
      SamAccountName: 'sam_account_name', UserPrincipalName: 'user_principal_name', PrimarySmtpAddress: 'primary_smtp_address',
      OrganizationalUnit: 'organizational_unit', Department: 'department', Title: 'title', Company: 'company', Office: 'office',
      City: 'city', StateOrProvince: 'state_or_province', CountryOrRegion: 'country_or_region', RecipientTypeDetails: 'recipient_type_details',
    },
    customAttributes: CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `custom_attribute_${n}`),
    isAdministrator: 'is_administrator',
    password: 'password',
    whenCreated: 'when_created',
    whenChanged: 'when_changed',
    enabled: each(ENABLED_COLUMN),
    setting: SETTING_COLUMN,
    useDefaults: USE_DEFAULTS_COLUMN,
  },
  addresses: { table: 'email_addresses', mailboxId: 'mailbox_id', address: 'address', position: 'position' },
  organizationalUnits: { table: 'organizational_units', guid: 'guid', name: 'name', canonicalName: 'canonical_name', distinguishedName: 'distinguished_name' },
  transportConfig: { table: 'transport_config', defaults: DEFAULT_COLUMN },
};
