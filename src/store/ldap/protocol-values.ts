import { fold } from '../../core/mailbox.js';
import type { NullableProtocol, Protocol, ProtocolName, ProtocolWithDefaults } from '../../core/protocols.js';
import { ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import type { LdapEntry, Modification } from './connection.js';

/** A protocol's casEnabledService values: at least one, as a protocol with none could never be enabled. */
export type ServiceValues = readonly [string, ...string[]];

/**
 * The casEnabledService values each protocol is enabled by: the LDAP driver's own per-protocol
 * map. Dovecot's passdb filter (ldap-auth-config.ts) matches `casEnabledService=%s`, where %s is
 * the Dovecot service logged in to, so a protocol has one value per Dovecot service it covers,
 * named as the service (SMTP AUTH will be `smtp`, from Postfix, and `submission`, from Dovecot's
 * submission service). The map is not derived from the registry's dovecotServices, though a unit
 * test holds them equal: the values are stored data, and a protocol enforced otherwise than by
 * %s (OWA, IMAP from the webmail hosts) needs a value that is no service name.
 */
export const ENABLED_SERVICE_VALUES: Readonly<Record<ProtocolName, ServiceValues>> = {
  pop3: ['pop3'],
  imap: ['imap'],
  // No service is called owa: the webmail passdbs match this value, not %s (ldap-auth-config.ts).
  owa: ['owa'],
  smtp: ['smtp', 'submission'],
  sieve: ['sieve'],
};

/**
 * The attribute holding a nullable protocol's setting as set (TRUE/FALSE; absent: the mailbox
 * follows the organisation default). casEnabledService then holds what the two make it.
 */
export const SETTING_ATTRIBUTE: Readonly<Record<NullableProtocol['name'], string>> = {
  smtp: 'casSmtpClientAuthenticationDisabled',
};

/** The attribute of the casctl container (casStore) holding each nullable setting's organisation default; absent: casctl's built-in. */
export const DEFAULT_ATTRIBUTE: Readonly<Record<NullableProtocol['name'], string>> = {
  smtp: 'casDefaultSmtpClientAuthenticationDisabled',
};

/** A nullable setting as its attribute holds it: TRUE, FALSE, or absent (null). */
export function settingValueOf(entry: LdapEntry, protocol: NullableProtocol): boolean | null {
  const value = entry.first(SETTING_ATTRIBUTE[protocol.name])?.toUpperCase();
  return value === 'TRUE' ? true : value === 'FALSE' ? false : null;
}

/** The attribute holding the UseProtocolDefaults of each protocol that has one (schema/casmailbox.schema). */
export const USE_DEFAULTS_ATTRIBUTE: Readonly<Record<ProtocolWithDefaults['name'], string>> = {
  pop3: 'casPopUseProtocolDefaults',
  imap: 'casImapUseProtocolDefaults',
};

/**
 * The entry holds every one of `values` (in any case, as directories are edited by hand too).
 * casctl writes a protocol's values together, so an entry holding only some of them was edited
 * by something else. It reads as disabled, to be safe: casctl never reports a protocol enabled
 * that Dovecot refuses for one of its services, and the next write enabling it adds the missing
 * values (serviceValuesModification), which repairs the entry. A write disabling it finds nothing
 * to change, so a stray value still admits its one service until then.
 */
export function holdsAll(entry: LdapEntry, values: ServiceValues): boolean {
  const held = new Set(entry.values(ENABLED_SERVICE_ATTRIBUTE).map(fold));
  return values.every((value) => held.has(fold(value)));
}

/** The entry holds all of the protocol's casEnabledService values. */
export function enablesProtocol(entry: LdapEntry, protocol: Protocol): boolean {
  return holdsAll(entry, ENABLED_SERVICE_VALUES[protocol.name]);
}

/**
 * The one modification that sets a protocol's values on `entry` as read: enabling adds the values
 * it lacks (all, or the rest of a partly enabled entry), disabling deletes them all. Either fails
 * as a whole (20 on an add of a present value, 16 on a delete of an absent one) when the entry
 * changed since the read, which keeps each write a compare-and-set.
 */
export function serviceValuesModification(entry: LdapEntry, values: ServiceValues, enabled: boolean): Modification {
  if (!enabled) return { operation: 'delete', attribute: ENABLED_SERVICE_ATTRIBUTE, values };
  const held = new Set(entry.values(ENABLED_SERVICE_ATTRIBUTE).map(fold));
  return { operation: 'add', attribute: ENABLED_SERVICE_ATTRIBUTE, values: values.filter((value) => !held.has(fold(value))) };
}

/** The entry's casEnabledService values that enable some protocol of `map`, as the entry spells them. */
export function protocolValuesHeld(entry: LdapEntry, map: Readonly<Record<string, ServiceValues>> = ENABLED_SERVICE_VALUES): string[] {
  const values = new Set(Object.values(map).flat().map(fold));
  return entry.values(ENABLED_SERVICE_ATTRIBUTE).filter((v) => values.has(fold(v)));
}
