import { refusesAdministrator } from '../../core/administrator.js';
import type { IpNetwork } from '../../core/ip-networks.js';
import { SERVICE_PROTOCOLS, type ProtocolDefinition } from '../../core/protocols.js';
import { ADMINISTRATOR_ATTRIBUTE, ENABLED_SERVICE_ATTRIBUTE } from './cas-attributes.js';
import { MAILBOX_CLASS_FILTER } from './entries.js';
import { ENABLED_SERVICE_VALUES } from './protocol-values.js';
import { parseLdapUrl } from './url.js';
import { administratorWording, AUTH_CONF, authInclude23, includeLine, servicesOf } from '../../dovecot/auth-include.js';
import { variables, type DovecotVersion } from '../../dovecot/version.js';
import { networksValue, webmailComment, webmailPassdbs, type WebmailPassdb } from '../../dovecot/webmail-passdbs.js';

export interface DovecotLdapOptions {
  version: DovecotVersion;
  /** The casctl store URL, `ldap://host:port/<base DN>` or `ldaps://...`. */
  storeUrl: string;
  /**
   * The servers this mail server's Dovecot reads (`ldap://host:port`), tried in order: its local
   * replica first. Absent: the store URL's servers.
   */
  servers?: readonly string[];
  /** Where the files will live (2.3's casctl-auth.conf names the .ext file by absolute path). */
  directory: string;
  /**
   * true (the default): Dovecot finds the entry, then binds as it with the password the client
   * sent, so it never reads a password hash (slapd checks {CRYPT} with crypt(3)). false: Dovecot
   * reads userPassword itself, so its bind DN needs read access to it.
   */
  authBind?: boolean;
  /**
   * A DN Dovecot binds as for its lookups: a read-only account of its own, not casctl's. Absent:
   * anonymous lookups (the server's ACLs must let anonymous read mail, casEmailAddress,
   * casUserPrincipalName, casEnabledService and casAdministrator).
   */
  bindDn?: string;
  /**
   * The password of `bindDn`. Left out unless given, so printing the configuration never prints a
   * secret: the file then says where to put it.
   */
  bindPassword?: string;
  startTls?: boolean;
  caFile?: string;
  /** Where the webmail logs in from (normalised); none: OWAEnabled is not enforced. */
  webmailNetworks?: readonly IpNetwork[];
}

export const LDAP_CONF = 'casctl-ldap.conf.ext';

/** A login names an entry by any of its addresses or its UPN. Dovecot LDAP-escapes the variable. */
function loginMatch(user: string): string {
  return `(|(mail=${user})(casEmailAddress=${user})(casUserPrincipalName=${user}))`;
}

function mailboxFilter(user: string): string {
  return `(&${MAILBOX_CLASS_FILTER}${loginMatch(user)})`;
}

const EVERY_ENTRY = 'casMailbox';
const NO_ENTRY = 'casNoSuchClass';

/**
 * `inside` when the protocol logged in to is one of `services`, else `outside`: an LDAP filter
 * cannot compare a variable with a constant, so the protocol is turned into an objectClass value
 * that matches every entry (EVERY_ENTRY) or none (NO_ENTRY). 2.3 nests %{if}; 2.4's `if` filter
 * cannot nest but takes a regular expression (its output is LDAP-escaped, so it holds no parentheses).
 */
function classFor(version: DovecotVersion, services: readonly string[], inside: string, outside: string): string {
  if (version === '2.4') return `%{protocol | if('~', '^(${services.join('|')})$', '${inside}', '${outside}')}`;
  return services.reduceRight((otherwise, service) => `%{if;%s;eq;${service};${inside};${otherwise}}`, outside);
}

/** What the passdb filter needs of each protocol it manages. */
export type ManagedProtocol = Pick<ProtocolDefinition, 'dovecotServices' | 'administrator'>;

/**
 * The Administrator rule in the filter: for a protocol it covers, the entry must not be the
 * Administrator; a protocol it does not cover matches every entry here, by the objectClass trick.
 */
function administratorClause(version: DovecotVersion, protocols: readonly ManagedProtocol[]): string {
  const notAdministrator = `(!(${ADMINISTRATOR_ATTRIBUTE}=TRUE))`;
  const allowed = servicesOf(protocols.filter((p) => !refusesAdministrator(p)));
  if (allowed.length === 0) return notAdministrator;
  if (allowed.length === servicesOf(protocols).length) return '';
  return `(|(objectClass=${classFor(version, allowed, EVERY_ENTRY, NO_ENTRY)})${notAdministrator})`;
}

/**
 * The passdb filter: the entry a login names, and either a protocol casctl does not manage (lmtp,
 * doveadm, ...: no rule, as without casctl) or one whose value casEnabledService holds,
 * for a mailbox that is not the Administrator where the rule covers the protocol.
 */
export function passFilter(version: DovecotVersion, protocols: readonly ManagedProtocol[] = SERVICE_PROTOCOLS): string {
  const v = variables(version);
  const enabled = `(${ENABLED_SERVICE_ATTRIBUTE}=${v.protocol})`;
  const administrator = administratorClause(version, protocols);
  const managed = administrator === '' ? enabled : `(&${enabled}${administrator})`;
  const unmanaged = classFor(version, servicesOf(protocols), NO_ENTRY, EVERY_ENTRY);
  return `(&${MAILBOX_CLASS_FILTER}${loginMatch(v.user)}(|(objectClass=${unmanaged})${managed}))`;
}

/**
 * A webmail passdb's filter: the entry a login to the protocol's services names, and for `admit`
 * one the protocol is enabled for (its casEnabledService values, no service name: %s cannot pick
 * them) and that is not the Administrator where the rule covers the protocol.
 */
export function webmailFilter(version: DovecotVersion, passdb: Pick<WebmailPassdb, 'protocol' | 'role'>): string {
  const v = variables(version);
  const service = `(objectClass=${classFor(version, passdb.protocol.dovecotServices, EVERY_ENTRY, NO_ENTRY)})`;
  const enabled = ENABLED_SERVICE_VALUES[passdb.protocol.name].map((value) => `(${ENABLED_SERVICE_ATTRIBUTE}=${value})`).join('');
  const administrator = refusesAdministrator(passdb.protocol) ? `(!(${ADMINISTRATOR_ATTRIBUTE}=TRUE))` : '';
  return `(&${MAILBOX_CLASS_FILTER}${loginMatch(v.user)}${service}${passdb.role === 'admit' ? `${enabled}${administrator}` : ''})`;
}

const HEADER = [
  "# Generated by casctl get-dovecotconfig: Dovecot reads casctl's LDAP directory store at every login.",
  '# Regenerate it rather than editing it. Keep it mode 0640, owner root, group dovecot.',
];

function rule(): string {
  const services = SERVICE_PROTOCOLS.flatMap((p) => p.dovecotServices.map((s) => `${s} (${p.property})`)).join(', ');
  return `# ${services} log in only while casEnabledService holds the protocol, ${administratorWording(SERVICE_PROTOCOLS, (p) => servicesOf(p).join(', '))}; other protocols get no rule.`;
}

/** The lookup account, under each version's setting names; its password only when given, never a placeholder's value. */
function bindLines(options: DovecotLdapOptions, dnSetting: string, passwordSetting: string): string[] {
  if (options.bindDn === undefined) return [];
  const password = options.bindPassword === undefined ? `# ${passwordSetting} = <the password of ${options.bindDn}>` : `${passwordSetting} = ${options.bindPassword}`;
  return [`${dnSetting} = ${options.bindDn}`, password];
}

/** Dovecot's `uris` / `ldap_uris`: a space-separated list it tries in order. */
function urisOf(options: DovecotLdapOptions): string {
  return (options.servers ?? parseLdapUrl(options.storeUrl).servers.map((s) => s.serverUrl)).join(' ');
}

/** The connection settings of a Dovecot 2.3 LDAP args file: every passdb's file holds them (2.3 has no shared ones). */
function connection23(options: DovecotLdapOptions): string[] {
  const target = parseLdapUrl(options.storeUrl);
  const lines = [`uris = ${urisOf(options)}`, 'ldap_version = 3', `base = ${target.baseDn}`, 'scope = subtree', 'deref = never'];
  if (options.startTls === true) lines.push('tls = yes');
  if (options.caFile !== undefined) lines.push(`tls_ca_cert_file = ${options.caFile}`);
  return [...lines, ...bindLines(options, 'dn', 'dnpass'), '', `auth_bind = ${(options.authBind ?? true) ? 'yes' : 'no'}`];
}

/** A passdb's result fields in 2.3's pass_attrs: the user, the password unless Dovecot binds, then `extra` (`=field=value`). */
function passAttrs23(options: DovecotLdapOptions, extra: readonly string[] = []): string {
  return `pass_attrs = ${['mail=user', ...((options.authBind ?? true) ? [] : ['userPassword=password']), ...extra].join(', ')}`;
}

/** `casctl-ldap.conf.ext`, for Dovecot 2.3's LDAP passdb and userdb. */
function ldap23(options: DovecotLdapOptions): string {
  const lines = [...HEADER, rule(), ...connection23(options)];
  lines.push(
    `pass_filter = ${passFilter('2.3')}`,
    passAttrs23(options),
    '',
    `user_filter = ${mailboxFilter('%u')}`,
    'user_attrs = mail=user',
    `iterate_filter = ${MAILBOX_CLASS_FILTER}`,
    'iterate_attrs = mail=user',
    '',
  );
  return lines.join('\n');
}

/** A webmail passdb's args file for 2.3: pass_attrs splits on commas, so the networks are space-separated. */
function webmail23(options: DovecotLdapOptions, passdb: WebmailPassdb, networks: readonly IpNetwork[]): string {
  const lines = [...HEADER, ...connection23(options), `pass_filter = ${webmailFilter('2.3', passdb)}`, passAttrs23(options, [`=allow_real_nets=${networksValue(networks)}`]), ''];
  return lines.join('\n');
}

/** A webmail passdb in 2.4 syntax: named otherwise than its driver, it takes the driver's setting names (ldap_bind, ldap_filter). */
function webmail24(options: DovecotLdapOptions, passdb: WebmailPassdb, networks: readonly IpNetwork[]): string[] {
  const authBind = options.authBind ?? true;
  return [
    `passdb ${passdb.name} {`,
    '  driver = ldap',
    `  ldap_bind = ${authBind ? 'yes' : 'no'}`,
    `  ldap_filter = ${webmailFilter('2.4', passdb)}`,
    ...passdb.results.map((r) => `  ${r}`),
    '  fields {',
    '    user = %{ldap:mail}',
    ...(authBind ? [] : ['    password = %{ldap:userPassword}']),
    `    allow_real_nets = ${networksValue(networks)}`,
    '  }',
    '}',
  ];
}

/** casctl-auth.conf in Dovecot 2.4 syntax: the LDAP settings and both databases in one file. */
function ldap24(options: DovecotLdapOptions, include: string): string {
  const target = parseLdapUrl(options.storeUrl);
  const authBind = options.authBind ?? true;
  const networks = options.webmailNetworks ?? [];
  const lines = [...HEADER, `# Dovecot 2.4 syntax. ${include}`, rule(), ...webmailComment(networks), `auth_username_format = ${variables('2.4').lowerUser}`, ''];
  lines.push(`ldap_uris = ${urisOf(options)}`, `ldap_base = ${target.baseDn}`, 'ldap_scope = subtree', 'ldap_deref = never');
  if (options.startTls === true) lines.push('ldap_starttls = yes');
  if (options.caFile !== undefined) lines.push(`ssl_client_ca_file = ${options.caFile}`);
  lines.push(...bindLines(options, 'ldap_auth_dn', 'ldap_auth_dn_password'));
  lines.push(
    '',
    ...webmailPassdbs(networks, false).flatMap((passdb) => webmail24(options, passdb, networks)),
    'passdb ldap {',
    `  bind = ${authBind ? 'yes' : 'no'}`,
    `  filter = ${passFilter('2.4')}`,
    '  fields {',
    '    user = %{ldap:mail}',
    ...(authBind ? [] : ['    password = %{ldap:userPassword}']),
    '  }',
    '}',
    'userdb ldap {',
    `  filter = ${mailboxFilter('%{user}')}`,
    `  iterate_filter = ${MAILBOX_CLASS_FILTER}`,
    '  fields {',
    '    user = %{ldap:mail}',
    '  }',
    '  iterate_fields {',
    '    user = %{ldap:mail}',
    '  }',
    '}',
    '',
  );
  return lines.join('\n');
}

const webmailConf = (passdb: WebmailPassdb): string => `casctl-ldap-${passdb.name.replace(/^casctl-/, '')}.conf.ext`;

/** casctl-auth.conf (to `!include` from dovecot.conf) and, for 2.3, the .ext files it names. */
export function ldapAuthFiles(options: DovecotLdapOptions): Map<string, string> {
  const directory = options.directory.replace(/\/+$/, '');
  if (options.version === '2.4') return new Map([[AUTH_CONF, ldap24(options, includeLine(directory))]]);
  const networks = options.webmailNetworks ?? [];
  const webmail = webmailPassdbs(networks, false);
  const before = webmail.map((passdb) => ({ extFile: webmailConf(passdb), settings: passdb.results }));
  const auth = authInclude23('ldap', directory, LDAP_CONF, [rule(), ...webmailComment(networks)], before);
  return new Map([
    [AUTH_CONF, auth],
    [LDAP_CONF, ldap23(options)],
    ...webmail.map((passdb) => [webmailConf(passdb), webmail23(options, passdb, networks)] as const),
  ]);
}
