import type { IpNetwork } from '../../core/ip-networks.js';
import { LAST_LOGON_PROPERTIES, LAST_LOGON_PROTOCOLS, RECORDING_SERVICES, recordedServices } from '../../core/last-logons.js';
import { configValue } from '../../dovecot/config-value.js';
import { variables, type DovecotVersion } from '../../dovecot/version.js';
import { LAST_LOGON_COLUMNS as C, LAST_LOGON_TABLE } from './last-logon-table.js';

/**
 * Dovecot's configuration that records each login in the table casctl reads (last-logon-table.ts):
 * the last_login plugin in the mail processes of the recorded protocols only (imap, pop3; never
 * lmtp, lda or doveadm, whose runs are no logins), writing through the dict proxy process, which
 * alone opens the database, to an SQL dict whose map turns the plugin's key
 * `last-login/<protocol>/<user>/<remote ip>` into a row of the table. A protocol told apart by
 * remote address (OWA: IMAP from the webmail networks) gets the key with its own name in a
 * `remote <network> { protocol <service> { ... } }` filter per network, which both versions apply
 * to the mail process's settings by the client's address (one network per filter: 2.3 takes no
 * list there).
 */

/** What differs between the databases the dict writes to: how Dovecot connects to it. */
export interface LastLoginDictConnection {
  /** For the comments: `SQLite`, `PostgreSQL`, `MariaDB`. */
  engine: string;
  /** 2.3: the dict driver, as `dict { name = <driver>:<map file> }` names it. */
  driver23: 'sqlite' | 'pgsql' | 'mysql';
  /** 2.3: the map file's connection line(s): `connect = ...`. */
  connection23: readonly string[];
  /** 2.4: the dict's connection lines inside its `dict_server { dict ... { driver = sql ... } }` block: `sql_driver = ...` and the driver's own settings. */
  connection24: readonly string[];
}

export interface LastLoginConfigOptions {
  version: DovecotVersion;
  /** Where the files will live (2.3's dict names its map file by absolute path). */
  directory: string;
  connection: LastLoginDictConnection;
  /** The UNIX user the imap and pop3 processes run as (Dovecot's mail_uid): the only one let into the dict's socket. */
  mailUser: string;
  /** Where the webmail logs in from: its IMAP logins are recorded as OWA's. None: as IMAP's, like every other. */
  webmailNetworks: readonly IpNetwork[];
}

/** The file an admin includes from dovecot.conf, for both versions. */
export const LAST_LOGONS_CONF = 'casctl-last-logons.conf';
/** 2.3's dict map file, named by the dict setting. */
const DICT_CONF_EXT = 'casctl-last-logons-dict.conf.ext';
/** The dict's name in the dict server, and the socket of its own the mail processes reach it by (relative to base_dir). */
export const LAST_LOGIN_DICT = 'casctl_last_login';
export const LAST_LOGIN_SOCKET = 'casctl-last-login';

/** The plugin's key below `shared/`, and the map's pattern for it. */
const KEY_PREFIX = 'last-login';
const PATTERN = `shared/${KEY_PREFIX}/$service/$user/$remote_ip`;
const KEY_FIELDS = [
  [C.username, '$user'],
  [C.service, '$service'],
  [C.clientAddress, '$remote_ip'],
] as const;

/** The recorded protocols told apart by remote address, from the registry. */
const WEBMAIL_RECORDED = LAST_LOGON_PROTOCOLS.filter((p) => 'remote' in p);

/**
 * 2.3's %s is the service, which for a mail process is its protocol; 2.4 names the protocol
 * itself. `service`: a fixed name instead (a webmail protocol's).
 */
function key(version: DovecotVersion, service?: string): string {
  const v = variables(version);
  return `${KEY_PREFIX}/${service ?? v.protocol}/${v.user}/${v.remoteIp}`;
}

/** The settings block that sets the key, in each version's syntax. */
const keyBlock = (version: DovecotVersion, key: string): string[] =>
  version === '2.3' ? ['plugin {', `  last_login_key = ${key}`, '}'] : ['last_login {', `  last_login_key = ${key}`, '}'];

/** The filters that record a webmail protocol's logins from the networks under its own name; none without networks. */
function webmailFilters(version: DovecotVersion, networks: readonly IpNetwork[]): string[] {
  if (networks.length === 0) {
    return WEBMAIL_RECORDED.map(
      (p) => `# ${p.lastLogonProperty} stays empty: no webmail networks are configured, so the webmail's logins count as ${p.dovecotServices.join(', ')} ("dovecot": {"webmailNetworks": [...]}, or --webmail-network).`,
    );
  }
  return WEBMAIL_RECORDED.flatMap((p) => {
    const [service] = recordedServices(p);
    const comment = [
      `# ${p.dovecotServices.join(', ')} logins from the webmail networks are recorded as ${String(service)} (${p.lastLogonProperty}), every other one as its own protocol.`,
      "# The filters match the remote address: a webmail in login_trusted_networks that forwards its user's address",
      `# (IMAP ID x-originating-ip) has its logins recorded as ${p.dovecotServices.join(', ')}, though ${p.property} decides them by the real one.`,
    ];
    const filters = networks.flatMap((network) =>
      p.dovecotServices.flatMap((dovecotService) => [
        `remote ${network.text} {`,
        `  protocol ${dovecotService} {`,
        ...keyBlock(version, key(version, service)).map((line) => `    ${line}`),
        '  }',
        '}',
      ]),
    );
    return [...comment, ...filters];
  });
}

const header = (options: LastLoginConfigOptions, directory: string): string[] => [
  `# Generated by casctl get-dovecotconfig --last-logons (Dovecot ${options.version} syntax). Include it from dovecot.conf, after`,
  `# your own mail_plugins:  !include ${directory}/${LAST_LOGONS_CONF}`,
  `# Records the last login of each mailbox per protocol (${RECORDING_SERVICES.join(', ')}) and client address in the ${options.connection.engine}`,
  `# table ${LAST_LOGON_TABLE} casctl reads (${LAST_LOGON_PROPERTIES.join(', ')}). Deliveries (lmtp, lda) and doveadm are no`,
  '# logins: the plugin is loaded for the recorded protocols only. The times and addresses are personal data:',
  '# casctl prune-lastlogons deletes those older than the retention ("lastLogons": {"retentionDays"}).',
  `# The mail processes reach the dict server through a socket of its own that only ${options.mailUser} may open;`,
  "# the dict process (Dovecot's default_internal_user) alone opens the database.",
];

const socketListener = (mailUser: string): string[] => [
  'service dict {',
  `  unix_listener ${LAST_LOGIN_SOCKET} {`,
  '    mode = 0600',
  `    user = ${mailUser}`,
  '  }',
  '}',
];

function files23(options: LastLoginConfigOptions, directory: string): Map<string, string> {
  const conf = [
    ...header(options, directory),
    '',
    ...RECORDING_SERVICES.flatMap((service) => [`protocol ${service} {`, '  mail_plugins = $mail_plugins last_login', '}']),
    'plugin {',
    `  last_login_dict = proxy:${LAST_LOGIN_SOCKET}:${LAST_LOGIN_DICT}`,
    `  last_login_key = ${key('2.3')}`,
    '  last_login_precision = s',
    '}',
    ...webmailFilters('2.3', options.webmailNetworks),
    'dict {',
    `  ${LAST_LOGIN_DICT} = ${options.connection.driver23}:${directory}/${DICT_CONF_EXT}`,
    '}',
    ...socketListener(options.mailUser),
    '',
  ].join('\n');
  const map = [
    `# Generated by casctl get-dovecotconfig --last-logons: the ${options.connection.engine} table the last_login plugin's key is written to.`,
    ...options.connection.connection23,
    '',
    'map {',
    `  pattern = ${PATTERN}`,
    `  table = ${LAST_LOGON_TABLE}`,
    `  value_field = ${C.time}`,
    '  value_type = uint',
    '  fields {',
    ...KEY_FIELDS.map(([column, variable]) => `    ${column} = ${variable}`),
    '  }',
    '}',
    '',
  ].join('\n');
  return new Map([
    [LAST_LOGONS_CONF, conf],
    [DICT_CONF_EXT, map],
  ]);
}

function files24(options: LastLoginConfigOptions, directory: string): Map<string, string> {
  const conf = [
    ...header(options, directory),
    '',
    ...RECORDING_SERVICES.flatMap((service) => [`protocol ${service} {`, '  mail_plugins {', '    last_login = yes', '  }', '}']),
    'last_login {',
    '  dict proxy {',
    `    name = ${LAST_LOGIN_DICT}`,
    `    socket_path = ${LAST_LOGIN_SOCKET}`,
    '  }',
    `  last_login_key = ${key('2.4')}`,
    '  last_login_precision = s',
    '}',
    ...webmailFilters('2.4', options.webmailNetworks),
    'dict_server {',
    `  dict ${LAST_LOGIN_DICT} {`,
    '    driver = sql',
    ...options.connection.connection24.map((line) => `    ${line}`),
    `    dict_map ${PATTERN} {`,
    `      sql_table = ${LAST_LOGON_TABLE}`,
    `      value_field ${C.time} {`,
    '        type = uint',
    '      }',
    ...KEY_FIELDS.flatMap(([column, variable]) => [`      key_field ${column} {`, `        value = ${variable}`, '      }']),
    '    }',
    '  }',
    '}',
    ...socketListener(options.mailUser),
    '',
  ].join('\n');
  return new Map([[LAST_LOGONS_CONF, conf]]);
}

export interface LastLoginFiles {
  /** Name → content. */
  files: Map<string, string>;
  /** The files the dict process reads itself, as its own user (2.3's map file): they must be readable by it, not only by root. */
  readByDict: readonly string[];
}

/** casctl-last-logons.conf (to `!include` from dovecot.conf) and, for 2.3, the dict's map file it names. */
export function lastLoginFiles(options: LastLoginConfigOptions): LastLoginFiles {
  const directory = configValue('The directory', options.directory.replace(/\/+$/, ''));
  configValue('The mail user', options.mailUser);
  return options.version === '2.3' ? { files: files23(options, directory), readByDict: [DICT_CONF_EXT] } : { files: files24(options, directory), readByDict: [] };
}
