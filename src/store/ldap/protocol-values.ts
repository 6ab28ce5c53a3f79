import { fold } from '../../core/mailbox.js';
import type { NullableProtocol, Protocol, ProtocolName, ProtocolWithDefaults } from '../../core/protocols.js';
import type { LdapEntry, Modification } from './connection.js';
import { CASCTL_MAPPING, switchOwner, switchValues, type LdapMapping, type ServiceValues } from './mapping.js';

export type { ServiceValues } from './mapping.js';

/**
 * The casEnabledService values each protocol is enabled by in casctl's own schema
 * (mapping.ts: CASCTL_MAPPING), for the code that only casctl's schema has: its Dovecot
 * configuration, import and the upgrade of an old store.
 */
export const ENABLED_SERVICE_VALUES: Readonly<Record<ProtocolName, ServiceValues>> = Object.fromEntries(
  Object.keys(CASCTL_MAPPING.switches.protocols).map((name) => [name, switchValues(CASCTL_MAPPING, name as ProtocolName) as ServiceValues]),
) as Record<ProtocolName, ServiceValues>;

/**
 * The attribute holding a nullable protocol's setting as set in casctl's schema (TRUE/FALSE;
 * absent: the mailbox follows the organisation default). casEnabledService then holds what the two make it.
 */
export const SETTING_ATTRIBUTE: Readonly<Record<NullableProtocol['name'], string>> = CASCTL_MAPPING.settingAttributes as Record<NullableProtocol['name'], string>;

/** The attribute of the casctl container (casStore) holding each nullable setting's organisation default; absent: casctl's built-in. */
export const DEFAULT_ATTRIBUTE: Readonly<Record<NullableProtocol['name'], string>> = {
  smtp: 'casDefaultSmtpClientAuthenticationDisabled',
};

/** The attribute holding the UseProtocolDefaults of each protocol that has one (schema/casmailbox.schema). */
export const USE_DEFAULTS_ATTRIBUTE: Readonly<Record<ProtocolWithDefaults['name'], string>> = CASCTL_MAPPING.useDefaultsAttributes as Record<ProtocolWithDefaults['name'], string>;

/** A nullable setting as its attribute holds it: TRUE, FALSE, or absent (null); a mapping without the attribute reads its switch values. */
export function settingValueOf(entry: LdapEntry, protocol: NullableProtocol, mapping: LdapMapping = CASCTL_MAPPING): boolean | null {
  const attribute = mapping.settingAttributes[protocol.name];
  // No attribute of its own: the switch values are the setting, said the Disabled way round.
  if (attribute === undefined) return !enablesProtocol(entry, protocol, mapping);
  const value = entry.first(attribute)?.toUpperCase();
  return value === 'TRUE' ? true : value === 'FALSE' ? false : null;
}

/**
 * The entry holds every one of `values` (in any case, as directories are edited by hand too).
 * casctl writes a protocol's values together, so an entry holding only some of them was edited
 * by something else. It reads as disabled, to be safe: casctl never reports a protocol enabled
 * that Dovecot refuses for one of its services, and the next write enabling it adds the missing
 * values (serviceValuesModification), which repairs the entry. A write disabling it finds nothing
 * to change, so a stray value still admits its one service until then.
 */
export function holdsAll(entry: LdapEntry, values: ServiceValues, mapping: LdapMapping = CASCTL_MAPPING): boolean {
  const held = new Set(entry.values(mapping.switches.attribute).map(fold));
  return values.every((value) => held.has(fold(value)));
}

/** The entry holds all of the protocol's switch values (of the protocol it follows, where it has none of its own). */
export function enablesProtocol(entry: LdapEntry, protocol: Protocol, mapping: LdapMapping = CASCTL_MAPPING): boolean {
  return holdsAll(entry, switchValues(mapping, switchOwner(mapping, protocol.name)) as ServiceValues, mapping);
}

/**
 * The one modification that sets a protocol's values on `entry` as read: enabling adds the values
 * it lacks (all, or the rest of a partly enabled entry), disabling deletes them all. Either fails
 * as a whole (20 on an add of a present value, 16 on a delete of an absent one) when the entry
 * changed since the read, which keeps each write a compare-and-set.
 */
export function serviceValuesModification(entry: LdapEntry, values: ServiceValues, enabled: boolean, mapping: LdapMapping = CASCTL_MAPPING): Modification {
  const attribute = mapping.switches.attribute;
  if (!enabled) return { operation: 'delete', attribute, values };
  const held = new Set(entry.values(attribute).map(fold));
  return { operation: 'add', attribute, values: values.filter((value) => !held.has(fold(value))) };
}

/** The entry's casEnabledService values that enable some protocol of `map`, as the entry spells them. */
export function protocolValuesHeld(entry: LdapEntry, map: Readonly<Record<string, ServiceValues>> = ENABLED_SERVICE_VALUES): string[] {
  const values = new Set(Object.values(map).flat().map(fold));
  return entry.values(CASCTL_MAPPING.switches.attribute).filter((v) => values.has(fold(v)));
}
