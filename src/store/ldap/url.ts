import { StoreError } from '../../core/errors.js';
import { formatDn, parseDn } from '../../core/dn-syntax.js';

/** `ldap://host:port/<base DN>` or `ldaps://...`, as an admin names an LDAP directory store. */
export interface LdapStoreUrl {
  secure: boolean;
  host: string;
  port: number;
  /** What ldapts connects to: scheme, host and port only. */
  serverUrl: string;
  baseDn: string;
  /** The URL as casctl prints it (never holds a secret). */
  storeUrl: string;
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
  const hostPort = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(authority);
  if (hostPort === null) throw new StoreError(`The LDAP store URL '${url}' names no server: use ${scheme}://host:port/<base DN>.`);
  const [, host = '', portText] = hostPort;
  const port = portText === undefined ? (scheme === 'ldaps' ? 636 : 389) : Number(portText);
  if (port < 1 || port > 65535) throw new StoreError(`The LDAP store URL '${url}' has an invalid port ${portText ?? ''}.`);
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
  const serverUrl = `${scheme}://${host}:${port}`;
  return { secure: scheme === 'ldaps', host: host.replace(/^\[|\]$/g, ''), port, serverUrl, baseDn, storeUrl: `${serverUrl}/${baseDn}` };
}
