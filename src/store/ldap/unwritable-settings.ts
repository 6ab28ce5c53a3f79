import type { CasSettingName, NullableProtocol, SettingValue } from '../../core/protocols.js';
import { unwritableSetting as unwritable } from '../mapping-profiles.js';
import type { LdapMapping } from './mapping.js';

/** Why the LDAP mapping cannot hold `to` for the setting (mapping-profiles.ts); null when it can. */
export function unwritableSetting(mapping: LdapMapping, property: CasSettingName, to: SettingValue): string | null {
  return unwritable(
    {
      profile: `The LDAP profile '${mapping.profile ?? 'casctl'}'`,
      switches: mapping.switches.protocols,
      holders: `the ${mapping.switches.attribute} values`,
      holdsSetting: (protocol) => mapping.settingAttributes[protocol as NullableProtocol['name']] !== undefined,
    },
    property,
    to,
  );
}
