import { UsageError } from '../../core/errors.js';
import { configValue, secretConfigValue } from '../../dovecot/config-value.js';
import type { StoreDriver } from '../store-driver.js';
import { describeLdapSettings, parseLdapSection, resolveLdapSettings, type LdapConfigSection } from './settings.js';
import { parseLdapUrl } from './url.js';

/** --ldap-uri values (each `ldap://host:port`, or several joined by commas) as Dovecot's URI list, the store's base kept. */
function dovecotServers(uris: readonly string[], storeUrl: string): string[] {
  const { baseDn } = parseLdapUrl(storeUrl);
  return uris.flatMap((uri) => {
    if (!/^ldaps?:\/\/[^/?#]+\/?$/i.test(uri.trim())) {
      throw new UsageError(`--ldap-uri '${uri}' must name servers only (ldap://host:port or ldaps://host:port): Dovecot reads the store's base, ${baseDn}.`);
    }
    return parseLdapUrl(`${uri.trim().replace(/\/$/, '')}/${baseDn}`).servers.map((server) => configValue('The LDAP URI', server.serverUrl));
  });
}

/** An LDAP directory (OpenLDAP with casctl's schema, or an existing one through a profile); its `ldap` configuration section says how to bind. */
export const ldapDriver: StoreDriver<LdapConfigSection> = {
  name: 'ldap',
  schemes: ['ldap', 'ldaps'],
  urlForms: ["'ldap://host:port/<base DN>'", "'ldaps://host:port/<base DN>'"],
  configSection: { name: 'ldap', parse: (value, file) => parseLdapSection(value, file.path, file.directory), describe: describeLdapSettings },
  resolveUrl: (url) => url,
  async open(url, options) {
    const settings = resolveLdapSettings(options.section, options.env, options.cwd);
    const { LdapStore } = await import('./ldap-store.js');
    const { create, now, progress, onNotice, readOnly, readUrl, profile } = options;
    const configured = options.section?.profile;
    const profiles = { ...(profile === undefined ? {} : { option: profile }), ...(configured === undefined ? {} : { configured }) };
    return LdapStore.open(url, options.trace === undefined ? settings : { ...settings, trace: options.trace }, {
      create,
      now,
      onNotice,
      profiles,
      write: !readOnly,
      ...(progress === undefined ? {} : { progress }),
      ...(readOnly && readUrl !== undefined ? { readUrl } : {}),
    });
  },
  async dovecotConfig(request) {
    if (request.reason) throw new UsageError('--reason is for the SQLite store: the LDAP passdb cannot tell a refused client why.');
    const { startTls, caFile } = request.section ?? {};
    const { ldapAuthFiles } = await import('./ldap-auth-config.js');
    const { servers, lookupAccount } = request;
    return ldapAuthFiles({
      version: request.version,
      storeUrl: configValue('The store URL', request.url),
      ...(servers === undefined ? {} : { servers: dovecotServers(servers, request.url) }),
      ...(lookupAccount === undefined ? {} : { bindDn: configValue('The lookup bind DN', lookupAccount.dn) }),
      ...(lookupAccount === undefined || lookupAccount.password === null ? {} : { bindPassword: secretConfigValue('The lookup password', lookupAccount.password) }),
      directory: request.directory,
      webmailNetworks: request.webmailNetworks,
      ...(startTls === undefined ? {} : { startTls }),
      ...(caFile === undefined ? {} : { caFile: configValue('The CA file', caFile) }),
    });
  },
};
