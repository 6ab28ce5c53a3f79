/**
 * The mail access protocols casctl controls: the one table everything protocol-specific derives
 * from (the CAS settings and their options, mailbox fields, filter properties, CSV columns, output
 * views, audit settings, change ordering, the services to refresh, the Dovecot services a login
 * comes through). Adding a protocol (ManageSieve, SMTP AUTH) is one entry here plus the store
 * drivers' own maps (SQLite column, LDAP value) and a migration; an LDAP store made before it gets
 * its values from `casctl init` (store/ldap/store-protocols.ts), with nothing per protocol.
 *
 * The order of the entries is the display order, and the order of a mailbox's change items.
 */

/** An Exchange-named service that caches a protocol's setting (Restart-Service / Get-Service). */
export interface ProtocolService {
  Name: string;
  ShortName: string;
  DisplayName: string;
}

/** `refused`: the Administrator mailbox never uses the protocol, whatever is stored; `allowed`: no rule. */
export type AdministratorRule = 'refused' | 'allowed';

export interface ProtocolDefinition {
  /** Lower-case protocol name (as in `doveadm who`, and the key the store drivers map). */
  name: string;
  /** How Exchange writes it in messages: `POP3`, `IMAP4`. */
  displayName: string;
  /** The CAS setting: a boolean property of a mailbox, shown, filtered and set under this name. */
  property: `${string}Enabled` | `${string}Disabled`;
  /**
   * `disabled`: the property says Disabled, so $true refuses the protocol (Exchange's
   * SmtpClientAuthenticationDisabled). Absent: the property says Enabled, $true admits.
   */
  sense?: 'disabled';
  /**
   * The setting may be $null: the mailbox follows the organisation default (a store-wide value
   * of the same name, get-transportconfig). Dovecot never reads the setting itself but the
   * effective flag each store keeps beside it. Absent: always $true or $false.
   */
  nullable?: true;
  /**
   * The services of dovecotServices whose client takes Dovecot's `nologin` answer as a success
   * (Postfix's SASL client: `smtp`), so `--reason` must refuse them by finding no mailbox rather
   * than by naming the reason. Absent: every client honours nologin.
   */
  ignoresNologin?: readonly string[];
  /** Exchange's `<Protocol>UseProtocolDefaults`, read-only here; only POP3 and IMAP4 have one in Exchange. */
  useDefaultsProperty?: `${string}UseProtocolDefaults`;
  /** The Administrator rule (DESIGN.md §2, core/administrator.ts): may the built-in account use this protocol? */
  administrator: AdministratorRule;
  /** Values of Dovecot's protocol variable this protocol covers (plain and TLS listeners share the service name). */
  dovecotServices: readonly string[];
  /**
   * `webmail`: the protocol covers only the logins of its dovecotServices whose real remote address
   * is in the configured webmail networks (OWA: the webmail logs in over IMAP), and the protocol
   * without `remote` that shares those services then covers the logins from everywhere else.
   * Enforced by passdbs of their own in front of casctl's main one (store/*-auth-config.ts), never
   * in its per-service rule; without webmail networks the setting is stored but not enforced.
   */
  remote?: 'webmail';
  /**
   * What `doveadm who` calls this protocol's sessions, where that is not just dovecotServices: the
   * sessions to end when the protocol is turned off for a mailbox.
   */
  sessionServices?: readonly string[];
  /** The services whose caches hold the setting. */
  services: readonly ProtocolService[];
  /**
   * The property that shows when a mailbox last logged in over this protocol, as Dovecot's
   * last_login plugin records it (core/last-logons.ts). Absent: the protocol's logins are not
   * recorded (Postfix's SASL logins go through no mail process). A `remote` protocol's logins are
   * recorded under its own name, only where webmail networks are configured.
   */
  lastLogonProperty?: `Last${string}LogonTime`;
}

export const PROTOCOLS = [
  {
    name: 'pop3',
    displayName: 'POP3',
    property: 'PopEnabled',
    useDefaultsProperty: 'PopUseProtocolDefaults',
    dovecotServices: ['pop3'],
    lastLogonProperty: 'LastPopLogonTime',
    administrator: 'refused',
    services: [
      { Name: 'MSExchangePOP3', ShortName: 'pop3', DisplayName: 'Microsoft Exchange POP3' },
      { Name: 'MSExchangePOP3BE', ShortName: 'pop3be', DisplayName: 'Microsoft Exchange POP3 Backend' },
    ],
  },
  {
    name: 'imap',
    displayName: 'IMAP4',
    property: 'ImapEnabled',
    useDefaultsProperty: 'ImapUseProtocolDefaults',
    dovecotServices: ['imap'],
    lastLogonProperty: 'LastImapLogonTime',
    administrator: 'refused',
    services: [
      { Name: 'MSExchangeIMAP4', ShortName: 'imap4', DisplayName: 'Microsoft Exchange IMAP4' },
      { Name: 'MSExchangeIMAP4BE', ShortName: 'imap4be', DisplayName: 'Microsoft Exchange IMAP4 Backend' },
    ],
  },
  {
    name: 'owa',
    displayName: 'OWA',
    property: 'OWAEnabled',
    dovecotServices: ['imap'],
    remote: 'webmail',
    // Recorded as service `owa` where the configuration names webmail networks (store/sql/last-login-dict.ts).
    lastLogonProperty: 'LastOwaLogonTime',
    // Exchange lets the Administrator use Outlook on the web.
    administrator: 'allowed',
    services: [{ Name: 'MSExchangeOWAAppPool', ShortName: 'owa', DisplayName: 'Microsoft Exchange Outlook on the web app pool' }],
  },
  {
    name: 'smtp',
    displayName: 'SMTP AUTH',
    property: 'SmtpClientAuthenticationDisabled',
    sense: 'disabled',
    nullable: true,
    administrator: 'allowed',
    // Postfix's smtpd_sasl_type = dovecot sends service `smtp`; Dovecot's own submission service `submission`.
    dovecotServices: ['smtp', 'submission'],
    // Postfix answers 235 to an OK that carries nologin; Dovecot's submission-login refuses it.
    ignoresNologin: ['smtp'],
    services: [{ Name: 'MSExchangeFrontEndTransport', ShortName: 'smtp', DisplayName: 'Microsoft Exchange Frontend Transport' }],
  },
  {
    // Exchange has no ManageSieve: the property and the service are casctl's own, named in Exchange's manner.
    name: 'sieve',
    displayName: 'ManageSieve',
    property: 'ManageSieveEnabled',
    administrator: 'allowed',
    dovecotServices: ['sieve'],
    // Dovecot 2.3 lists a ManageSieve session as `sieve`, 2.4 as `managesieve`.
    sessionServices: ['sieve', 'managesieve'],
    services: [{ Name: 'CasctlManageSieve', ShortName: 'sieve', DisplayName: 'casctl ManageSieve' }],
  },
] as const satisfies readonly ProtocolDefinition[];

export type Protocol = (typeof PROTOCOLS)[number];
export type ProtocolName = Protocol['name'];
/** The CAS settings `set-casmailbox` changes. */
export type CasSettingName = Protocol['property'];
/** A protocol that has a UseProtocolDefaults property. */
export type ProtocolWithDefaults = Extract<Protocol, { useDefaultsProperty: string }>;
export type UseDefaultsName = ProtocolWithDefaults['useDefaultsProperty'];
/** A protocol whose setting may be $null (follow the organisation default). */
export type NullableProtocol = Extract<Protocol, { nullable: true }>;
export type NullableSettingName = NullableProtocol['property'];
/** The value a CAS setting holds: $true/$false, or also $null for a nullable one. */
export type SettingValueOf<K extends CasSettingName> = K extends NullableSettingName ? boolean | null : boolean;
/** Any CAS setting's value, where the setting is not known at compile time (change items, writes). */
export type SettingValue = boolean | null;
/** Every CAS setting with its value. */
export type CasSettingValues = { [K in CasSettingName]: SettingValueOf<K> };
export type CasSettings = Partial<CasSettingValues>;

/** The protocols enforced by remote address (OWA: IMAP from the webmail networks), and those enforced by Dovecot service alone. */
export const WEBMAIL_PROTOCOLS: readonly Protocol[] = PROTOCOLS.filter((p) => 'remote' in p && p.remote === 'webmail');
export const SERVICE_PROTOCOLS: readonly Protocol[] = PROTOCOLS.filter((p) => !WEBMAIL_PROTOCOLS.includes(p));

/** Every CAS setting, in registry order. */
export const CAS_SETTINGS: readonly CasSettingName[] = PROTOCOLS.map((p) => p.property);

/**
 * The CAS settings get-casmailbox's table shows, in its own order (Exchange's view, not the
 * registry's): a protocol appended to the registry joins the list, JSON and CSV output without
 * changing the table, which names its columns here.
 */
export const TABLE_CAS_SETTINGS: readonly CasSettingName[] = ['OWAEnabled', 'PopEnabled', 'ImapEnabled'];
const hasUseDefaults = (protocol: Protocol): protocol is ProtocolWithDefaults => 'useDefaultsProperty' in protocol;

/** The protocols with a UseProtocolDefaults property, in registry order: what the stores map a defaults column or attribute for. */
export const USE_DEFAULTS_PROTOCOLS: readonly ProtocolWithDefaults[] = PROTOCOLS.filter(hasUseDefaults);
/** Every `<Protocol>UseProtocolDefaults` property, in registry order. */
export const USE_DEFAULTS_PROPERTIES: readonly UseDefaultsName[] = USE_DEFAULTS_PROTOCOLS.map((p) => p.useDefaultsProperty);

/** The protocol's setting may be $null. */
export function isNullable(protocol: ProtocolDefinition): boolean {
  return protocol.nullable === true;
}

/** The nullable protocols, in registry order: the organisation defaults a store keeps. */
export const NULLABLE_PROTOCOLS: readonly NullableProtocol[] = PROTOCOLS.filter((p): p is NullableProtocol => isNullable(p));

/** The services of a protocol whose clients ignore nologin (ProtocolDefinition.ignoresNologin). */
export function servicesIgnoringNologin(protocol: ProtocolDefinition): readonly string[] {
  return protocol.ignoresNologin ?? [];
}

/** The property says Disabled: $true refuses the protocol. */
export function saysDisabled(protocol: ProtocolDefinition): boolean {
  return protocol.sense === 'disabled';
}

/**
 * Whether a setting's value admits the protocol's logins: the value itself for an Enabled
 * setting, its negation for a Disabled one; $null takes `organizationDefault` (the organisation's
 * value of the same property) first.
 */
export function admits(protocol: ProtocolDefinition, value: SettingValue, organizationDefault: boolean): boolean {
  const set = value ?? organizationDefault;
  return saysDisabled(protocol) ? !set : set;
}

/** The setting's value that admits (true) or refuses (false) the protocol's logins. */
export function valueAdmitting(protocol: Pick<ProtocolDefinition, 'sense'>, admitted: boolean): boolean {
  return protocol.sense === 'disabled' ? !admitted : admitted;
}

/** A record with an entry per CAS setting, in registry order: how a consumer fills every setting without naming one. */
export function perCasSetting<T>(value: (protocol: Protocol) => T): Record<CasSettingName, T> {
  return Object.fromEntries(PROTOCOLS.map((p) => [p.property, value(p)])) as Record<CasSettingName, T>;
}

/** As perCasSetting, for the UseProtocolDefaults properties (of the protocols that have one). */
export function perUseDefaults<T>(value: (protocol: ProtocolWithDefaults) => T): Record<UseDefaultsName, T> {
  return Object.fromEntries(USE_DEFAULTS_PROTOCOLS.map((p) => [p.useDefaultsProperty, value(p)])) as Record<UseDefaultsName, T>;
}

const byProperty = new Map<string, Protocol>(PROTOCOLS.map((p) => [p.property, p]));

/** The protocol whose CAS setting this is (exact name); undefined for any other text. */
export function protocolOf(property: CasSettingName): Protocol;
export function protocolOf(property: string): Protocol | undefined;
export function protocolOf(property: string): Protocol | undefined {
  return byProperty.get(property);
}

export function isCasSetting(property: string): property is CasSettingName {
  return byProperty.has(property);
}

// A map, as sorting a change record of a million items compares settings millions of times.
const RANK = new Map<string, number>(PROTOCOLS.map((p, i) => [p.property, i]));

/** Registry order of two CAS settings: how a mailbox's change items are ordered, on every store. */
export function compareCasSettings(a: CasSettingName, b: CasSettingName): number {
  return (RANK.get(a) ?? 0) - (RANK.get(b) ?? 0);
}

/** The services `doveadm who` lists a protocol's sessions under. */
export function sessionServicesOf(protocol: Pick<ProtocolDefinition, 'dovecotServices' | 'sessionServices'>): readonly string[] {
  return protocol.sessionServices ?? protocol.dovecotServices;
}

/** Protocols as a message names them: `POP3 or IMAP4` (`joiner` 'or'), `POP3 and IMAP4`. */
export function protocolList(joiner: 'or' | 'and', protocols: readonly Pick<ProtocolDefinition, 'displayName'>[]): string {
  const names = protocols.map((p) => p.displayName);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} ${joiner} ${names.at(-1) ?? ''}` : names.join('');
}

/**
 * casctl's built-in organisation default of each nullable setting, until one is set: the value
 * that admits the protocol (SMTP AUTH allowed), so a store upgraded to a new nullable protocol
 * keeps every mailbox's logins as they were.
 */
export const BUILT_IN_DEFAULTS: Readonly<Record<NullableSettingName, boolean>> = Object.fromEntries(
  NULLABLE_PROTOCOLS.map((p) => [p.property, valueAdmitting(p, true)]),
) as Record<NullableSettingName, boolean>;
