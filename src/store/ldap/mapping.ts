import { fold } from '../../core/mailbox.js';
import type { NullableProtocol, ProtocolName, ProtocolWithDefaults } from '../../core/protocols.js';
import { ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import type { Scope } from './connection.js';

/** A protocol's switch values: at least one, as a protocol with none could never be enabled. */
export type ServiceValues = readonly [string, ...string[]];

/**
 * How a protocol is held: the values of the switch attribute that enable it (all present:
 * enabled), or `follows`: the directory has no switch of its own for it, it is admitted exactly
 * when the named protocol is (iRedMail's webmail logs in over IMAP), so it reads as that one and
 * cannot be set.
 */
export type SwitchMapping = ServiceValues | { follows: ProtocolName };

/** The mailbox properties read from one attribute each; null in a mapping: the directory has none, the property reads empty. */
export const TEXT_PROPERTIES = [
  'Name', 'DisplayName', 'Alias', 'SamAccountName', 'UserPrincipalName', 'PrimarySmtpAddress',
  'Department', 'Title', 'Company', 'Office', 'City', 'StateOrProvince', 'CountryOrRegion', 'RecipientTypeDetails',
] as const;
export type TextProperty = (typeof TEXT_PROPERTIES)[number];

/** Entries a search selects: a base relative to the store's base DN ('' is the base itself), a scope, a filter. */
export interface EntrySet {
  base: string;
  scope: Scope;
  filter: string;
}

/**
 * How the LDAP store reads and writes an existing directory: casctl's own schema
 * (CASCTL_MAPPING) or a profile onto another one (profiles.ts: iRedMail). Every reader and writer
 * of mailbox entries goes through one of these, so a profile is data, not a second code path.
 */
export interface LdapMapping {
  /** The profile's name, as `casctl init --profile` and the configuration name it; null for casctl's own schema. */
  profile: string | null;
  mailboxes: EntrySet;
  /**
   * The entries that are OUs. Below a profile's OU base every mailbox belongs to the OU one level
   * below that base it lies in (iRedMail: domainName=<domain>,o=domains); with casctl's schema a
   * mailbox's OU is its parent entry.
   */
  organizationalUnits: EntrySet;
  /** The attribute that identifies a mailbox for ever (history, undo): casGuid, or the server's entryUUID. */
  guid: string;
  attributes: Readonly<Record<TextProperty, string | null>>;
  /** The attributes whose values, in this order, are EmailAddresses; none held: the primary address alone. */
  emailAddresses: readonly string[];
  /** `<prefix><n>` holds CustomAttribute<n>; null: the directory has none. */
  customAttributePrefix: string | null;
  /** The multi-valued attribute of the protocol switches, and each protocol's values. */
  switches: { attribute: string; protocols: Readonly<Record<ProtocolName, SwitchMapping>> };
  /** A nullable setting's own attribute (TRUE/FALSE/absent); a protocol without one always holds true or false. */
  settingAttributes: Readonly<Partial<Record<NullableProtocol['name'], string>>>;
  /** UseProtocolDefaults attributes; a protocol without one reads true (Exchange's default). */
  useDefaultsAttributes: Readonly<Partial<Record<ProtocolWithDefaults['name'], string>>>;
  /** The attribute and value marking the Administrator mailbox (DESIGN.md §2); null: no mailbox is. */
  administrator: { attribute: string; value: string } | null;
  /**
   * casctl's own schema: casctl creates entries (import, OUs) and owns every attribute. A profile
   * never: it changes only the switch values of entries the admin made.
   */
  ownsEntries: boolean;
}

/** Where inetOrgPerson (RFC 2798) holds the user properties, for every mapping onto it. */
export const INET_ORG_PERSON_ATTRIBUTES = {
  Department: 'departmentNumber',
  Title: 'title',
  Company: 'o',
  Office: 'physicalDeliveryOfficeName',
  City: 'l',
  StateOrProvince: 'st',
} as const satisfies Partial<Record<TextProperty, string>>;

/** casctl's own schema (schema/casmailbox.schema): the default mapping of the LDAP store. */
export const CASCTL_MAPPING: LdapMapping = {
  profile: null,
  mailboxes: { base: '', scope: 'sub', filter: '(objectClass=casMailbox)' },
  organizationalUnits: { base: '', scope: 'sub', filter: '(objectClass=organizationalUnit)' },
  guid: 'casGuid',
  attributes: {
    Name: 'cn',
    DisplayName: 'displayName',
    Alias: 'uid',
    SamAccountName: 'casSamAccountName',
    UserPrincipalName: 'casUserPrincipalName',
    PrimarySmtpAddress: 'mail',
    ...INET_ORG_PERSON_ATTRIBUTES,
    CountryOrRegion: 'c',
    RecipientTypeDetails: 'casRecipientTypeDetails',
  },
  emailAddresses: ['casEmailAddress'],
  customAttributePrefix: 'casCustomAttribute',
  switches: {
    attribute: ENABLED_SERVICE_ATTRIBUTE,
    // Dovecot's passdb filter (ldap-auth-config.ts) matches `casEnabledService=%s`, %s the Dovecot
    // service logged in to, so a protocol has one value per Dovecot service it covers. Not derived
    // from the registry's dovecotServices (a unit test holds them equal): the values are stored
    // data, and OWA, enforced by remote address, needs a value that is no service name.
    protocols: { pop3: ['pop3'], imap: ['imap'], owa: ['owa'], smtp: ['smtp', 'submission'], sieve: ['sieve'] },
  },
  settingAttributes: { smtp: 'casSmtpClientAuthenticationDisabled' },
  useDefaultsAttributes: { pop3: 'casPopUseProtocolDefaults', imap: 'casImapUseProtocolDefaults' },
  administrator: { attribute: ADMINISTRATOR_ATTRIBUTE, value: 'TRUE' },
  ownsEntries: true,
};

/** The switch values of a protocol the directory holds itself; null when it follows another. */
export function switchValues(mapping: LdapMapping, protocol: ProtocolName): ServiceValues | null {
  const held = mapping.switches.protocols[protocol];
  return Array.isArray(held) ? (held as ServiceValues) : null;
}

/** The protocol whose values a protocol reads as: itself, or the one it follows. */
export function switchOwner(mapping: LdapMapping, protocol: ProtocolName): ProtocolName {
  const held = mapping.switches.protocols[protocol];
  return Array.isArray(held) ? protocol : (held as { follows: ProtocolName }).follows;
}

/** The DN of an EntrySet's base: `relative,<base DN>`, or the base DN itself for ''. */
export function below(relative: string, baseDn: string): string {
  return relative === '' ? baseDn : `${relative},${baseDn}`;
}

/** `(attribute=value)` of the Administrator marker, or null when the mapping marks none. */
export function administratorTest(mapping: LdapMapping): string | null {
  return mapping.administrator === null ? null : `(${mapping.administrator.attribute}=${mapping.administrator.value})`;
}

/** Does the entry's value mark it the Administrator (compared folded, as directories are edited by hand)? */
export function marksAdministrator(mapping: LdapMapping, values: readonly string[]): boolean {
  const marker = mapping.administrator;
  return marker !== null && values.some((value) => fold(value) === fold(marker.value));
}

/** Every attribute a mapping names, with what it holds: what the subschema must define. */
export function mappedAttributes(mapping: LdapMapping): Map<string, string> {
  const named = new Map<string, string>();
  const add = (attribute: string | null | undefined, what: string): void => {
    if (attribute !== null && attribute !== undefined && !named.has(attribute)) named.set(attribute, what);
  };
  add(mapping.guid, 'Guid');
  for (const property of TEXT_PROPERTIES) add(mapping.attributes[property], property);
  for (const attribute of mapping.emailAddresses) add(attribute, 'EmailAddresses');
  add(mapping.switches.attribute, 'the protocol switches');
  for (const [protocol, attribute] of Object.entries(mapping.settingAttributes)) add(attribute, `the ${protocol} setting`);
  for (const [protocol, attribute] of Object.entries(mapping.useDefaultsAttributes)) add(attribute, `the ${protocol} UseProtocolDefaults`);
  add(mapping.administrator?.attribute, 'the Administrator marker');
  if (mapping.customAttributePrefix !== null) for (let n = 1; n <= 15; n++) add(`${mapping.customAttributePrefix}${n}`, `CustomAttribute${n}`);
  return named;
}
