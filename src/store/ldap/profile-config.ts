import { ConfigError } from '../../core/errors.js';
import { parseDn } from '../../core/dn-syntax.js';
import { configObject, configText, onlyKeys, parseSwitchProtocols, profileRoot, type ProfileSetting as Setting } from '../mapping-profiles.js';
import { TEXT_PROPERTIES, type EntrySet, type LdapMapping, type TextProperty } from './mapping.js';

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

const object = configObject;
const text = configText;

const ATTRIBUTE = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/;

function attributeName(value: unknown, where: string): string {
  if (typeof value !== 'string' || !ATTRIBUTE.test(value)) throw new ConfigError(`${where} must be an LDAP attribute name (letters, digits and hyphens, or an OID).`);
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

function switches(value: unknown, where: Where): LdapMapping['switches'] {
  const here = where('switches');
  const section = object(value, here);
  onlyKeys(section, ['attribute', 'protocols'], here);
  const protocols = parseSwitchProtocols(section.protocols, `${here}.protocols`, (item, at) => text(item, at), 'value');
  return { attribute: attributeName(section.attribute, `${here}.attribute`), protocols };
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
export type ProfileSetting = Setting<LdapMapping>;

/** Validates `"ldap": { "profile": ... }` of the configuration file at `path`. */
export function parseProfile(value: unknown, path: string): ProfileSetting {
  const given = profileRoot(value, 'ldap', path, KEYS);
  if (typeof given === 'string') return given;
  const { profile, root } = given;
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
