import { chooseProfile, type ProfileSources as Sources } from '../mapping-profiles.js';
import { CASCTL_MAPPING, type LdapMapping } from './mapping.js';
import { BUILT_IN_PROFILES } from './profiles.js';

export type ProfileSources = Sources<LdapMapping>;

/** The mapping the LDAP store is opened with (mapping-profiles.ts decides), cn=casctl recording the profile. */
export function chooseMapping(sources: ProfileSources, url: string): LdapMapping {
  return chooseProfile(
    { kind: 'LDAP', section: 'ldap', own: CASCTL_MAPPING, builtIn: BUILT_IN_PROFILES, nameOf: (m) => m.profile, ownSchemaHint: 'use a base DN of its own for the mapped directory' },
    sources,
    url,
  );
}
