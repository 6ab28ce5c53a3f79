import { ConfigError, StoreError } from '../core/errors.js';
import { fold } from '../core/mailbox.js';
import { PROTOCOLS, isNullable, protocolOf, type CasSettingName, type ProtocolName, type SettingValue } from '../core/protocols.js';

/*
 * What every mapping profile has, whatever the directory kind (LDAP: ldap/mapping.ts, SQL:
 * sql/mailbox-schema.ts): a name, a switch per protocol that is either what holds it (LDAP
 * values of one attribute, SQL columns, all moving together) or the protocol it follows, the
 * choice of the profile at open (init's option, the configuration, the store's own record), and
 * the configuration's generic form, validated with errors that name the key at fault.
 */

/** What holds a protocol's switch: at least one value or column, as a protocol with none could never be enabled. */
export type SwitchHolders = readonly [string, ...string[]];

/**
 * How a protocol is held: the holders that enable it (all set: enabled), or `follows`: the
 * directory has no switch of its own for it, it is admitted exactly when the named protocol is
 * (iRedMail's webmail logs in over IMAP), so it reads as that one and cannot be set.
 */
export type SwitchMapping = SwitchHolders | { follows: ProtocolName };

/** The holders of a protocol the directory switches itself; null when it follows another. */
export function switchHolders(switches: Readonly<Record<ProtocolName, SwitchMapping>>, protocol: ProtocolName): SwitchHolders | null {
  const held = switches[protocol];
  return Array.isArray(held) ? (held as SwitchHolders) : null;
}

/** The protocol whose switch a protocol reads as: itself, or the one it follows. */
export function switchOwner(switches: Readonly<Record<ProtocolName, SwitchMapping>>, protocol: ProtocolName): ProtocolName {
  const held = switches[protocol];
  return Array.isArray(held) ? protocol : (held as { follows: ProtocolName }).follows;
}

export interface UnwritableCheck {
  /** `The LDAP profile 'iredmail'`. */
  profile: string;
  switches: Readonly<Record<ProtocolName, SwitchMapping>>;
  /** Where the switches are held, for the message: `the enabledService values`, `its enable… columns`. */
  holders: string;
  /** Does the mapping hold a nullable setting of its own (so a mailbox may follow the organisation default)? */
  holdsSetting: (protocol: ProtocolName) => boolean;
}

/**
 * Why a mapping cannot hold `to` for the setting, in words for the admin; null when it can. A
 * protocol without a switch of its own reads as the protocol it follows and is never written; a
 * nullable setting without a place of its own is only its switches, so it cannot be $null.
 */
export function unwritableSetting(check: UnwritableCheck, property: CasSettingName, to: SettingValue): string | null {
  const protocol = protocolOf(property);
  const owner = switchOwner(check.switches, protocol.name);
  if (owner !== protocol.name) {
    const followed = PROTOCOLS.find((p) => p.name === owner) ?? protocol;
    return `${check.profile} has no switch of its own for ${protocol.displayName} (${property}): it reads as ${followed.displayName} (${followed.property}), which its logins go through, so it cannot be set; set ${followed.property} instead.`;
  }
  if (to === null && isNullable(protocol) && !check.holdsSetting(protocol.name)) {
    return `${check.profile} holds ${property} in ${check.holders} alone, so a mailbox cannot follow the organisation default: set $true or $false.`;
  }
  return null;
}

/** A profile of the configuration file: a built-in's name, or a generic profile of the directory kind's form. */
export type ProfileSetting<M> = string | M;

export interface ProfileSources<M> {
  /** `casctl init --profile <name>`. */
  option?: string;
  /** The configuration's `"<section>": { "profile": ... }`. */
  configured?: ProfileSetting<M>;
  /** What the store records: a profile's name, null for casctl's own schema, undefined when it records nothing yet. */
  recorded?: string | null;
}

export interface ProfileCatalogue<M> {
  /** `LDAP`, `SQL`: for messages. */
  kind: string;
  /** The configuration section the generic form goes in: `ldap`, `postgres`. */
  section: string;
  own: M;
  builtIn: ReadonlyMap<string, M>;
  nameOf: (mapping: M) => string | null;
  /** How to keep a mapped directory apart from casctl's own schema, for the message refusing to mix them. */
  ownSchemaHint: string;
}

/**
 * The mapping a store is opened with. The store records the profile `casctl init --profile`
 * set it up with, so later commands need no option; a configuration or an option naming another
 * one is refused rather than reading the directory through the wrong mapping.
 */
export function chooseProfile<M>(catalogue: ProfileCatalogue<M>, sources: ProfileSources<M>, url: string): M {
  const { option, configured, recorded } = sources;
  const nameOf = (setting: ProfileSetting<M>): string => (typeof setting === 'string' ? setting : (catalogue.nameOf(setting) ?? ''));
  const wanted = option ?? (configured === undefined ? undefined : nameOf(configured));
  if (option !== undefined && configured !== undefined && fold(option) !== fold(nameOf(configured))) {
    throw new StoreError(`--profile ${option} and the configuration file's "${catalogue.section}.profile" ('${nameOf(configured)}') disagree; keep one.`);
  }
  const resolve = (name: string): M => {
    if (configured !== undefined && typeof configured !== 'string' && fold(nameOf(configured)) === fold(name)) return configured;
    const builtIn = catalogue.builtIn.get(fold(name));
    if (builtIn !== undefined) return builtIn;
    const known = [...catalogue.builtIn.keys()].map((n) => `'${n}'`).join(', ');
    throw new StoreError(
      `There is no ${catalogue.kind} profile '${name}' for ${url}: casctl has ${known}; a profile of your own goes in the configuration file's "${catalogue.section}": { "profile": { "name": "${name}", ... } }.`,
    );
  };
  if (recorded === undefined) return wanted === undefined ? catalogue.own : resolve(wanted);
  if (recorded === null) {
    if (wanted === undefined) return catalogue.own;
    throw new StoreError(`${url} holds casctl's own schema, not a directory mapped by the profile '${wanted}': drop the profile, or ${catalogue.ownSchemaHint}.`);
  }
  if (wanted !== undefined && fold(wanted) !== fold(recorded)) {
    throw new StoreError(`${url} was set up with the ${catalogue.kind} profile '${recorded}' (casctl init --profile ${recorded}); the profile '${wanted}' would read it otherwise. Use '${recorded}'.`);
  }
  return resolve(recorded);
}

/* The generic form's validation, shared by the directory kinds: each names the key at fault. */

/**
 * `"<section>": { "profile": ... }` of the configuration file at `path`: a built-in's name, or
 * the generic form's object of known keys (with where it is, for the errors about its keys).
 */
export function profileRoot(value: unknown, section: string, path: string, keys: readonly string[]): string | { profile: Record<string, unknown>; root: string } {
  const root = `The configuration file '${path}': "${section}.profile"`;
  if (typeof value === 'string') {
    if (value === '') throw new ConfigError(`${root} must name a profile (e.g. "iredmail") or be a profile object.`);
    return value;
  }
  const profile = configObject(value, root);
  onlyKeys(profile, keys, root);
  return { profile, root };
}

export function configObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${where} must be an object.`);
  return value as Record<string, unknown>;
}

export function onlyKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(`${where}: unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}; known: ${known.map((k) => `"${k}"`).join(', ')}.`);
  }
}

export function configText(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${where} must be a non-empty string.`);
  return value;
}

/**
 * `"protocols": { "pop3": [...], "owa": { "follows": "imap" }, ... }`: every protocol of the
 * registry mapped, each holder (`what`: `value`, `column`) switching one protocol only.
 */
export function parseSwitchProtocols(value: unknown, where: string, holder: (item: unknown, at: string) => string, what: string): Record<ProtocolName, SwitchMapping> {
  const names = PROTOCOLS.map((p) => p.name) as string[];
  const given = configObject(value, where);
  onlyKeys(given, names, where);
  const missing = names.filter((name) => given[name] === undefined);
  if (missing.length > 0) throw new ConfigError(`${where} must map every protocol; missing: ${missing.map((n) => `"${n}"`).join(', ')} (give its ${what}s, or { "follows": "<protocol>" }).`);
  const protocols: Record<string, SwitchMapping> = {};
  const owner = new Map<string, string>();
  for (const name of names) {
    const at = `${where}.${name}`;
    const item = given[name];
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const follows = (item as Record<string, unknown>).follows;
      onlyKeys(item as Record<string, unknown>, ['follows'], at);
      if (typeof follows !== 'string' || !names.includes(follows) || follows === name || !Array.isArray(given[follows])) {
        throw new ConfigError(`${at}.follows must name another protocol that has ${what}s of its own (${names.filter((n) => n !== name).map((n) => `"${n}"`).join(', ')}).`);
      }
      protocols[name] = { follows: follows as ProtocolName };
      continue;
    }
    if (!Array.isArray(item) || item.length === 0) throw new ConfigError(`${at} must be a non-empty list of ${what}s, or { "follows": "<protocol>" }.`);
    const list = item.map((entry, i) => holder(entry, `${at}[${i}]`));
    for (const v of list) {
      const other = owner.get(fold(v));
      if (other !== undefined) throw new ConfigError(`${at}: the ${what} "${v}" is also ${other}'s; each ${what} may switch one protocol only.`);
      owner.set(fold(v), name);
    }
    protocols[name] = list as unknown as SwitchHolders;
  }
  return protocols as Record<ProtocolName, SwitchMapping>;
}
