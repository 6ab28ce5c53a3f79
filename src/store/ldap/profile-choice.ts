import { StoreError } from '../../core/errors.js';
import { fold } from '../../core/mailbox.js';
import { CASCTL_MAPPING, type LdapMapping } from './mapping.js';
import type { ProfileSetting } from './profile-config.js';
import { BUILT_IN_PROFILES } from './profiles.js';

export interface ProfileSources {
  /** `casctl init --profile <name>`. */
  option?: string;
  /** The configuration's `"ldap": { "profile": ... }`. */
  configured?: ProfileSetting;
  /** What cn=casctl records: a profile's name, null for casctl's own schema, undefined when there is no cn=casctl yet. */
  recorded?: string | null;
}

const nameOf = (setting: ProfileSetting): string => (typeof setting === 'string' ? setting : (setting.profile ?? ''));

function known(): string {
  return [...BUILT_IN_PROFILES.keys()].map((n) => `'${n}'`).join(', ');
}

/** The mapping of a profile name: the configuration's generic profile of that name, else a built-in one. */
function resolve(name: string, configured: ProfileSetting | undefined, url: string): LdapMapping {
  if (configured !== undefined && typeof configured !== 'string' && fold(nameOf(configured)) === fold(name)) return configured;
  const builtIn = BUILT_IN_PROFILES.get(fold(name));
  if (builtIn !== undefined) return builtIn;
  throw new StoreError(
    `There is no LDAP profile '${name}' for ${url}: casctl has ${known()}; a profile of your own goes in the configuration file's "ldap": { "profile": { "name": "${name}", ... } }.`,
  );
}

/**
 * The mapping the store is opened with. cn=casctl records the profile `casctl init --profile`
 * set it up with, so later commands need no option; a configuration or an option naming another
 * one is refused rather than reading the directory through the wrong mapping.
 */
export function chooseMapping(sources: ProfileSources, url: string): LdapMapping {
  const { option, configured, recorded } = sources;
  const wanted = option ?? (configured === undefined ? undefined : nameOf(configured));
  if (option !== undefined && configured !== undefined && fold(option) !== fold(nameOf(configured))) {
    throw new StoreError(`--profile ${option} and the configuration file's "ldap.profile" ('${nameOf(configured)}') disagree; keep one.`);
  }
  if (recorded === undefined) return wanted === undefined ? CASCTL_MAPPING : resolve(wanted, configured, url);
  if (recorded === null) {
    if (wanted === undefined) return CASCTL_MAPPING;
    throw new StoreError(`${url} holds casctl's own schema, not a directory mapped by the profile '${wanted}': drop the profile, or use a base DN of its own for the mapped directory.`);
  }
  if (wanted !== undefined && fold(wanted) !== fold(recorded)) {
    throw new StoreError(`${url} was set up with the LDAP profile '${recorded}' (casctl init --profile ${recorded}); the profile '${wanted}' would read it otherwise. Use '${recorded}'.`);
  }
  return resolve(recorded, configured, url);
}
