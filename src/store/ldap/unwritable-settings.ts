import { PROTOCOLS, isNullable, protocolOf, type CasSettingName, type NullableProtocol, type SettingValue } from '../../core/protocols.js';
import { switchOwner, type LdapMapping } from './mapping.js';

/**
 * Why a mapping cannot hold `to` for the setting, in words for the admin; null when it can. A
 * protocol without switch values of its own (iRedMail's webmail, which logs in over IMAP) reads
 * as the protocol it follows and is never written; a nullable setting without an attribute of its
 * own is only its switch values, so it cannot be $null.
 */
export function unwritableSetting(mapping: LdapMapping, property: CasSettingName, to: SettingValue): string | null {
  const protocol = protocolOf(property);
  const profile = `The LDAP profile '${mapping.profile ?? 'casctl'}'`;
  const owner = switchOwner(mapping, protocol.name);
  if (owner !== protocol.name) {
    const followed = PROTOCOLS.find((p) => p.name === owner) ?? protocol;
    return `${profile} has no switch of its own for ${protocol.displayName} (${property}): it reads as ${followed.displayName} (${followed.property}), which its logins go through, so it cannot be set; set ${followed.property} instead.`;
  }
  if (to === null && isNullable(protocol) && mapping.settingAttributes[(protocol as NullableProtocol).name] === undefined) {
    return `${profile} holds ${property} in the ${mapping.switches.attribute} values alone, so a mailbox cannot follow the organisation default: set $true or $false.`;
  }
  return null;
}
