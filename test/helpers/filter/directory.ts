import Database from 'better-sqlite3';
import fc from 'fast-check';
import { effectiveEnabled } from '../../../src/core/administrator.js';
import { CUSTOM_ATTRIBUTE_NUMBERS, fold, RECIPIENT_TYPE_DETAILS, type Mailbox } from '../../../src/core/mailbox.js';
import { isNullable, perCasSetting, PROTOCOLS, type CasSettingValues } from '../../../src/core/protocols.js';
import { PROPERTIES } from '../../../src/core/properties.js';
import { MIGRATIONS } from '../../../src/store/sqlite/schema.js';
import { ENABLED_COLUMN, SETTING_COLUMN } from '../../../src/store/sql/casctl-columns.js';

/**
 * Random directories for the property tests: names from a tiny alphabet so that filters hit
 * often, with the characters that break naive implementations (non-ASCII case pairs, quotes,
 * SQL and LDAP wildcards, a character beyond U+FFFF next to one just below it).
 */
export const PIECES = ['a', 'A', 'b', 'B', 'é', 'É', 'ö', 'Ö', 'ß', 'ẞ', "'", '"', '*', '%', '_', '\\', ' ', '(', ')', '$', '`', '1', 'ｚ', '😀'];

export const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((pieces) => pieces.join(''));
export const nonEmptyText = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 3 }).map((pieces) => pieces.join(''));
const optionalText = fc.option(text, { nil: null, freq: 3 });

export const DATES = ['2025-12-31T23:59:59.999Z', '2026-01-31T00:00:00.000Z', '2026-01-31T10:00:00.000Z', '2026-02-01T00:00:00.000Z'];

/** A mailbox plus what the store holds behind its effective values (the Administrator rule hides some). */
export interface StoredMailbox {
  mailbox: Mailbox;
  stored: CasSettingValues;
}

/** Every CAS setting as the Administrator rule makes it read. */
function effective(stored: CasSettingValues, isAdministrator: boolean): CasSettingValues {
  // A nullable setting is not covered by the Administrator rule: it reads as stored, $null included.
  return perCasSetting((p) => (isNullable(p) ? stored[p.property] : effectiveEnabled(p, isAdministrator, stored[p.property] === true))) as CasSettingValues;
}

const mailboxFields = fc.record({
  name: text,
  displayName: text,
  alias: text,
  sam: text,
  addresses: fc.array(text, { maxLength: 3 }),
  emptyAddress: fc.boolean(),
  organizationalUnit: text,
  department: optionalText,
  title: optionalText,
  company: optionalText,
  office: optionalText,
  city: optionalText,
  stateOrProvince: optionalText,
  countryOrRegion: optionalText,
  customAttribute1: optionalText,
  customAttribute2: optionalText,
  recipientTypeDetails: fc.constantFrom(...RECIPIENT_TYPE_DETAILS),
  isAdministrator: fc.boolean(),
  stored: fc.record(perCasSetting((p) => (isNullable(p) ? fc.constantFrom(null, true, false) : fc.boolean()))) as fc.Arbitrary<CasSettingValues>,
  popDefaults: fc.boolean(),
  imapDefaults: fc.boolean(),
  whenCreated: fc.constantFrom(...DATES),
  whenChanged: fc.constantFrom(...DATES),
});

type MailboxFields = typeof mailboxFields extends fc.Arbitrary<infer T> ? T : never;

function toMailbox(fields: MailboxFields, index: number): StoredMailbox {
  // Unique columns get a `#index` suffix: the alphabet has no `#`, so they never collide.
  const addresses = fields.addresses.map((local, k) => `${local}.${index}.${k}@Example.COM`);
  // An empty address (allowed by the schema, unique across the table) must read as missing.
  if (index === 0 && fields.emptyAddress) addresses.push('');
  const customAttributes: (string | null)[] = CUSTOM_ATTRIBUTE_NUMBERS.map(() => null);
  customAttributes[0] = fields.customAttribute1;
  customAttributes[1] = fields.customAttribute2;
  const mailbox: Mailbox = {
    Guid: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
    DistinguishedName: `CN=${fields.name}#${index},DC=example,DC=com`,
    Name: fields.name,
    DisplayName: fields.displayName,
    Alias: fields.alias,
    SamAccountName: `${fields.sam}#${index}`,
    UserPrincipalName: `${fields.sam}#${index}@example.com`,
    PrimarySmtpAddress: addresses[0] ? fold(addresses[0]) : `nobody#${index}@example.com`,
    EmailAddresses: addresses,
    OrganizationalUnit: fields.organizationalUnit,
    Department: fields.department,
    Title: fields.title,
    Company: fields.company,
    Office: fields.office,
    City: fields.city,
    StateOrProvince: fields.stateOrProvince,
    CountryOrRegion: fields.countryOrRegion,
    CustomAttributes: customAttributes,
    RecipientTypeDetails: fields.recipientTypeDetails,
    IsAdministrator: fields.isAdministrator,
    ...effective(fields.stored, fields.isAdministrator),
    PopUseProtocolDefaults: fields.popDefaults,
    ImapUseProtocolDefaults: fields.imapDefaults,
    WhenCreated: fields.whenCreated,
    WhenChanged: fields.whenChanged,
  };
  return { mailbox, stored: fields.stored };
}

export const directory = fc
  .array(mailboxFields, { maxLength: 8 })
  .map((all) => all.map((fields, index) => toMailbox(fields, index)));

/** An in-memory store with casctl's schema, as the SQLite store would hold these mailboxes. */
export function loadSqlite(entries: readonly StoredMailbox[]): Database.Database {
  const db = new Database(':memory:');
  db.function('casctl_fold', { deterministic: true }, (s: unknown) => (s == null ? null : fold(String(s))));
  for (const migration of MIGRATIONS) db.exec(migration);
  const customColumns = CUSTOM_ATTRIBUTE_NUMBERS.map((n) => `custom_attribute_${n}`);
  const columns = [
    'id', 'guid', 'distinguished_name', 'name', 'display_name', 'alias', 'sam_account_name', 'user_principal_name',
    'primary_smtp_address', 'organizational_unit', 'department', 'title', 'company', 'office', 'city',
    'state_or_province', 'country_or_region', ...customColumns, 'recipient_type_details', 'is_administrator',
    // A nullable setting's filterable value is its setting column; the others' is the enabled column.
    ...PROTOCOLS.map((p) => (isNullable(p) ? SETTING_COLUMN[p.name as keyof typeof SETTING_COLUMN] : ENABLED_COLUMN[p.name])), 'pop_use_protocol_defaults', 'imap_use_protocol_defaults', 'when_created', 'when_changed',
  ];
  const insertMailbox = db.prepare(`INSERT INTO mailboxes (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const insertAddress = db.prepare('INSERT INTO email_addresses (address, mailbox_id) VALUES (?, ?)');
  entries.forEach(({ mailbox: m, stored }, index) => {
    const id = index + 1;
    insertMailbox.run(
      id, m.Guid, m.DistinguishedName, m.Name, m.DisplayName, m.Alias, m.SamAccountName, m.UserPrincipalName,
      m.PrimarySmtpAddress, m.OrganizationalUnit, m.Department, m.Title, m.Company, m.Office, m.City,
      m.StateOrProvince, m.CountryOrRegion, ...m.CustomAttributes, m.RecipientTypeDetails, Number(m.IsAdministrator),
      ...PROTOCOLS.map((p) => { const value = stored[p.property]; return value === null ? null : Number(value); }), Number(m.PopUseProtocolDefaults), Number(m.ImapUseProtocolDefaults),
      m.WhenCreated, m.WhenChanged,
    );
    for (const address of m.EmailAddresses) insertAddress.run(address, id);
  });
  return db;
}

/** Guids of the rows a WHERE fragment selects. */
export function selectGuids(db: Database.Database, where: string, params: (string | number)[]): string[] {
  return db
    .prepare<(string | number)[], { guid: string }>(`SELECT m.guid FROM mailboxes m WHERE ${where} ORDER BY m.id`)
    .all(...params)
    .map((row) => row.guid);
}

/** A hand-written mailbox for example-based tests; unique columns derive from `index`. */
export function exampleMailbox(index: number, overrides: Partial<Mailbox> = {}): StoredMailbox {
  const name = overrides.Name ?? `User ${index}`;
  const addresses = overrides.EmailAddresses ?? [`user${index}@tailspintoys.com`];
  const mailbox: Mailbox = {
    Guid: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
    DistinguishedName: `CN=${name},OU=Finance,DC=tailspintoys,DC=com`,
    Name: name,
    DisplayName: name,
    Alias: `user${index}`,
    SamAccountName: `user${index}`,
    UserPrincipalName: `user${index}@tailspintoys.com`,
    PrimarySmtpAddress: fold(addresses[0] ?? `user${index}@tailspintoys.com`),
    EmailAddresses: addresses,
    OrganizationalUnit: 'tailspintoys.com/North America/Finance',
    Department: null,
    Title: null,
    Company: null,
    Office: null,
    City: null,
    StateOrProvince: null,
    CountryOrRegion: null,
    CustomAttributes: CUSTOM_ATTRIBUTE_NUMBERS.map(() => null),
    RecipientTypeDetails: 'UserMailbox',
    IsAdministrator: false,
    ...perCasSetting(() => true),
    SmtpClientAuthenticationDisabled: null,
    PopUseProtocolDefaults: true,
    ImapUseProtocolDefaults: true,
    WhenCreated: '2026-01-01T00:00:00.000Z',
    WhenChanged: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
  // The store keeps whatever was set; the Administrator rule only changes how it reads.
  const stored = perCasSetting((p) => mailbox[p.property]) as CasSettingValues;
  return { mailbox: { ...mailbox, ...effective(stored, mailbox.IsAdministrator) }, stored };
}

/** The strings a directory holds per property, so that generated literals can equal them exactly. */
export function knownValues(entries: readonly StoredMailbox[]): Map<string, string[]> {
  return new Map(
    PROPERTIES.filter((p) => p.type === 'string').map((p) => [
      p.name,
      entries.flatMap(({ mailbox }) => {
        const read = p.read(mailbox);
        return (Array.isArray(read) ? read : [read]).filter((v): v is string => typeof v === 'string');
      }),
    ]),
  );
}
