import { CUSTOM_ATTRIBUTE_NUMBERS } from '../../core/mailbox.js';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS } from '../../core/protocols.js';
import { USE_DEFAULTS_COLUMN } from '../sql/casctl-columns.js';
import { settingSql } from './setting-sql.js';

/**
 * Where the SQLite store holds each filterable property: a SQL expression over the
 * `mailboxes` row aliased `m`, or for a multi-valued property the table and column holding one
 * value per row, keyed by `mailbox_id`.
 */
export type PropertyColumn = { expression: string } | { table: string; column: string };

const column = (name: string): PropertyColumn => ({ expression: `m.${name}` });

const COLUMNS: ReadonlyMap<string, PropertyColumn> = new Map<string, PropertyColumn>([
  ['Guid', column('guid')],
  ['DistinguishedName', column('distinguished_name')],
  ['Name', column('name')],
  ['DisplayName', column('display_name')],
  ['Alias', column('alias')],
  ['SamAccountName', column('sam_account_name')],
  ['UserPrincipalName', column('user_principal_name')],
  ['PrimarySmtpAddress', column('primary_smtp_address')],
  ['EmailAddresses', { table: 'email_addresses', column: 'address' }],
  ['OrganizationalUnit', column('organizational_unit')],
  ['Department', column('department')],
  ['Title', column('title')],
  ['Company', column('company')],
  ['Office', column('office')],
  ['City', column('city')],
  ['StateOrProvince', column('state_or_province')],
  ['CountryOrRegion', column('country_or_region')],
  ...CUSTOM_ATTRIBUTE_NUMBERS.map((n): [string, PropertyColumn] => [`CustomAttribute${n}`, column(`custom_attribute_${n}`)]),
  // Every mailbox is a UserMailbox recipient (core/properties.ts): a constant, no column.
  ['RecipientType', { expression: `'UserMailbox'` }],
  ['RecipientTypeDetails', column('recipient_type_details')],
  // The Administrator mailbox reads as disabled whatever is stored (DESIGN.md §2); a nullable setting is NULL when it follows the organisation.
  ...PROTOCOLS.map((p): [string, PropertyColumn] => [p.property, { expression: settingSql(p) }]),
  ...USE_DEFAULTS_PROTOCOLS.map((p): [string, PropertyColumn] => [p.useDefaultsProperty, column(USE_DEFAULTS_COLUMN[p.name])]),
  ['WhenCreated', column('when_created')],
  ['WhenChanged', column('when_changed')],
]);

/** The column of a property of the mailbox schema (core/properties.ts); a unit test holds the map complete. */
export function propertyColumn(name: string): PropertyColumn {
  const found = COLUMNS.get(name);
  if (found === undefined) throw new Error(`The SQLite store has no column for the property '${name}'.`);
  return found;
}

