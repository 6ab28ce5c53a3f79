import { StoreError } from '../../core/errors.js';
import { formatDn, parseDn } from '../../core/dn-syntax.js';

/** One LDAP server of a store URL. */
export interface LdapServer {
  secure: boolean;
  host: string;
  port: number;
  /** What ldapts connects to: scheme, host and port only. */
  serverUrl: string;
}

/**
 * `ldap://host:port/<base DN>` or `ldaps://...`, as an admin names an LDAP directory store; the
 * authority may list several servers, `ldap://a:389,b:389/<base DN>`, tried in that order (a
 * comma cannot occur in a host name, and RFC 4516 leaves a list of hosts to the application).
 */
export interface LdapStoreUrl extends LdapServer {
  /** Every server the URL names, in the order they are tried; the first is the one above. */
  servers: LdapServer[];
  baseDn: string;
  /** The URL as casctl prints it (never holds a secret). */
  storeUrl: string;
}

function parseServer(scheme: string, text: string, url: string): LdapServer {
  const hostPort = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (hostPort === null) throw new StoreError(`The LDAP store URL '${url}' names no server${text === '' ? '' : ` in '${text}'`}: use ${scheme}://host:port[,host:port...]/<base DN>.`);
  const [, host = '', portText] = hostPort;
  const port = portText === undefined ? (scheme === 'ldaps' ? 636 : 389) : Number(portText);
  if (port < 1 || port > 65535) throw new StoreError(`The LDAP store URL '${url}' has an invalid port ${portText ?? ''}.`);
  return { secure: scheme === 'ldaps', host: host.replace(/^\[|\]$/g, ''), port, serverUrl: `${scheme}://${host}:${port}` };
}

/**
 * Parses an LDAP store URL. The base DN may be percent-encoded (`dc=example%2Cdc=com`) or not.
 * Credentials in the URL are refused (and never echoed): they would end up in shell history,
 * process listings and every message that names the store.
 */
export function parseLdapUrl(url: string): LdapStoreUrl {
  const match = /^(ldaps?):\/\/([^/?#]*)(?:\/([^?#]*))?([?#].*)?$/i.exec(url.trim());
  if (match === null) throw new StoreError(`'${url}' is not an LDAP store URL; use ldap://host:port/<base DN> (or ldaps://).`);
  const [, schemeText = '', authority = '', path = '', extra] = match;
  const scheme = schemeText.toLowerCase();
  if (authority.includes('@')) {
    throw new StoreError(
      `An LDAP store URL must not carry credentials (${scheme}://...@...): give the bind DN and password in the configuration file ` +
        'or in CASCTL_LDAP_BIND_DN and CASCTL_LDAP_PASSWORD / CASCTL_LDAP_PASSWORD_FILE.',
    );
  }
  const servers = authority.split(',').map((text) => parseServer(scheme, text.trim(), url));
  if (extra !== undefined && extra !== '') {
    throw new StoreError(`The LDAP store URL '${url}' has a query or fragment; casctl takes only ${scheme}://host:port/<base DN>.`);
  }
  let baseText: string;
  try {
    baseText = decodeURIComponent(path);
  } catch {
    throw new StoreError(`The base DN in the LDAP store URL '${url}' is not valid percent-encoding.`);
  }
  const base = parseDn(baseText);
  if (base === null || base.length === 0) {
    throw new StoreError(`The LDAP store URL '${url}' needs a base DN after the server, e.g. ${scheme}://${authority}/dc=example,dc=com.`);
  }
  const baseDn = formatDn(base);
  const first = servers[0] as LdapServer;
  const authorityText = servers.map((s) => s.serverUrl.slice(scheme.length + 3)).join(',');
  return { ...first, servers, baseDn, storeUrl: `${scheme}://${authorityText}/${baseDn}` };
}

/** The URL of one server of a store, with the store's base: how messages name the server that answered. */
export function serverStoreUrl(server: LdapServer, baseDn: string): string {
  return `${server.serverUrl}/${baseDn}`;
}
