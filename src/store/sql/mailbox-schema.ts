import { CUSTOM_ATTRIBUTE_NUMBERS } from '../../core/mailbox.js';
import { PROTOCOLS, type NullableProtocol, type ProtocolName, type ProtocolWithDefaults } from '../../core/protocols.js';
import type { SwitchHolders, SwitchMapping } from '../mapping-profiles.js';
import { DEFAULT_COLUMN, ENABLED_COLUMN, SETTING_COLUMN, USE_DEFAULTS_COLUMN } from './casctl-columns.js';

/** The mailbox fields held as one text column each. */
export const TEXT_FIELDS = [
  'Guid', 'DistinguishedName', 'Name', 'DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName', 'PrimarySmtpAddress',
  'OrganizationalUnit', 'Department', 'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion', 'RecipientTypeDetails',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/**
 * Where the SQL store finds the mailbox data: every table and column name the store's SQL uses
 * for it comes from here, so the same code runs on casctl's own schema and, through a mapping
 * profile (sql-profiles.ts), on one the admin already has. A protocol switch is a list of columns
 * (iRedMail keeps `enablepop3`, `enablepop3secured` and `enablepop3tls`): a write sets them all,
 * a read admits only while every one is 1.
 */
export interface MailboxSchema {
  /** The profile's name, as `casctl init --profile` and the configuration name it; null for casctl's own schema. */
  profile: string | null;
  /** casctl's own tables (history, service state, plans, defaults) are `<prefix><name>`: '' in its own schema, `casctl_` beside an admin's. */
  ownTablePrefix: string;
  mailboxes: {
    table: string;
    /** The key the store pages on and its history names a mailbox by: an integer (casctl's) or the admin's text key (iRedMail's username). */
    id: string;
    idType: 'int' | 'text';
    /** null: the schema has no such column, the field reads empty; a Guid without one is derived from the key (SqlDialect.uuidOf). */
    text: Readonly<Record<TextField, string | null>>;
    /** CustomAttribute1..15, in order; none: the schema has none. */
    customAttributes: readonly string[];
    /** The column that is 1 for the Administrator mailbox (DESIGN.md §2); null: no mailbox is. */
    isAdministrator: string | null;
    /** With a Dovecot scheme prefix; NULL: no login possible. */
    password: string;
    whenCreated: string;
    whenChanged: string;
    /**
     * The times are casctl's ISO-8601 text, and every change stamps whenChanged; else they are
     * the admin's date-time columns, read as ISO text, and casctl writes only the switches.
     */
    ownsTimes: boolean;
    /** The column(s) Dovecot reads for each protocol (1 while its logins are admitted), or the protocol it follows. */
    enabled: Readonly<Record<ProtocolName, SwitchMapping>>;
    /** A nullable setting as set (NULL: follows the organisation default); absent: only its switch columns hold it. */
    setting: Readonly<Partial<Record<NullableProtocol['name'], string>>>;
    /** UseProtocolDefaults; absent: reads true (Exchange's default). */
    useDefaults: Readonly<Partial<Record<ProtocolWithDefaults['name'], string>>>;
  };
  /**
   * A mailbox's addresses, one row each, keyed by the mailbox's id. `holdsPrimary`: the primary
   * one too (casctl's); else it is the mailbox's PrimarySmtpAddress and the table holds the others.
   * `only`: the rows that are a mailbox's addresses (iRedMail's forwardings with is_alias = 1).
   */
  addresses: { table: string; mailboxId: string; address: string; position: string | null; only: { column: string; value: number } | null; holdsPrimary: boolean };
  /** null Guid: derived from the name; null DN: worked out from the canonical name. */
  organizationalUnits: { table: string; guid: string | null; name: string; canonicalName: string; distinguishedName: string | null };
  /** The one-row table of organisation defaults, a column per nullable setting: always casctl's own. */
  transportConfig: { table: string; defaults: Readonly<Record<NullableProtocol['name'], string>> };
}

/** casctl's own schema's shape: every column there, one per switch, which import (casctl's schema only) writes. */
export interface OwnMailboxSchema extends MailboxSchema {
  mailboxes: MailboxSchema['mailboxes'] & {
    text: Readonly<Record<TextField, string>>;
    isAdministrator: string;
    enabled: Readonly<Record<ProtocolName, SwitchHolders>>;
    setting: Readonly<Record<NullableProtocol['name'], string>>;
  };
  addresses: MailboxSchema['addresses'] & { position: string };
  organizationalUnits: { table: string; guid: string; name: string; canonicalName: string; distinguishedName: string };
}

const each = (columns: Readonly<Record<ProtocolName, string>>): Record<ProtocolName, SwitchHolders> =>
  Object.fromEntries(PROTOCOLS.map((p) => [p.name, [columns[p.name]]])) as Partial<Record<ProtocolName, SwitchHolders>> as Record<ProtocolName, SwitchHolders>;

/** casctl's own schema: the same names as the SQLite store's, which Dovecot's queries read. */
export const CASCTL_MAILBOX_SCHEMA: OwnMailboxSchema = {
  profile: null,
  ownTablePrefix: '',
  mailboxes: {
    table: 'mailboxes',
    id: 'id',
    idType: 'int',
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
    ownsTimes: true,
    enabled: each(ENABLED_COLUMN),
    setting: SETTING_COLUMN,
    useDefaults: USE_DEFAULTS_COLUMN,
  },
  addresses: { table: 'email_addresses', mailboxId: 'mailbox_id', address: 'address', position: 'position', only: null, holdsPrimary: true },
  organizationalUnits: { table: 'organizational_units', guid: 'guid', name: 'name', canonicalName: 'canonical_name', distinguishedName: 'distinguished_name' },
  transportConfig: { table: 'transport_config', defaults: DEFAULT_COLUMN },
};
