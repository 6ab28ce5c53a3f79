import { CUSTOM_ATTRIBUTE_NUMBERS } from '../../core/mailbox.js';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS, isNullable, type AdministratorRule, type NullableProtocol } from '../../core/protocols.js';
import { ENABLED_SERVICE_VALUES, SETTING_ATTRIBUTE, USE_DEFAULTS_ATTRIBUTE, type ServiceValues } from './protocol-values.js';

/**
 * How the LDAP store holds a filterable property: an attribute (multi-valued or not), a
 * protocol's values of the multi-valued casEnabledService (enabled while all are present) with
 * the protocol's Administrator rule, or null when LDAP cannot express it and the store evaluates
 * it client-side.
 */
export type PropertyAttribute =
  | { attribute: string; multiValued: boolean; nullable?: true }
  | { enabledServices: ServiceValues; administrator: AdministratorRule }
  | null;

const single = (attribute: string): PropertyAttribute => ({ attribute, multiValued: false });

/** Every mailbox property (core/properties.ts) and where an entry holds it; a unit test holds it complete. */
export const PROPERTY_ATTRIBUTES: ReadonlyMap<string, PropertyAttribute> = new Map<string, PropertyAttribute>([
  ['Guid', single('casGuid')],
  // The DN, the Name (cn, its first RDN) and the OU are the entry's place in the tree.
  ['DistinguishedName', null],
  ['Name', single('cn')],
  ['DisplayName', single('displayName')],
  ['Alias', single('uid')],
  ['SamAccountName', single('casSamAccountName')],
  ['UserPrincipalName', single('casUserPrincipalName')],
  ['PrimarySmtpAddress', single('mail')],
  ['EmailAddresses', { attribute: 'casEmailAddress', multiValued: true }],
  ['OrganizationalUnit', null],
  ['Department', single('departmentNumber')],
  ['Title', single('title')],
  ['Company', single('o')],
  ['Office', single('physicalDeliveryOfficeName')],
  ['City', single('l')],
  ['StateOrProvince', single('st')],
  ['CountryOrRegion', single('c')],
  ...CUSTOM_ATTRIBUTE_NUMBERS.map((n): [string, PropertyAttribute] => [`CustomAttribute${n}`, single(`casCustomAttribute${n}`)]),
  // A constant: every mailbox is a UserMailbox recipient.
  ['RecipientType', null],
  ['RecipientTypeDetails', single('casRecipientTypeDetails')],
  // A nullable setting is its own attribute (absent: $null), not the values it leads to.
  ...PROTOCOLS.map((p): [string, PropertyAttribute] => [
    p.property,
    isNullable(p)
      ? { attribute: SETTING_ATTRIBUTE[(p as NullableProtocol).name], multiValued: false, nullable: true }
      : { enabledServices: ENABLED_SERVICE_VALUES[p.name], administrator: p.administrator },
  ]),
  ...USE_DEFAULTS_PROTOCOLS.map((p): [string, PropertyAttribute] => [p.useDefaultsProperty, single(USE_DEFAULTS_ATTRIBUTE[p.name])]),
  // Not pushed down: the store re-checks them client-side.
  ['WhenCreated', null],
  ['WhenChanged', null],
]);

export function propertyAttribute(name: string): PropertyAttribute {
  const found = PROPERTY_ATTRIBUTES.get(name);
  if (found === undefined) throw new Error(`The LDAP store has no mapping for the property '${name}'.`);
  return found;
}
