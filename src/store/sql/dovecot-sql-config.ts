import type { IpNetwork } from '../../core/ip-networks.js';
import { NULLABLE_PROTOCOLS, SERVICE_PROTOCOLS, protocolList, servicesIgnoringNologin } from '../../core/protocols.js';
import type { Protocol } from '../../core/protocols.js';
import { CASCTL_MAILBOX_SCHEMA } from './mailbox-schema.js';
import { administratorWording, AUTH_CONF, authInclude23, includeLine, unmanagedServices } from '../../dovecot/auth-include.js';
import { variables, type DovecotVersion } from '../../dovecot/version.js';
import { networksValue, webmailComment, webmailPassdbs, webmailReason, type WebmailPassdb } from '../../dovecot/webmail-passdbs.js';

/**
 * What differs between the SQL engines Dovecot reads casctl's schema on: its driver and
 * connection settings, and how a query says that a switch is on.
 */
export interface DovecotSqlBackend {
  /** For the header: `SQLite`, `PostgreSQL`. */
  engine: string;
  /** 2.3's `.conf.ext` lines: `driver = ...`, `connect = ...` (and any comment about them). */
  connection23: readonly string[];
  /** 2.4's global lines: `sql_driver = ...` and the driver's own block or settings. */
  connection24: readonly string[];
  /** The mailbox a login names, over the row `m`; `user` is Dovecot's (quoted) variable. */
  mailboxOf(user: string): string;
  /** The protocol's effective switch over `m`, as a condition and as a CASE branch value. */
  enabled(protocol: Protocol): string;
  /** A CASE over the protocol variable with `branches` (WHEN ... THEN enabled(...)), no rule otherwise, as a condition. */
  allowedCase(subject: string, branches: string): string;
}

export interface SqlAuthOptions {
  version: DovecotVersion;
  backend: DovecotSqlBackend;
  /** Where the files will live (2.3's passdb names its args file by absolute path). */
  directory: string;
  /** Tell a refused client why (`NO [CONTACTADMIN] imap access is disabled ...`), after a correct password. */
  reason: boolean;
  /** Where the webmail logs in from (normalised); none: OWAEnabled is not enforced. */
  webmailNetworks?: readonly IpNetwork[];
}

const SQL_CONF = 'casctl-sql.conf.ext';
const webmailConf = (passdb: WebmailPassdb): string => `casctl-sql-${passdb.name.replace(/^casctl-/, '')}.conf.ext`;


/**
 * Admits a login for the protocols casctl manages only while that protocol is enabled for the
 * mailbox (never for the Administrator, where the rule covers the protocol); any other protocol (lmtp,
 * doveadm, ...) gets no rule, as without casctl. Built from the protocol registry; the protocols
 * enforced by remote address have passdbs of their own (webmailQuery).
 */
function allowedExpression(
  backend: DovecotSqlBackend,
  protocol: string,
  services: (p: (typeof SERVICE_PROTOCOLS)[number]) => readonly string[] = (p) => p.dovecotServices,
): string | null {
  const cases = SERVICE_PROTOCOLS.flatMap((p) => services(p).map((service) => `WHEN '${service}' THEN ${backend.enabled(p)}`)).join(' ');
  return cases === '' ? null : backend.allowedCase(`'${protocol}'`, cases);
}

function queries(options: SqlAuthOptions): { password: string[]; user: string[]; iterate: string } {
  const v = variables(options.version);
  const { backend } = options;
  const mailbox = backend.mailboxOf(v.user);
  const allowed = allowedExpression(backend, v.protocol) ?? '1 = 1';
  // Postfix takes an OK with nologin for a success: for its service the refusal stays the missing row.
  const noReason = allowedExpression(backend, v.protocol, servicesIgnoringNologin);
  // Dovecot SQL-escapes the variables itself; the login is lower-cased (auth_username_format) as the store's addresses are.
  const password = options.reason
    ? [
        'SELECT m.primary_smtp_address AS user, m.password,',
        `  CASE WHEN ${allowed} THEN NULL ELSE 'y' END AS nologin,`,
        // Dovecot puts [CONTACTADMIN] before a nologin reason itself.
        `  CASE WHEN ${allowed} THEN NULL ELSE '${v.protocol} access is disabled for this mailbox' END AS reason`,
        `FROM mailboxes m WHERE ${mailbox} AND m.password IS NOT NULL${noReason === null ? '' : ` AND ${noReason}`}`,
      ]
    : [
        'SELECT m.primary_smtp_address AS user, m.password FROM mailboxes m',
        `WHERE ${mailbox} AND m.password IS NOT NULL AND ${allowed}`,
      ];
  // The userdb answers by any address too (LMTP delivers to them) and names the primary: mail lives in one place.
  const user = ['SELECT m.primary_smtp_address AS user FROM mailboxes m', `WHERE ${mailbox}`];
  return { password, user, iterate: 'SELECT primary_smtp_address AS user FROM mailboxes' };
}

/** A webmail passdb's query: the mailbox for a login to the protocol's services, with the networks it must come from. */
function webmailQuery(options: SqlAuthOptions, passdb: WebmailPassdb): string[] {
  const v = variables(options.version);
  const services = passdb.protocol.dovecotServices.map((s) => `'${s}'`).join(', ');
  const refusal = passdb.role === 'refuse' && options.reason ? [`'y' AS nologin`, `'${webmailReason(passdb.protocol)}' AS reason`] : [];
  return [
    `SELECT ${['m.primary_smtp_address AS user', 'm.password', `'${networksValue(options.webmailNetworks ?? [])}' AS allow_real_nets`, ...refusal].join(', ')}`,
    `FROM mailboxes m WHERE ${options.backend.mailboxOf(v.user)} AND m.password IS NOT NULL AND '${v.protocol}' IN (${services})`,
    ...(passdb.role === 'admit' ? [`AND ${options.backend.enabled(passdb.protocol)}`] : []),
  ];
}

const header = (backend: DovecotSqlBackend): string[] => [
  `# Generated by casctl get-dovecotconfig: Dovecot reads casctl's ${backend.engine} directory store at every login.`,
  '# Regenerate it rather than editing it; it must stay in step with the store\'s schema.',
];
const RULE = [
  `# ${protocolList('and', SERVICE_PROTOCOLS)} log in only while enabled for the mailbox, ${administratorWording(SERVICE_PROTOCOLS, (p) => protocolList('and', p))};`,
  `# other protocols (${unmanagedServices().join(', ')}) get no rule from casctl. A mailbox logs in`,
  '# by any of its addresses or its UPN; Dovecot knows it by its primary address.',
  ...NULLABLE_PROTOCOLS.map((p) => `# ${p.property} $null follows the organisation default: casctl keeps ${CASCTL_MAILBOX_SCHEMA.mailboxes.enabled[p.name].join(', ')} in step.`),
];

/** casctl-auth.conf (to `!include` from dovecot.conf) and, for 2.3, the .conf.ext file it names. */
export function dovecotSqlFiles(options: SqlAuthOptions): Map<string, string> {
  const directory = options.directory.replace(/\/+$/, '');
  const q = queries(options);
  const continued = (lines: string[], indent: string): string => lines.join(` \\\n${indent}  `);
  const networks = options.webmailNetworks ?? [];
  const webmail = webmailPassdbs(networks, options.reason);
  const rule = [...RULE, ...webmailComment(networks)];
  if (options.version === '2.4') {
    // A passdb named otherwise than its driver takes the driver's own setting names (sql_query, not query).
    const webmailBlocks = webmail.flatMap((passdb) => [
      `passdb ${passdb.name} {`,
      '  driver = sql',
      `  sql_query = ${continued(webmailQuery(options, passdb), '  ')}`,
      ...passdb.results.map((r) => `  ${r}`),
      '}',
    ]);
    const auth = [
      ...header(options.backend),
      `# Dovecot 2.4 syntax. ${includeLine(directory)}`,
      ...rule,
      `auth_username_format = ${variables('2.4').lowerUser}`,
      '',
      ...options.backend.connection24,
      '',
      ...webmailBlocks,
      'passdb sql {',
      `  query = ${continued(q.password, '  ')}`,
      '}',
      'userdb sql {',
      `  query = ${continued(q.user, '  ')}`,
      `  iterate_query = ${q.iterate}`,
      '}',
      '',
    ].join('\n');
    return new Map([[AUTH_CONF, auth]]);
  }
  const connection = [...header(options.backend), ...options.backend.connection23, ''];
  const sql = [...connection, `password_query = ${continued(q.password, '')}`, '', `user_query = ${continued(q.user, '')}`, `iterate_query = ${q.iterate}`, ''].join('\n');
  const webmailFiles = webmail.map((passdb) => [webmailConf(passdb), [...connection, `password_query = ${continued(webmailQuery(options, passdb), '')}`, ''].join('\n')] as const);
  const before = webmail.map((passdb) => ({ extFile: webmailConf(passdb), settings: passdb.results }));
  const auth = authInclude23('sql', directory, SQL_CONF, rule, before);
  return new Map([[AUTH_CONF, auth], [SQL_CONF, sql], ...webmailFiles]);
}
