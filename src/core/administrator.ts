import { fold } from './mailbox.js';
import { PROTOCOLS, valueAdmitting, type Protocol, type ProtocolDefinition, type SettingValue } from './protocols.js';

/**
 * The Administrator rule (DESIGN.md §2), for every place that reads, writes, imports or plans CAS
 * settings: the built-in administrator account never uses a protocol the registry marks
 * `administrator: 'refused'` (POP3 and IMAP4). A store keeps the flag with the mailbox; the
 * drivers state the same rule in their own terms (store/sqlite/administrator-sql.ts, the LDAP
 * assertion in store/ldap/apply-changes.ts and the passdb filter in store/ldap/ldap-auth-config.ts).
 */

/** What the rule needs to know of a protocol. */
export type RuledProtocol = Pick<ProtocolDefinition, 'administrator' | 'sense'>;

/** The rule applies to the protocol: the Administrator mailbox never uses it. */
export function refusesAdministrator(protocol: RuledProtocol): boolean {
  return protocol.administrator === 'refused';
}

/** The protocols the Administrator mailbox never uses, in registry order: what its messages name. */
export const ADMINISTRATOR_REFUSED: readonly Protocol[] = PROTOCOLS.filter(refusesAdministrator);

/** The built-in account is the one whose SamAccountName is Administrator; stores flag it so on import. */
export function isAdministratorAccount(samAccountName: string): boolean {
  return fold(samAccountName) === 'administrator';
}

/** What a protocol setting reads as: disabled for the Administrator mailbox when the rule applies, whatever is stored. */
export function effectiveEnabled(protocol: RuledProtocol, isAdministrator: boolean, stored: boolean): boolean {
  return stored && !(isAdministrator && refusesAdministrator(protocol));
}

/** Setting a protocol to `to` is refused only when it would enable the Administrator mailbox for a protocol the rule covers. */
export function refusesWrite(protocol: RuledProtocol, isAdministrator: boolean, to: SettingValue): boolean {
  return isAdministrator && refusesAdministrator(protocol) && to === valueAdmitting(protocol, true);
}
