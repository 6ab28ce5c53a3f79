import { CUSTOM_ATTRIBUTE_NUMBERS } from '../../core/mailbox.js';
import { PROTOCOLS, USE_DEFAULTS_PROTOCOLS, isNullable, type AdministratorRule, type NullableProtocol } from '../../core/protocols.js';
import { CASCTL_MAPPING, TEXT_PROPERTIES, switchOwner, switchValues, type LdapMapping, type ServiceValues } from './mapping.js';

/**
 * How the LDAP store holds a filterable property: an attribute (multi-valued or not), a
 * protocol's values of the multi-valued switch attribute (enabled while all are present) with
 * the protocol's Administrator rule and the Administrator marker, or null when LDAP cannot
 * express it and the store evaluates it client-side.
 */
export type PropertyAttribute =
  | { attribute: string; multiValued: boolean; nullable?: true }
  | { enabledServices: ServiceValues; switchAttribute: string; administrator: AdministratorRule; administratorMarker: LdapMapping['administrator'] }
  | null;

const single = (attribute: string | null): PropertyAttribute => (attribute === null ? null : { attribute, multiValued: false });

/** Every mailbox property (core/properties.ts) and where the mapping's entries hold it; a unit test holds it complete. */
export function propertyAttributes(mapping: LdapMapping): ReadonlyMap<string, PropertyAttribute> {
  const { attributes } = mapping;
  const text = TEXT_PROPERTIES.filter((p) => p !== 'Name' && p !== 'RecipientTypeDetails').map((p): [string, PropertyAttribute] => [p, single(attributes[p])]);
  // One attribute holds them all, or the store re-checks client-side.
  const [addresses] = mapping.emailAddresses;
  return new Map<string, PropertyAttribute>([
    ['Guid', single(mapping.guid)],
    // The DN, the Name (its first RDN) and the OU are the entry's place in the tree.
    ['DistinguishedName', null],
    ['Name', single(attributes.Name)],
    ...text,
    ['EmailAddresses', mapping.emailAddresses.length === 1 && addresses !== undefined ? { attribute: addresses, multiValued: true } : null],
    ['OrganizationalUnit', null],
    ...CUSTOM_ATTRIBUTE_NUMBERS.map((n): [string, PropertyAttribute] => [`CustomAttribute${n}`, single(mapping.customAttributePrefix === null ? null : `${mapping.customAttributePrefix}${n}`)]),
    // A constant: every mailbox is a UserMailbox recipient.
    ['RecipientType', null],
    ['RecipientTypeDetails', single(attributes.RecipientTypeDetails)],
    // A nullable setting with its own attribute is that attribute (absent: $null), not the values it leads to.
    ...PROTOCOLS.map((p): [string, PropertyAttribute] => {
      const setting = isNullable(p) ? mapping.settingAttributes[(p as NullableProtocol).name] : undefined;
      if (setting !== undefined) return [p.property, { attribute: setting, multiValued: false, nullable: true }];
      // A Disabled setting held as switch values reads the other way round: client-side.
      if (isNullable(p)) return [p.property, null];
      const values = switchValues(mapping, switchOwner(mapping, p.name)) as ServiceValues;
      return [p.property, { enabledServices: values, switchAttribute: mapping.switches.attribute, administrator: p.administrator, administratorMarker: mapping.administrator }];
    }),
    ...USE_DEFAULTS_PROTOCOLS.map((p): [string, PropertyAttribute] => [p.useDefaultsProperty, single(mapping.useDefaultsAttributes[p.name] ?? null)]),
    // Not pushed down: the store re-checks them client-side.
    ['WhenCreated', null],
    ['WhenChanged', null],
  ]);
}

/** casctl's own schema's map. */
export const PROPERTY_ATTRIBUTES: ReadonlyMap<string, PropertyAttribute> = propertyAttributes(CASCTL_MAPPING);

export function propertyAttribute(name: string, attributes: ReadonlyMap<string, PropertyAttribute> = PROPERTY_ATTRIBUTES): PropertyAttribute {
  const found = attributes.get(name);
  if (found === undefined) throw new Error(`The LDAP store has no mapping for the property '${name}'.`);
  return found;
}
