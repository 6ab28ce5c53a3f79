import { ConfigError } from '../../core/errors.js';
import { parseDn } from '../../core/dn-syntax.js';
import { fold } from '../../core/mailbox.js';
import { PROTOCOLS, type ProtocolName } from '../../core/protocols.js';
import { TEXT_PROPERTIES, type EntrySet, type LdapMapping, type ServiceValues, type SwitchMapping, type TextProperty } from './mapping.js';

/**
 * The generic profile form of the configuration file's `"ldap": { "profile": {...} }`: a mapping
 * onto a directory casctl did not make, validated with errors that name the key at fault.
 *
 *   "profile": {
 *     "name": "acme",
 *     "mailboxes": { "base": "ou=People", "scope": "sub", "filter": "(objectClass=acmeMailUser)" },
 *     "organizationalUnits": { "base": "ou=Domains", "scope": "one", "filter": "(objectClass=acmeDomain)" },
 *     "guid": "entryUUID",
 *     "attributes": { "Name": "mail", "PrimarySmtpAddress": "mail", "DisplayName": "cn" },
 *     "emailAddresses": ["mail", "acmeAlias"],
 *     "switches": { "attribute": "acmeService", "protocols": { "pop3": ["pop3", "pop3s"], "owa": { "follows": "imap" }, ... } },
 *     "administrator": { "attribute": "acmeRole", "value": "superuser" }
 *   }
 *
 * Every protocol of the registry must be mapped (values, or `follows` another). A property left
 * out of "attributes" is one the directory lacks: it reads empty. Bases are relative to the
 * store URL's base DN ("" is the base itself).
 */
const KEYS = ['name', 'mailboxes', 'organizationalUnits', 'guid', 'attributes', 'emailAddresses', 'switches', 'administrator'] as const;

type Where = (key: string) => string;

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${where} must be an object.`);
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(`${where}: unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}; known: ${known.map((k) => `"${k}"`).join(', ')}.`);
  }
}

const ATTRIBUTE = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/;

function attributeName(value: unknown, where: string): string {
  if (typeof value !== 'string' || !ATTRIBUTE.test(value)) throw new ConfigError(`${where} must be an LDAP attribute name (letters, digits and hyphens, or an OID).`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${where} must be a non-empty string.`);
  return value;
}

/** An RFC 4515 filter in parentheses, balanced: the server judges the rest, at open time. */
function filter(value: unknown, where: string): string {
  const given = text(value, where);
  let depth = 0;
  for (const [index, char] of [...given].entries()) {
    if (char === '\\') continue;
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) throw new ConfigError(`${where}: unbalanced ')' at character ${index + 1}.`);
  }
  if (!given.startsWith('(') || !given.endsWith(')') || depth !== 0) throw new ConfigError(`${where} must be an LDAP filter in parentheses, e.g. (objectClass=mailUser).`);
  return given;
}

function entrySet(value: unknown, where: string, scopes: readonly EntrySet['scope'][]): EntrySet {
  const set = object(value, where);
  onlyKeys(set, ['base', 'scope', 'filter'], where);
  const base = typeof set.base === 'string' ? set.base : undefined;
  if (base === undefined || parseDn(base) === null) throw new ConfigError(`${where}.base must be a DN relative to the store's base DN ("" for the base itself), e.g. "o=domains".`);
  const scope = set.scope ?? 'sub';
  if (typeof scope !== 'string' || !(scopes as readonly string[]).includes(scope)) throw new ConfigError(`${where}.scope must be ${scopes.map((s) => `"${s}"`).join(' or ')}.`);
  return { base, scope: scope as EntrySet['scope'], filter: filter(set.filter, `${where}.filter`) };
}

function values(value: unknown, where: string): ServiceValues {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(`${where} must be a non-empty list of values, or { "follows": "<protocol>" }.`);
  return value.map((item, i) => text(item, `${where}[${i}]`)) as unknown as ServiceValues;
}

function switches(value: unknown, where: Where): LdapMapping['switches'] {
  const here = where('switches');
  const section = object(value, here);
  onlyKeys(section, ['attribute', 'protocols'], here);
  const names = PROTOCOLS.map((p) => p.name) as string[];
  const given = object(section.protocols, `${here}.protocols`);
  onlyKeys(given, names, `${here}.protocols`);
  const missing = names.filter((name) => given[name] === undefined);
  if (missing.length > 0) throw new ConfigError(`${here}.protocols must map every protocol; missing: ${missing.map((n) => `"${n}"`).join(', ')} (give its values, or { "follows": "<protocol>" }).`);
  const protocols: Record<string, SwitchMapping> = {};
  const owner = new Map<string, string>();
  for (const name of names) {
    const at = `${here}.protocols.${name}`;
    const item = given[name];
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const follows = (item as Record<string, unknown>).follows;
      onlyKeys(item as Record<string, unknown>, ['follows'], at);
      if (typeof follows !== 'string' || !names.includes(follows) || follows === name || !Array.isArray(given[follows])) {
        throw new ConfigError(`${at}.follows must name another protocol that has values of its own (${names.filter((n) => n !== name).map((n) => `"${n}"`).join(', ')}).`);
      }
      protocols[name] = { follows: follows as ProtocolName };
      continue;
    }
    const list = values(item, at);
    for (const v of list) {
      const other = owner.get(fold(v));
      if (other !== undefined) throw new ConfigError(`${at}: the value "${v}" is also ${other}'s; each value may switch one protocol only.`);
      owner.set(fold(v), name);
    }
    protocols[name] = list;
  }
  return { attribute: attributeName(section.attribute, `${here}.attribute`), protocols: protocols as Record<ProtocolName, SwitchMapping> };
}

function attributes(value: unknown, where: Where): Record<TextProperty, string | null> {
  const here = where('attributes');
  const given = object(value, here);
  onlyKeys(given, TEXT_PROPERTIES, here);
  const result = Object.fromEntries(TEXT_PROPERTIES.map((p) => [p, given[p] === undefined || given[p] === null ? null : attributeName(given[p], `${here}.${p}`)])) as Record<TextProperty, string | null>;
  for (const required of ['Name', 'PrimarySmtpAddress'] as const) {
    if (result[required] === null) throw new ConfigError(`${here}.${required} is required: casctl names and finds mailboxes by it.`);
  }
  return result;
}

function administrator(value: unknown, where: Where): LdapMapping['administrator'] {
  if (value === undefined || value === null) return null;
  const here = where('administrator');
  const marker = object(value, here);
  onlyKeys(marker, ['attribute', 'value'], here);
  return { attribute: attributeName(marker.attribute, `${here}.attribute`), value: text(marker.value, `${here}.value`) };
}

/** The profile the configuration's `"ldap": { "profile": ... }` gives: a built-in's name, or a generic profile. */
export type ProfileSetting = string | LdapMapping;

/** Validates `"ldap": { "profile": ... }` of the configuration file at `path`. */
export function parseProfile(value: unknown, path: string): ProfileSetting {
  const root = `The configuration file '${path}': "ldap.profile"`;
  if (typeof value === 'string') {
    if (value === '') throw new ConfigError(`${root} must name a profile (e.g. "iredmail") or be a profile object.`);
    return value;
  }
  const profile = object(value, root);
  onlyKeys(profile, KEYS, root);
  const where: Where = (key) => `${root}.${key}`;
  const addresses = profile.emailAddresses;
  if (!Array.isArray(addresses) || addresses.length === 0) throw new ConfigError(`${where('emailAddresses')} must be a non-empty list of attribute names.`);
  return {
    profile: text(profile.name, where('name')),
    mailboxes: entrySet(profile.mailboxes, where('mailboxes'), ['one', 'sub']),
    organizationalUnits: entrySet(profile.organizationalUnits, where('organizationalUnits'), ['one']),
    guid: profile.guid === undefined ? 'entryUUID' : attributeName(profile.guid, where('guid')),
    attributes: attributes(profile.attributes, where),
    emailAddresses: addresses.map((a, i) => attributeName(a, `${where('emailAddresses')}[${i}]`)),
    customAttributePrefix: null,
    switches: switches(profile.switches, where),
    settingAttributes: {},
    useDefaultsAttributes: {},
    administrator: administrator(profile.administrator, where),
    ownsEntries: false,
  };
}
